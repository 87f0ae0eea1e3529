import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { TRPCError } from '@trpc/server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openSqlite } from '@/etl/connectors/sqlite-source';
import { parseLocal } from '@/core/time';
import { runEtlJob } from '@/etl/runtime/run-job';
import { hallQueueJobs } from '@/etl/sources/hall-queue/jobs';
import { HallQueueSimulator } from '@/etl/simulator/hall-queue-source';
import type { ClickHouse } from '@/core/clickhouse/client';
import { testRuntime } from '../helpers/runtime';
import { BUILTIN_DUTY_USER, type Context } from '@/server/trpc/context';
import { createCaller } from '@/server/trpc/root';
import { dropTestClickHouse, testClickHouse } from '../helpers/clickhouse';

const TZ = 'Asia/Shanghai';
const NOW = parseLocal('2026-11-24 15:20:00', TZ)!; // a Tuesday afternoon
let ch: ClickHouse;
let url: string;
let ctx: Context;

beforeAll(async () => {
  ch = await testClickHouse();
  url = `file:${path.join(mkdtempSync(path.join(tmpdir(), 'kpi-')), 'hall-queue.db')}`;
  const db = openSqlite(url);
  const sim = new HallQueueSimulator(db, { seed: 11, tz: TZ, faultRate: 0 });
  await sim.init();
  await sim.advanceTo(NOW);
  db.close();
  for (const job of hallQueueJobs({ connection: { dialect: 'sqlite', url }, tz: TZ }))
    expect((await runEtlJob(ch, job, NOW)).status).toBe('ok');
  const rt = testRuntime({ ch, env: { BUSINESS_TZ: TZ }, bootedAt: NOW });
  ctx = { rt, user: BUILTIN_DUTY_USER, headers: new Headers(), now: () => NOW };
});
afterAll(() => dropTestClickHouse(ch));

async function fromSource<T>(sql: string): Promise<T> {
  const db = openSqlite(url);
  try {
    return (await db.execute(sql)).rows[0]![0] as T;
  } finally {
    db.close();
  }
}

describe('kpi.queueOverview through tRPC', () => {
  it('equals the DOMAIN.md formulas computed independently on the source database', async () => {
    const data = await createCaller(ctx).kpi.queueOverview({ orgCode: '53' });
    const today = "take_time >= '2026-11-24 00:00:00' AND take_time < '2026-11-25 00:00:00'";
    const issued = Number(await fromSource(`SELECT count(*) FROM q_ticket WHERE ${today}`));
    const waiting = Number(await fromSource(`SELECT count(*) FROM q_ticket WHERE ${today} AND state = 0`));
    const avgWaitMin = Number(
      await fromSource(
        `SELECT avg((julianday(call_time) - julianday(take_time)) * 1440.0) FROM q_ticket WHERE ${today} AND call_time IS NOT NULL`,
      ),
    );
    const satisfied = Number(await fromSource(`SELECT count(*) FROM q_ticket WHERE ${today} AND evaluation = 1`));
    const rated = Number(await fromSource(`SELECT count(*) FROM q_ticket WHERE ${today} AND evaluation IS NOT NULL`));

    expect(issued).toBeGreaterThan(10_000);
    expect(data.totals.ticketsIssued).toBe(issued);
    expect(data.totals.queueLength).toBe(waiting);
    expect(data.totals.avgWaitMin).toBeCloseTo(avgWaitMin, 1);
    expect(data.totals.satisfactionRate).toBeCloseTo(satisfied / rated, 3);
    expect(data.byCity.reduce((s, c) => s + c.ticketsIssued, 0)).toBe(issued);
    expect(data.halls.length).toBeGreaterThan(500);
    expect(data.hourly.map((h) => new Date(h.hour).getUTCHours() + 8)).toContain(10);
  });

  it('at night, before the halls open, shows the last business day labelled as such', async () => {
    const night = parseLocal('2026-11-25 03:00:00', TZ)!;
    const data = await createCaller({ ...ctx, now: () => night }).kpi.queueOverview({ orgCode: '53' });
    expect(data.isToday).toBe(false);
    expect(data.businessDate).toBe('2026-11-24');
    expect(data.totals.ticketsIssued).toBeGreaterThan(10_000);
    const sameDay = await createCaller(ctx).kpi.queueOverview({ orgCode: '53' });
    expect(sameDay.isToday).toBe(true);
    expect(sameDay.businessDate).toBe('2026-11-24');
  });

  it('rejects invalid input with a message', async () => {
    const err = await createCaller(ctx)
      .kpi.queueOverview({ orgCode: 'yunnan' })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TRPCError);
    expect((err as TRPCError).code).toBe('BAD_REQUEST');
    expect((err as TRPCError).message).toContain('org code is 2–9 digits');
  });

  it('stacks access levels: no user → UNAUTHORIZED, another province → FORBIDDEN', async () => {
    await expect(createCaller({ ...ctx, user: null }).kpi.queueOverview({ orgCode: '53' })).rejects.toMatchObject({ code: 'UNAUTHORIZED' });
    await expect(createCaller(ctx).kpi.queueOverview({ orgCode: '44' })).rejects.toMatchObject({ code: 'FORBIDDEN' });
  });

  it('turns a ClickHouse failure into a typed error with a plain message', async () => {
    await ch.raw('test.break', 'RENAME TABLE fact_queue_ticket TO fact_queue_ticket_moved');
    try {
      const err = await createCaller(ctx)
        .kpi.queueOverview({ orgCode: '53' })
        .catch((e: unknown) => e);
      expect(err).toMatchObject({ code: 'INTERNAL_SERVER_ERROR', message: '数据查询失败 (query failed)' });
    } finally {
      await ch.raw('test.fix', 'RENAME TABLE fact_queue_ticket_moved TO fact_queue_ticket');
    }
  });
});
