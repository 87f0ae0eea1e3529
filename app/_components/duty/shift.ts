// Shift and time arithmetic of the duty desk, always in Beijing time (UTC+8, no daylight saving) whatever
// the browser's zone. Pure functions over epoch milliseconds.

export const HOUR_MS = 3_600_000;
export const DAY_MS = 24 * HOUR_MS;
const BEIJING_OFFSET_MS = 8 * HOUR_MS;
/** Shift changes at 08:00, 16:00 and 24:00 Beijing time. */
export const SHIFT_HOURS = [8, 16, 24] as const;

/** 00:00 Beijing time of the day `at` falls in. */
export function beijingDayStart(at: number): number {
  return Math.floor((at + BEIJING_OFFSET_MS) / DAY_MS) * DAY_MS - BEIJING_OFFSET_MS;
}

/** The end of the shift running at `at`: the next of 08:00 / 16:00 / 24:00 Beijing strictly after it. */
export function currentShiftEnd(at: number): number {
  const day = beijingDayStart(at);
  for (const h of SHIFT_HOURS) {
    const end = day + h * HOUR_MS;
    if (end > at) return end;
  }
  return day + DAY_MS + SHIFT_HOURS[0] * HOUR_MS;
}

/** The start of the shift that ends at `end` (8 hours before). */
export const shiftStart = (end: number) => end - 8 * HOUR_MS;

const pad = (n: number) => String(n).padStart(2, '0');

/** Parts of an instant on the Beijing clock. */
export function beijingParts(at: number): { y: number; mo: number; d: number; h: number; mi: number } {
  const d = new Date(at + BEIJING_OFFSET_MS);
  return { y: d.getUTCFullYear(), mo: d.getUTCMonth() + 1, d: d.getUTCDate(), h: d.getUTCHours(), mi: d.getUTCMinutes() };
}

/** "MM-DD HH:mm" Beijing time, or "HH:mm" with `short`; "—" for a missing or invalid time. */
export function formatBeijing(iso: string | number | null | undefined, opts: { short?: boolean; year?: boolean } = {}): string {
  if (iso === null || iso === undefined || iso === '') return '—';
  const at = typeof iso === 'number' ? iso : Date.parse(iso);
  if (!Number.isFinite(at)) return '—';
  const p = beijingParts(at);
  const time = `${pad(p.h)}:${pad(p.mi)}`;
  if (opts.short) return time;
  return `${opts.year ? `${p.y}-` : ''}${pad(p.mo)}-${pad(p.d)} ${time}`;
}

/** The Beijing date "YYYY-MM-DD" of an instant (for grouping rows by day). */
export function beijingDate(at: number): string {
  const p = beijingParts(at);
  return `${p.y}-${pad(p.mo)}-${pad(p.d)}`;
}

/** A `<input type="datetime-local">` value ("YYYY-MM-DDTHH:mm") read as Beijing time → epoch ms, or null. */
export function beijingLocalToEpoch(value: string): number | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})$/.exec(value.trim());
  if (!m) return null;
  const [y, mo, d, h, mi] = m.slice(1).map(Number) as [number, number, number, number, number];
  if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59) return null;
  return Date.UTC(y, mo - 1, d, h, mi) - BEIJING_OFFSET_MS;
}

/** The `<input type="datetime-local">` value of an instant on the Beijing clock. */
export function epochToBeijingLocal(at: number): string {
  const p = beijingParts(at);
  return `${p.y}-${pad(p.mo)}-${pad(p.d)}T${pad(p.h)}:${pad(p.mi)}`;
}
