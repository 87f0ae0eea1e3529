import { z } from 'zod';
import type { ClickHouse } from '@/core/clickhouse/client';
import { chNullableTimestamp, chNumber, chTimestamp } from '@/core/clickhouse/row-types';

// Queue facts for one business day, aggregated per hall. Sums and counts, never ratios, so that any
// roll-up (county, city, province) divides sums of sums: rates are ratios of sums, not averages of ratios.

const hallDayRow = z.object({
  hall_code: z.string(),
  county_code: z.string(),
  city_code: z.string(),
  issued: chNumber,
  waiting: chNumber,
  called: chNumber,
  wait_ms_sum: chNumber,
  wait_ms_max: chNumber,
  oldest_waiting: chNullableTimestamp,
  satisfied: chNumber,
  rated: chNumber,
});
export type HallDayAggregate = z.infer<typeof hallDayRow>;

const chParamTime = (ms: number) => new Date(ms).toISOString().replace('T', ' ').replace('Z', '');

export async function hallDayAggregates(ch: ClickHouse, dayStart: number, dayEnd: number): Promise<HallDayAggregate[]> {
  return ch.query(
    'repo.queue.hall-day',
    `SELECT
       hall_code,
       any(county_code) AS county_code,
       any(city_code) AS city_code,
       count() AS issued,
       countIf(status = 'waiting') AS waiting,
       countIf(called_at IS NOT NULL) AS called,
       sumIf(dateDiff('millisecond', issued_at, assumeNotNull(called_at)), called_at IS NOT NULL) AS wait_ms_sum,
       maxIf(dateDiff('millisecond', issued_at, assumeNotNull(called_at)), called_at IS NOT NULL) AS wait_ms_max,
       if(countIf(status = 'waiting') = 0, NULL, minIf(issued_at, status = 'waiting')) AS oldest_waiting,
       countIf(rating = 'satisfied') AS satisfied,
       countIf(rating != 'none') AS rated
     FROM fact_queue_ticket FINAL
     WHERE issued_at >= {dayStart:DateTime64(3, 'UTC')} AND issued_at < {dayEnd:DateTime64(3, 'UTC')}
     GROUP BY hall_code`,
    { dayStart: chParamTime(dayStart), dayEnd: chParamTime(dayEnd) },
    hallDayRow,
  );
}

const hourRow = z.object({ hour: chTimestamp, issued: chNumber, called: chNumber, wait_ms_sum: chNumber });

export async function hourlyTickets(ch: ClickHouse, dayStart: number, dayEnd: number) {
  return ch.query(
    'repo.queue.hourly',
    `SELECT
       toStartOfHour(issued_at) AS hour,
       count() AS issued,
       countIf(called_at IS NOT NULL) AS called,
       sumIf(dateDiff('millisecond', issued_at, assumeNotNull(called_at)), called_at IS NOT NULL) AS wait_ms_sum
     FROM fact_queue_ticket FINAL
     WHERE issued_at >= {dayStart:DateTime64(3, 'UTC')} AND issued_at < {dayEnd:DateTime64(3, 'UTC')}
     GROUP BY hour
     ORDER BY hour`,
    { dayStart: chParamTime(dayStart), dayEnd: chParamTime(dayEnd) },
    hourRow,
  );
}

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
