// How one value of a drill-down row (`kpi.rows`) is shown in the alert centre's record table. Pure functions.
// Times arrive as ISO 8601 instants (UTC, with their zone) and are shown in Beijing time (DOMAIN.md §2), whatever
// the browser's zone; null — or a zero DateTime, which means "never" — is shown as —.
import { DISPLAY_TIME_ZONE, NO_VALUE } from '../../_i18n/format';

const dateTimeFmt = new Intl.DateTimeFormat('en-CA', {
  timeZone: DISPLAY_TIME_ZONE,
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
  second: '2-digit',
  hourCycle: 'h23',
});

/** A zone-less 'YYYY-MM-DD hh:mm:ss[.fff]' is ClickHouse text of a UTC column (an older server): read it as UTC. */
const ZONELESS = /^\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}:\d{2}(\.\d+)?$/;

/** An instant as "YYYY-MM-DD HH:mm:ss" in Beijing time, or — for none, never (epoch 0) or an unreadable value. */
export function formatDrillTime(v: unknown): string {
  let ms: number;
  if (typeof v === 'number') ms = v;
  else if (typeof v === 'string' && v !== '') ms = Date.parse(ZONELESS.test(v) ? `${v.replace(' ', 'T')}Z` : v);
  else return NO_VALUE;
  if (!Number.isFinite(ms) || ms <= 0) return NO_VALUE;
  const p = Object.fromEntries(dateTimeFmt.formatToParts(new Date(ms)).map((x) => [x.type, x.value]));
  return `${p.year}-${p.month}-${p.day} ${p.hour}:${p.minute}:${p.second}`;
}

/** One cell of a drill row, by its column's type (`time`, `date`, `number`, `money`, `string`). */
export function drillCell(v: unknown, type?: string): string {
  if (v === null || v === undefined || v === '') return NO_VALUE;
  if (type === 'time') return formatDrillTime(v);
  if (typeof v === 'number') return Number.isInteger(v) ? String(v) : v.toFixed(2);
  return String(v);
}
