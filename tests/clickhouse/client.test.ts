import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { EMBEDDED_INSERT_ROWS, type ClickHouse } from '@/core/clickhouse/client';
import { ClickHouseQueryError } from '@/core/clickhouse/errors';
import { dropTestClickHouse, testClickHouse } from '../helpers/clickhouse';

let ch: ClickHouse;
beforeAll(async () => {
  ch = await testClickHouse();
});
afterAll(() => dropTestClickHouse(ch));

describe('ClickHouse wrapper', () => {
  it('binds values as typed parameters, so SQL text in a value stays a value', async () => {
    const evil = "x'); DROP TABLE etl_run; --";
    const rows = await ch.query(
      'test.bind',
      'SELECT {s:String} AS s, {n:UInt32} + 1 AS n',
      { s: evil, n: 41 },
      z.object({ s: z.string(), n: z.coerce.number() }),
    );
    expect(rows).toEqual([{ s: evil, n: 42 }]);
    const tables = await ch.query(
      'test.tables',
      'SELECT name FROM system.tables WHERE database = currentDatabase() AND name = {t:String}',
      { t: 'etl_run' },
      z.object({ name: z.string() }),
    );
    expect(tables).toHaveLength(1);
  });

  it("bounds one read's rows without bounding the next (embedded chDB keeps settings per session)", async () => {
    const n = z.object({ n: z.coerce.number() });
    const five = 'SELECT number AS n FROM numbers(5)';
    await expect(ch.query('test.bounded', five, {}, n, { maxResultRows: 2 })).rejects.toThrow();
    expect(await ch.query('test.one', 'SELECT 1 AS n', {}, n, { maxResultRows: 1 })).toEqual([{ n: 1 }]);
    expect(await ch.query('test.after', five, {}, n)).toHaveLength(5);
  });

  it('refuses a query whose placeholders and values disagree', async () => {
    await expect(ch.query('test.missing', 'SELECT {a:String} AS a', {}, z.object({ a: z.string() }))).rejects.toThrow(
      /missing value for parameter \{a\}/,
    );
    await expect(ch.query('test.extra', 'SELECT 1 AS a', { a: 'unused' }, z.object({ a: z.number() }))).rejects.toThrow(/not used/);
  });

  it('turns engine errors into typed errors carrying the tag', async () => {
    const err = await ch.query('test.unknown', 'SELECT * FROM no_such_table', {}, z.object({})).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ClickHouseQueryError);
    expect((err as ClickHouseQueryError).kind).toBe('schema');
    expect((err as ClickHouseQueryError).message).toContain('[clickhouse:test.unknown]');
    const syntax = await ch.query('test.syntax', 'SELEC 1', {}, z.object({})).catch((e: unknown) => e);
    expect((syntax as ClickHouseQueryError).kind).toBe('syntax');
  });

  it('reports a memory limit as a resource error', async () => {
    const err = await ch
      .query('test.memory', 'SELECT groupArray(number) AS a FROM numbers(10000000) SETTINGS max_memory_usage = 1000000', {}, z.object({}))
      .catch((e: unknown) => e);
    expect((err as ClickHouseQueryError).kind).toBe('resource');
  });

  it('rejects rows that do not match the declared row schema', async () => {
    await expect(ch.query('test.shape', 'SELECT 1 AS a', {}, z.object({ a: z.string() }))).rejects.toThrow(
      /does not match the expected shape/,
    );
  });

  it('inserts into a listed table and reads back, tagging the query', async () => {
    await ch.insert('test.insert', 'etl_watermark', [{ source: 'demo', watermark: '{"ts":1}', updated_at: '2026-11-23 08:00:00.000' }]);
    const rows = await ch.query(
      'test.read',
      'SELECT source, watermark FROM etl_watermark FINAL',
      {},
      z.object({ source: z.string(), watermark: z.string() }),
    );
    expect(rows).toEqual([{ source: 'demo', watermark: '{"ts":1}' }]);
    expect(ch.engine).toBe(process.env.TEST_CLICKHOUSE_URL ? 'server' : 'embedded');
    expect(await ch.version()).toMatch(/^\d+\.\d+/);
  });

  it('inserts a large batch whole, each row once, in statements the embedded engine can hold', async () => {
    // etl_run keeps every row (plain MergeTree): a row lost or sent twice at a statement's edge shows.
    const n = EMBEDDED_INSERT_ROWS * 2 + 7;
    const at = '2026-12-01 00:00:00.000';
    const rows = Array.from({ length: n }, (_, i) => ({
      run_id: randomUUID(),
      source: 'test.insert',
      job: 'test.insert',
      started_at: at,
      finished_at: at,
      status: 'ok',
      rows_read: i,
      rows_loaded: 0,
      rows_quarantined: 0,
      watermark_from: '',
      watermark_to: '',
      error: '',
    }));
    await ch.insert('test.insert', 'etl_run', rows);
    const [got] = await ch.query(
      'test.insert.count',
      "SELECT count() AS rows, uniqExact(rows_read) AS keys, sum(rows_read) AS total FROM etl_run WHERE source = 'test.insert'",
      {},
      z.object({ rows: z.coerce.number(), keys: z.coerce.number(), total: z.coerce.number() }),
    );
    expect(got).toEqual({ rows: n, keys: n, total: (n * (n - 1)) / 2 });
  });
});
