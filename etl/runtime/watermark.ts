import { z } from 'zod';
import type { ClickHouse } from '@/core/clickhouse/client';
import { chTime } from '@/core/time';

/** Position in a source's change stream: the updated-at value and the id that broke ties at it. */
export const watermarkSchema = z.object({ ts: z.string(), id: z.string() });
export type Watermark = z.infer<typeof watermarkSchema>;

const row = z.object({ watermark: z.string() });

export async function readWatermark(ch: ClickHouse, source: string): Promise<Watermark | null> {
  const rows = await ch.query(
    'etl.watermark.read',
    'SELECT watermark FROM etl_watermark FINAL WHERE source = {source:String}',
    { source },
    row,
  );
  if (!rows[0]) return null;
  const wm = watermarkSchema.parse(JSON.parse(rows[0].watermark));
  // Blank is what clearWatermark leaves behind.
  return wm.ts === '' && wm.id === '' ? null : wm;
}

/**
 * Forgets a position (a backfill started over). Written as a blank position rather than deleted: a DELETE is
 * a mutation in ClickHouse, and the latest version is what FINAL reads anyway.
 */
export async function clearWatermark(ch: ClickHouse, source: string, now = Date.now()): Promise<void> {
  await writeWatermark(ch, source, { ts: '', id: '' }, now);
}

/** Called only after the batch's rows are in ClickHouse: a crash before this re-reads, never skips. */
export async function writeWatermark(ch: ClickHouse, source: string, wm: Watermark, now = Date.now()): Promise<void> {
  await ch.insert('etl.watermark.write', 'etl_watermark', [{ source, watermark: JSON.stringify(wm), updated_at: chTime(now) }]);
}
