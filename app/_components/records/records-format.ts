// Cells of the drill-to-detail table (RecordsTable.tsx), pure: times from `kpi.rows` are ISO instants in UTC
// and shown in Beijing time; money with two decimals; a masked personal value as it came. Unit-tested in
// records-format.test.ts.
import { findCity, findCounty } from '@/core/org/divisions';
import { beijingTime, NO_VALUE } from '../desktop/figures';

export interface RecordColumn {
  name: string;
  label: { zh: string; en: string };
  type: string;
  personal?: boolean;
  masked?: boolean;
}

export function formatCell(value: unknown, type: string): string {
  if (value === null || value === undefined || value === '') return NO_VALUE;
  switch (type) {
    case 'time':
      return beijingTime(value);
    case 'money':
      return typeof value === 'number'
        ? value.toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 })
        : String(value);
    case 'number':
      return typeof value === 'number' ? value.toLocaleString('en-US', { maximumFractionDigits: 2 }) : String(value);
    default:
      return String(value);
  }
}

/** Org-code columns read as unit names (五华区, not 530102); a code the reference data does not know stays a code. */
export function orgCell(column: string, value: unknown): string | null {
  if (typeof value !== 'string') return null;
  if (column === 'county_code') return findCounty(value)?.name ?? null;
  if (column === 'city_code') return findCity(value)?.name ?? null;
  return null;
}

/** Pages of a total at a page size (at least one). */
export const pageCount = (total: number, pageSize: number) => Math.max(1, Math.ceil(total / pageSize));

/** The next sort of a column header click: ascending, then descending, then the family's default (none). */
export function nextSort(
  current: { column: string; dir: 'asc' | 'desc' } | null,
  column: string,
): { column: string; dir: 'asc' | 'desc' } | null {
  if (!current || current.column !== column) return { column, dir: 'asc' };
  return current.dir === 'asc' ? { column, dir: 'desc' } : null;
}

/** Whether the table's total agrees with the figure that was clicked (null = nothing to compare with). */
export function countsAgree(total: number | null | undefined, expected: number | null | undefined): boolean | null {
  if (typeof total !== 'number' || typeof expected !== 'number') return null;
  return total === expected;
}
