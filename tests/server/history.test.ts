import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { openSqlite } from '@/etl/connectors/sqlite-source';
import { parseLocal } from '@/etl/lib/time';
import { hallQueueJobs } from '@/etl/sources/hall-queue/jobs';
import { HallQueueSimulator } from '@/etl/simulator/hall-queue-source';
import type { ClickHouse } from '@/server/clickhouse/client';
import { loadEnv } from '@/server/env';
import { loadHistory, type HistoryStatus } from '@/server/jobs/history';
import type { SimulatorHistory } from '@/server/jobs/registry';
import type { Runtime } from '@/server/runtime';
import { dropTestClickHouse, testClickHouse } from '../helpers/clickhouse';

const TZ = 'Asia/Shanghai';
let ch: ClickHouse;
let url: string;
let rt: Runtime;
let sim: HallQueueSimulator;
const prepared: string[] = [];

beforeAll(async () => {
  ch = await testClickHouse();
  url = `file:${path.join(mkdtempSync(path.join(tmpdir(), 'hist-')), 'hall-queue.db')}`;
  sim = new HallQueueSimulator(openSqlite(url), { seed: 5, tz: TZ, faultRate: 0 });
  await sim.init();
  rt = { env: loadEnv({}), ch, db: undefined as never, bootedAt: Date.now(), jobs: undefined as never };
});
afterAll(() => dropTestClickHouse(ch));

// Live since Monday 2026-11-23: the history is the weekend before it (lighter days keep the test quick).
const history = (): SimulatorHistory => ({
  sources: ['hall-queue.tickets'],
  liveSince: async () => parseLocal('2026-11-23 00:00:00', TZ),
  prepareDay: async (ymd) => {
    prepared.push(ymd);
    await sim.writeHistoryDay(ymd);
  },
  purgeDay: async () => undefined,
});
const status = (): HistoryStatus => ({ state: 'off', daysTotal: 0, daysDone: 0, oldestDay: null });
const ticketsByDay = async () =>
  ch.query(
    't.days',
    "SELECT toString(toDate(issued_at, 'Asia/Shanghai')) AS day, count() AS n FROM fact_queue_ticket FINAL GROUP BY day ORDER BY day",
    {},
    z.object({ day: z.string(), n: z.coerce.number() }),
  );

describe('history back-fill', () => {
  it('writes the days before the live start into the source and loads them through the ETL, newest first', async () => {
    const jobs = hallQueueJobs({ connection: { dialect: 'sqlite', url }, tz: TZ });
    const s = status();
    await loadHistory(rt, history(), jobs, { days: 2, tz: TZ, status: s, stopped: () => false });
    expect(s).toMatchObject({ state: 'done', daysTotal: 2, daysDone: 2, oldestDay: '2026-11-21' });
    expect(prepared).toEqual(['2026-11-22', '2026-11-21']);

    const db = openSqlite(url);
    const inSource = (
      await db.execute('SELECT substr(take_time, 1, 10) AS day, count(*) AS n FROM q_ticket GROUP BY day ORDER BY day')
    ).rows.map((r) => ({
      day: String(r[0]),
      n: Number(r[1]),
    }));
    db.close();
    expect(inSource.map((d) => d.day)).toEqual(['2026-11-21', '2026-11-22']);
    expect(await ticketsByDay()).toEqual(inSource);
  });

  it('resumes after a restart without redoing loaded days, and extends when more days are asked for', async () => {
    prepared.length = 0;
    const jobs = hallQueueJobs({ connection: { dialect: 'sqlite', url }, tz: TZ });
    const s = status();
    await loadHistory(rt, history(), jobs, { days: 2, tz: TZ, status: s, stopped: () => false });
    expect(s).toMatchObject({ state: 'done', daysDone: 2 });
    expect(prepared).toEqual([]);
    await loadHistory(rt, history(), jobs, { days: 3, tz: TZ, status: s, stopped: () => false });
    expect(prepared).toEqual(['2026-11-20']);
    expect((await ticketsByDay()).map((d) => d.day)).toEqual(['2026-11-20', '2026-11-21', '2026-11-22']);
  });
});
