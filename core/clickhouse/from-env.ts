import path from 'node:path';
import type { Env } from '../env';
import type { ClickHouseConfig } from './client';

/**
 * The ClickHouse configuration `.env` describes: the server in CLICKHOUSE_URL, or embedded chDB in
 * DATA_DIR/chdb, with every bound. One place, so the server and the ETL command line open the engine alike
 * (an engine opened without its bounds keeps none for the process's life).
 */
export function clickHouseConfig(e: Env): ClickHouseConfig {
  return {
    url: e.CLICKHOUSE_URL,
    user: e.CLICKHOUSE_USER,
    password: e.CLICKHOUSE_PASSWORD,
    database: e.CLICKHOUSE_DATABASE,
    cluster: e.CLICKHOUSE_CLUSTER,
    embeddedPath: path.join(e.dataDir, 'chdb'),
    queryTimeoutMs: e.CLICKHOUSE_QUERY_TIMEOUT_MS,
    limits: {
      maxMemoryUsage: e.CLICKHOUSE_MAX_MEMORY_USAGE,
      maxThreads: e.CLICKHOUSE_MAX_THREADS,
      maxExecutionSeconds: e.CLICKHOUSE_MAX_EXECUTION_SECONDS,
      maxResultRows: e.CLICKHOUSE_MAX_RESULT_ROWS,
    },
    embeddedBounds: {
      maxServerMemoryUsage: e.CLICKHOUSE_MAX_SERVER_MEMORY_USAGE,
      markCacheSize: e.CLICKHOUSE_MARK_CACHE_SIZE,
      indexCacheSize: e.CLICKHOUSE_INDEX_CACHE_SIZE,
      uncompressedCacheSize: e.CLICKHOUSE_UNCOMPRESSED_CACHE_SIZE,
      backgroundPoolSize: e.CLICKHOUSE_BACKGROUND_POOL_SIZE,
    },
    embeddedSessions: e.CLICKHOUSE_EMBEDDED_SESSIONS,
  };
}
