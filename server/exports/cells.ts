import { formatLocal } from '@/core/time';

// Cell values of an export, shared by the xlsx and CSV writers: times in the business zone (Beijing) as
// 'YYYY-MM-DD HH:mm:ss', money and counts as numbers, text as text; and the CSV field rules.

export type CellType = 'string' | 'number' | 'money' | 'time' | 'date' | 'percent';
export type Cell = string | number | null;

/** An instant (ISO 8601 with zone, or epoch ms) as the wall clock in `tz` shows it, to the second. */
export function localTime(v: string | number, tz: string): string | null {
  const ms = typeof v === 'number' ? v : Date.parse(v);
  if (!Number.isFinite(ms)) return null;
  return formatLocal(ms, tz).slice(0, 19);
}

/** One value of a record as the file holds it. */
export function cellValue(type: CellType, v: unknown, tz: string): Cell {
  if (v === null || v === undefined || v === '') return null;
  switch (type) {
    case 'time':
      return typeof v === 'string' || typeof v === 'number' ? localTime(v, tz) : null;
    case 'number':
    case 'money':
    case 'percent': {
      const n = typeof v === 'number' ? v : Number(v);
      return Number.isFinite(n) ? n : null;
    }
    case 'date':
      return String(v).slice(0, 10);
    case 'string':
      return typeof v === 'object' ? JSON.stringify(v) : String(v as string | number | boolean);
  }
}

/**
 * Text a spreadsheet would run as a formula (= + - @, and tab / carriage return that some read as the same)
 * gets a leading apostrophe, so a value like `=HYPERLINK(…)` stays text (CSV formula injection).
 */
export function guardFormula(s: string): string {
  return /^[=+\-@\t\r]/.test(s) ? `'${s}` : s;
}

/** One CSV field (RFC 4180): text guarded, quoted when it holds a quote, comma or line break. */
export function csvField(v: Cell): string {
  if (v === null) return '';
  if (typeof v === 'number') return String(v);
  const s = guardFormula(v);
  return /[",\r\n]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s;
}

export const csvLine = (cells: readonly Cell[]) => `${cells.map(csvField).join(',')}\r\n`;

/** A file name without characters file systems refuse; keeps Chinese. */
export function safeFileName(s: string): string {
  return (
    s
      .replace(/[\\/:*?"<>|]/g, '_')
      .replace(/\p{Cc}/gu, '_')
      .replace(/\s+/g, ' ')
      .trim()
      .slice(0, 150) || 'export'
  );
}

/** Content-Disposition for a download: an ASCII fallback and the UTF-8 name (RFC 6266 / RFC 5987). */
export function contentDisposition(fileName: string): string {
  const ascii = fileName.replace(/[^\x20-\x7e]/g, '_').replace(/["\\]/g, '_');
  const encoded = encodeURIComponent(fileName).replace(/['()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encoded}`;
}
