import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { ClickHouse } from '@/core/clickhouse/client';
import type { ClickHouseQueryError } from '@/core/clickhouse/errors';
import { EnvError, loadEnv } from '@/core/env';

// Embedded only: the server-level bounds are chDB start-up arguments, which a ClickHouse server does not take.
const embedded = !process.env.TEST_CLICKHOUSE_URL;

const MiB = 1024 * 1024;
const SERVER_MEMORY = 400 * MiB;
const QUERY_MEMORY = 100 * MiB;

let dir: string;
let ch: ClickHouse;
const nameValue = z.object({ name: z.string(), value: z.string() });
const n = z.object({ n: z.coerce.number() });

beforeAll(async () => {
  if (!embedded) return;
  // A data directory of its own: the bounds are fixed by whichever connection opens the engine first.
  dir = mkdtempSync(path.join(tmpdir(), 'ch-bounds-'));
  ch = new ClickHouse({
    database: 'bounds',
    embeddedPath: dir,
    limits: { maxMemoryUsage: QUERY_MEMORY, maxThreads: 1, maxExecutionSeconds: 30 },
    embeddedBounds: {
      maxServerMemoryUsage: SERVER_MEMORY,
      markCacheSize: 16 * MiB,
      indexCacheSize: 8 * MiB,
      uncompressedCacheSize: 0,
      backgroundPoolSize: 2,
    },
  });
  await ch.init();
  await ch.raw('test.ddl', 'CREATE TABLE IF NOT EXISTS bounds.sink (k UInt64, a Array(UInt64)) ENGINE = MergeTree ORDER BY k');
});
afterAll(async () => {
  if (!embedded) return;
  await ch.close();
  rmSync(dir, { recursive: true, force: true });
});

