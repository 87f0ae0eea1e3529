import { existsSync } from 'node:fs';
import path from 'node:path';
import type { ClickHouse } from '@/core/clickhouse/client';
import { openSqlSource } from '../connectors/sql';
import type { SqlConnectionConfig, SqlSource } from '../connectors/types';
import type { EtlJob, JobContext } from './job';
import { wallClock } from './keyset-pull';
import { readWatermark, writeWatermark, type Watermark } from './watermark';

// A back-fill range of a SQLite source in one set operation: the embedded engine reads the source's file itself
// (sqlite() table function) and a domain's bulk.ts checks and transforms the range in SQL. What the range's
// loader answers, this commits the way the paged back-fill does: the rows first, then the position.

/**
 * The SQLite file the embedded engine can read for this connection, or null (a server cannot see our disk;
 * mysql and postgresql sources stay on the row path for now). The path is ours (the configured source), bound.
 */
export function engineReadableSqlite(ch: ClickHouse, connection: SqlConnectionConfig): string | null {
  if (ch.engine !== 'embedded' || connection.dialect !== 'sqlite' || !connection.url.startsWith('file:')) return null;
  const file = connection.url.slice('file:'.length);
  if (file.includes('?') || file.startsWith('//')) return null; // URL options, remote hosts: libsql's business
  const abs = path.resolve(file);
  return existsSync(abs) ? abs : null;
}

/** One range as the loader sees it: the file, the wall-clock bounds and the position to resume after. */
export interface SqliteRange {
  file: string;
  from: string;
  until: string;
  after: Watermark | null;
}

export interface RangeLoaded {
  read: number;
  loaded: number;
  quarantined: number;
  /** The last row's position, null when the range held none. */
  last: Watermark | null;
}

/**
 * `paged` with its back-fill taken in one statement per range where the engine reads the source file itself
 * (`enabled` and an engine-readable SQLite connection); else the paged back-fill.
 */
export function withSqliteBulkBackfill(
  paged: EtlJob,
  opts: {
    connection: SqlConnectionConfig;
    tz: string;
    enabled: boolean;
    load: (ctx: JobContext, db: SqlSource, range: SqliteRange) => Promise<RangeLoaded>;
  },
): EtlJob {
  return {
    ...paged,
    async backfill(ctx, range, progress, resumeKey) {
      const file = opts.enabled ? engineReadableSqlite(ctx.ch, opts.connection) : null;
      if (!file) return paged.backfill!(ctx, range, progress, resumeKey);
      const db = openSqlSource(opts.connection);
      try {
        const from = wallClock(range.from, opts.tz);
        const start = await readWatermark(ctx.ch, resumeKey);
        progress({ rows: 0, done: 0, total: 1 });
        const r = await opts.load(ctx, db, { file, from, until: wallClock(range.to, opts.tz), after: start });
        // Data first, then the position: a crash between the two loads the range again (ReplacingMergeTree).
        if (r.last) await writeWatermark(ctx.ch, resumeKey, r.last);
        progress({ rows: r.read, done: 1, total: 1 });
        const pos = r.last ?? start;
        return {
          rowsRead: r.read,
          rowsLoaded: r.loaded,
          rowsQuarantined: r.quarantined,
          watermarkFrom: start ? `${start.ts}|${start.id}` : from,
          watermarkTo: pos ? `${pos.ts}|${pos.id}` : '',
        };
      } finally {
        await db.close();
      }
    },
  };
}
