import { z } from 'zod';
import { chNumber } from '@/core/clickhouse/row-types';
import { rowTime } from '../../kpi/query/run';

// What every record repository shares: ClickHouse DateTime text → ISO 8601 with `Z` (the zero DateTime, "never",
// → null; the same rule as the drill rows), numbers coerced (chDB and a server disagree on 64-bit integers),
// and the lists a detail page shows capped, with their full count beside them.

/** A DateTime/DateTime64 column as it leaves the server: ISO 8601 with `Z`, or null for none / never. */
export const isoTime = z.union([z.null(), z.string(), z.number()]).transform((v) => rowTime(v));
/** A Date column: 'YYYY-MM-DD' as stored (a calendar date has no zone). */
export const dateText = z.string();
export const num = chNumber;
export const flag = chNumber.transform((v) => v === 1);

/** At most this many rows of one related list (a detail page, not an export). */
export const LIST_LIMIT = 200;

/** ISO (or epoch ms) → the text a `DateTime64(3, 'UTC')` parameter takes. */
export function chParamTime(v: string | number): string {
  return new Date(v).toISOString().replace('T', ' ').replace('Z', '');
}

export const countRow = z.object({ n: chNumber });
