import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import type { ClickHouse } from '@/core/clickhouse/client';
import { parseLocal } from '@/core/time';
import { runBackfill } from '@/etl/runtime/backfill';
import { runRecorded } from '@/etl/runtime/run-job';
import { startWorkOrderApi, type WorkOrderApi } from '@/etl/simulator/workorder-api';
import { workOrderJobs } from '@/etl/sources/workorder/jobs';
import { dropTestClickHouse, testClickHouse } from '../helpers/clickhouse';

// Issue 17, the history in bulk: a past day of the work-order API as its export file (JSON Lines, what a day's
// window pages through) loads into the same facts and quarantine as the paged back-fill of that day.

const TZ = 'Asia/Shanghai';
const NOW = parseLocal('2026-11-25 20:00:00', TZ)!;
const RUN = '6a1f8e2a-7b3d-4e5f-8a9b-0c1d2e3f4a5c';
const BAD_ORG = 'GD20261122000100';
const BAD_DATE = 'GD20261122000200';

const anyRow = z.record(z.string(), z.unknown());
let api: WorkOrderApi;
let paged: ClickHouse;
let exported: ClickHouse;

beforeAll(async () => {
  api = await startWorkOrderApi({
    seed: 7,
    tz: TZ,
    now: () => NOW,
    mutate: (r) => {
      if (r.orderNo === BAD_ORG) return { ...r, orgCode: '539999' };
      if (r.orderNo === BAD_DATE) return { ...r, createTime: '2026-11-22 24:61:00' };
      return r;
    },
  });
  [paged, exported] = [await testClickHouse(), await testClickHouse()];
});
afterAll(async () => {
  await api?.close();
  for (const ch of [paged, exported]) if (ch) await dropTestClickHouse(ch);
});

const job = () => workOrderJobs({ http: { baseUrl: api.url }, tz: TZ })[0]!;
const dump = (ch: ClickHouse, sql: string) => ch.query('test.dump', sql, {}, anyRow);

describe('work-order history in bulk', () => {
  it("loads a day's export file with the same facts and quarantine as the day's paged back-fill", async () => {
    const byPages = await runBackfill(paged, job(), { from: '2026-11-22', to: '2026-11-22', tz: TZ, now: NOW });
    expect(byPages.status).toBe('ok');

    const file = path.join(mkdtempSync(path.join(tmpdir(), 'wo-export-')), 'orders_20261122.jsonl');
    const written = await api.exportDay('2026-11-22', file);
    // Recounted from the file's lines, against what the paged back-fill read from the API.
    expect(
      readFileSync(file, 'utf8')
        .split('\n')
        .filter((l) => l !== '').length,
    ).toBe(written);
    expect(written).toBe(byPages.rowsRead);
    expect(written).toBeGreaterThan(1000);

    const requests = api.requests;
    const byFile = await runRecorded(
      exported,
      'workorder.orders',
      'backfill',
      (ctx) => job().loadExport!({ ...ctx, runId: RUN }, [file]),
      NOW,
    );
    expect(byFile).toMatchObject({
      status: 'ok',
      rowsRead: written,
      rowsLoaded: byPages.rowsLoaded,
      rowsQuarantined: byPages.rowsQuarantined,
    });
    expect(byPages.rowsQuarantined).toBeGreaterThan(0);
    expect(api.requests).toBe(requests);

    for (const table of ['fact_work_order', 'fact_work_order_step']) {
      const sql = `SELECT * EXCEPT loaded_at FROM ${table} FINAL ORDER BY ALL`;
      const [a, b] = [await dump(paged, sql), await dump(exported, sql)];
      expect(a.length, table).toBeGreaterThan(1000);
      expect(b, table).toEqual(a);
    }
    const quarantine = "SELECT record_key, reason, raw FROM etl_quarantine FINAL WHERE source = 'workorder.orders' ORDER BY ALL";
    const [qa, qb] = [await dump(paged, quarantine), await dump(exported, quarantine)];
    // The garbled orders whose last change falls on the day (an order is listed on the day it last changed).
    expect(qa.length).toBe(byPages.rowsQuarantined);
    expect(qa.every((q) => [BAD_ORG, BAD_DATE].includes(String(q.record_key)))).toBe(true);
    expect(qb).toEqual(qa);
  });

  it('fails on a file that is not whole JSON Lines, saying where, and loads nothing of it', async () => {
    const file = path.join(mkdtempSync(path.join(tmpdir(), 'wo-export-')), 'orders_broken.jsonl');
    writeFileSync(file, '{"orderNo":"GD1"}\n{"orderNo": \n');
    const before = await dump(exported, 'SELECT count() AS n FROM fact_work_order');
    const r = await runRecorded(exported, 'workorder.orders', 'backfill', (ctx) => job().loadExport!(ctx, [file]), NOW);
    expect(r.status).toBe('failed');
    expect(r.error).toBe(`${file}: line 2 is not JSON`);
    expect(await dump(exported, 'SELECT count() AS n FROM fact_work_order')).toEqual(before);
  });
});
