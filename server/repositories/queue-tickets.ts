import { z } from 'zod';
import type { ClickHouse } from '@/core/clickhouse/client';
import { chNumber } from '@/core/clickhouse/row-types';

// The hall reference data (dim_hall): names, county, city and place of every business hall. The queue figures
// themselves are the KPI layer's (server/kpi/families/queue.ts).

const hallRow = z.object({
  hall_code: z.string(),
  hall_name: z.string(),
  county_code: z.string(),
  city_code: z.string(),
  lon: chNumber,
  lat: chNumber,
});

export async function hallDirectory(ch: ClickHouse) {
  return ch.query(
    'repo.queue.halls',
    'SELECT hall_code, hall_name, county_code, city_code, lon, lat FROM dim_hall FINAL ORDER BY hall_code',
    {},
    hallRow,
  );
}
