import type { ClickHouse } from '@/core/clickhouse/client';
import { hallDirectory } from '../repositories/queue-tickets';
import { hallPositionsWithin } from '../wall/zone-data';

// The desktop home's (`/`) server side. Its figures are one KPI batch the page asks `kpi.query` for
// (app/_components/home/home-batch.ts); what the KPI layer does not answer is where each hall is, for the
// map: read here from the hall reference data, as the wall's zone call reads it for its outage map, through a
// 5-minute cache (halls move rarely), and sent with the page's first paint.

const TTL_MS = 300_000;

const cache = new WeakMap<ClickHouse, { at: number; value: ReturnType<typeof hallDirectory> }>();

/**
 * Hall code → [lon, lat] of the halls within `orgCode` (the wall's hallPositionsWithin: places that cannot be
 * real are left out, and the map draws those halls at their county's centre). A failed read is not cached.
 */
export async function homeHallPlaces(ch: ClickHouse, orgCode: string, now: number = Date.now()): Promise<Record<string, [number, number]>> {
  let hit = cache.get(ch);
  if (!hit || now - hit.at >= TTL_MS) {
    const entry = { at: now, value: hallDirectory(ch) };
    entry.value.catch(() => {
      if (cache.get(ch) === entry) cache.delete(ch);
    });
    cache.set(ch, entry);
    hit = entry;
  }
  return hallPositionsWithin(await hit.value, orgCode);
}
