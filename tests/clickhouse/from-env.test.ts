import { describe, expect, it } from 'vitest';
import { clickHouseConfig } from '@/core/clickhouse/from-env';
import { loadEnv } from '@/core/env';
import { buildImportGraph } from '../architecture/import-graph';

describe('ClickHouse configuration from the environment', () => {
  it('carries every bound .env sets, for the server and the ETL command line alike', () => {
    const c = clickHouseConfig(
      loadEnv({
        DATA_DIR: '/srv/monitor',
        CLICKHOUSE_MAX_MEMORY_USAGE: '300000000',
        CLICKHOUSE_MAX_THREADS: '1',
        CLICKHOUSE_MAX_EXECUTION_SECONDS: '12',
        CLICKHOUSE_MAX_RESULT_ROWS: '5000',
        CLICKHOUSE_MAX_SERVER_MEMORY_USAGE: '700000000',
        CLICKHOUSE_MARK_CACHE_SIZE: '1000',
        CLICKHOUSE_INDEX_CACHE_SIZE: '2000',
        CLICKHOUSE_UNCOMPRESSED_CACHE_SIZE: '3000',
        CLICKHOUSE_BACKGROUND_POOL_SIZE: '3',
        CLICKHOUSE_EMBEDDED_SESSIONS: '4',
      }),
    );
    expect(c).toMatchObject({
      embeddedPath: '/srv/monitor/chdb',
      limits: { maxMemoryUsage: 300_000_000, maxThreads: 1, maxExecutionSeconds: 12, maxResultRows: 5000 },
      embeddedBounds: {
        maxServerMemoryUsage: 700_000_000,
        markCacheSize: 1000,
        indexCacheSize: 2000,
        uncompressedCacheSize: 3000,
        backgroundPoolSize: 3,
      },
      embeddedSessions: 4,
    });
  });

  it('is how both processes that open the product’s engine configure it', () => {
    const { edges } = buildImportGraph(['server', 'etl', 'core']);
    for (const file of ['server/runtime.ts', 'etl/cli.ts'])
      expect([...(edges.get(file) ?? [])], file).toContain('core/clickhouse/from-env.ts');
  });
});