describe.runIf(embedded)('embedded ClickHouse memory bounds', () => {
  // First, before any read: embedded chDB keeps a statement's settings for the next, so a write after a bounded
  // read would be bounded by the read's settings whether or not writes state their own.
  it('stops an INSERT…SELECT past the per-query bound with a resource error', async () => {
    const err = await ch
      .command('test.big-write', 'INSERT INTO bounds.sink SELECT 1, groupArray(number) FROM numbers(30000000)')
      .catch((e: unknown) => e);
    expect((err as ClickHouseQueryError).kind).toBe('resource');
  });

  it('opens the engine with the configured server-level bounds', async () => {
    const rows = await ch.query(
      'test.server-settings',
      `SELECT name, value FROM system.server_settings WHERE name IN {names:Array(String)} ORDER BY name`,
      {
        names: [
          'max_server_memory_usage',
          'merges_mutations_memory_usage_soft_limit',
          'mark_cache_size',
          'index_mark_cache_size',
          'primary_index_cache_size',
          'query_condition_cache_size',
          'uncompressed_cache_size',
          'index_uncompressed_cache_size',
          'background_pool_size',
          'background_merges_mutations_concurrency_ratio',
        ],
      },
      nameValue,
    );
    expect(Object.fromEntries(rows.map((r) => [r.name, r.value]))).toEqual({
      max_server_memory_usage: String(SERVER_MEMORY),
      merges_mutations_memory_usage_soft_limit: String(SERVER_MEMORY / 2),
      mark_cache_size: String(16 * MiB),
      index_mark_cache_size: String(8 * MiB),
      primary_index_cache_size: String(8 * MiB),
      query_condition_cache_size: String(8 * MiB),
      uncompressed_cache_size: '0',
      index_uncompressed_cache_size: '0',
      background_pool_size: '2',
      background_merges_mutations_concurrency_ratio: '1',
    });
  });

  it('runs every statement, writes included, under the per-query bounds', async () => {
    // A write first: its settings are what the session holds when the next statement reads system.settings
    // without bounds of its own in the SQL.
    await ch.command('test.write', 'INSERT INTO bounds.sink SELECT number, [] FROM numbers(10)');
    const rows = await ch.query(
      'test.settings',
      `SELECT name, value FROM system.settings WHERE name IN {names:Array(String)} ORDER BY name`,
      { names: ['max_memory_usage', 'max_threads', 'max_bytes_before_external_group_by', 'max_bytes_before_external_sort'] },
      nameValue,
    );
    expect(Object.fromEntries(rows.map((r) => [r.name, r.value]))).toEqual({
      max_memory_usage: String(QUERY_MEMORY),
      max_threads: '1',
      max_bytes_before_external_group_by: String(QUERY_MEMORY / 2),
      max_bytes_before_external_sort: String(QUERY_MEMORY / 2),
    });
  });

  it('stops a read past the per-query bound with a resource error, and the engine answers the next one', async () => {
    const err = await ch
      .query('test.big-read', 'SELECT length(groupArray(number)) AS n FROM numbers(30000000)', {}, n)
      .catch((e: unknown) => e);
    expect((err as ClickHouseQueryError).kind).toBe('resource');
    expect((err as ClickHouseQueryError).tag).toBe('test.big-read');
    expect(await ch.query('test.after', 'SELECT 1 AS n', {}, n)).toEqual([{ n: 1 }]);
  });

  it('stops a query that lifts its own bound at the engine-wide bound, as a resource error', async () => {
    const err = await ch
      .query('test.total', 'SELECT length(groupArray(number)) AS n FROM numbers(80000000) SETTINGS max_memory_usage = 0', {}, n)
      .catch((e: unknown) => e);
    expect((err as ClickHouseQueryError).kind).toBe('resource');
    expect(String((err as Error).message)).toMatch(/\(total\) memory limit exceeded/);
  });

  it('spills a GROUP BY larger than the per-query bound to disk instead of failing', async () => {
    const rows = await ch.query(
      'test.spill',
      'SELECT count() AS n FROM (SELECT number AS k, count() FROM numbers(6000000) GROUP BY k)',
      {},
      n,
    );
    expect(rows).toEqual([{ n: 6_000_000 }]);
    // The same aggregation held in memory is past the bound: the spill is what made it fit.
    const err = await ch
      .query(
        'test.no-spill',
        'SELECT count() AS n FROM (SELECT number AS k, count() FROM numbers(6000000) GROUP BY k) SETTINGS max_bytes_before_external_group_by = 0, max_bytes_ratio_before_external_group_by = 0',
        {},
        n,
      )
      .catch((e: unknown) => e);
    expect((err as ClickHouseQueryError).kind).toBe('resource');
  });
});

describe('memory bound variables', () => {
  it('default to an engine within 1 GB and a query within half of it', () => {
    const e = loadEnv({});
    expect(e.CLICKHOUSE_MAX_SERVER_MEMORY_USAGE).toBe(1_000_000_000);
    expect(e.CLICKHOUSE_MAX_MEMORY_USAGE).toBe(500_000_000);
    expect(e.CLICKHOUSE_MAX_THREADS).toBe(2);
  });

  it.each([
    [{ CLICKHOUSE_MARK_CACHE_SIZE: '64MB' }, 'CLICKHOUSE_MARK_CACHE_SIZE'],
    [{ CLICKHOUSE_MAX_SERVER_MEMORY_USAGE: '-1' }, 'CLICKHOUSE_MAX_SERVER_MEMORY_USAGE'],
    [{ CLICKHOUSE_BACKGROUND_POOL_SIZE: '0' }, 'CLICKHOUSE_BACKGROUND_POOL_SIZE'],
    [{ CLICKHOUSE_MAX_MEMORY_USAGE: '3000000000', CLICKHOUSE_MAX_SERVER_MEMORY_USAGE: '1000000000' }, 'CLICKHOUSE_MAX_MEMORY_USAGE'],
  ])('a wrong value stops start-up naming the variable: %j', (vars, name) => {
    const err = (() => {
      try {
        loadEnv(vars);
      } catch (e) {
        return e;
      }
    })();
    expect(err).toBeInstanceOf(EnvError);
    expect((err as EnvError).issues.map((i) => i.variable)).toContain(name);
  });
});
