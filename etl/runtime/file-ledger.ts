import { z } from 'zod';
import type { ClickHouse } from '@/core/clickhouse/client';
import { chNumber } from '@/core/clickhouse/row-types';
import { chTime } from '@/core/time';

// Which dropped files a source has already taken, by content: operators re-drop files, rename them, or drop
// the same export twice, and each content must load once.

export const fileRecordSchema = z.object({
  source: z.string().min(1),
  fileName: z.string(),
  sha256: z.string().regex(/^[0-9a-f]{64}$/, 'sha256 must be 64 lowercase hex digits'),
  rows: z.number().int().min(0),
  status: z.enum(['loaded', 'rejected']),
  reason: z.string().default(''),
});
export type FileRecord = z.input<typeof fileRecordSchema>;

const loadedRow = z.object({ n: chNumber });

/** True when this content was loaded by this source (a rejection does not count: a fixed re-drop is retried). */
export async function wasLoaded(ch: ClickHouse, source: string, sha256: string): Promise<boolean> {
  const rows = await ch.query(
    'etl.file.was-loaded',
    `SELECT count() AS n FROM etl_file FINAL
     WHERE source = {source:String} AND sha256 = {sha256:String} AND status = 'loaded'`,
    { source, sha256 },
    loadedRow,
  );
  return (rows[0]?.n ?? 0) > 0;
}

const shaRow = z.object({ sha256: z.string() });

/** Which of these contents this source has loaded: one query for a whole folder rather than one per file. */
export async function loadedAmong(ch: ClickHouse, source: string, sha256s: string[]): Promise<Set<string>> {
  if (sha256s.length === 0) return new Set();
  const rows = await ch.query(
    'etl.file.loaded-among',
    `SELECT DISTINCT sha256 FROM etl_file FINAL
     WHERE source = {source:String} AND sha256 IN {sha256s:Array(String)} AND status = 'loaded'`,
    { source, sha256s },
    shaRow,
  );
  return new Set(rows.map((r) => r.sha256));
}

/**
 * Records the outcome for a file's content. The latest record per (source, sha256) wins, so do not record a
 * rejection for content `wasLoaded` already reports: skip (archive) such a file instead.
 */
export async function recordFile(ch: ClickHouse, record: FileRecord, now = Date.now()): Promise<void> {
  await recordFiles(ch, [record], now);
}

/** recordFile for several files in one insert (a bulk batch's files, once its data is in). */
export async function recordFiles(ch: ClickHouse, records: FileRecord[], now = Date.now()): Promise<void> {
  await ch.insert(
    'etl.file.record',
    'etl_file',
    records.map((record) => {
      const r = fileRecordSchema.parse(record);
      return {
        source: r.source,
        file_name: r.fileName,
        sha256: r.sha256,
        rows: r.rows,
        status: r.status,
        reason: r.reason.slice(0, 2000),
        loaded_at: chTime(now),
      };
    }),
  );
}
