import { z } from 'zod';
import { KPI_IDS } from '../definitions';
import { FAMILIES } from '../families';
import { PRESETS } from './time';

// The declarative KPI query (DOMAIN.md §1 drill path, §2 KPIs). Only ids, codes and enumerated names come
// from the client; the server compiles them to bound SQL.

export const orgCodeInput = z.string().regex(/^(\d{2}|\d{4}|\d{6}|\d{9})$/, '单位编码为2/4/6/9位数字 (org code: 2, 4, 6 or 9 digits)');

const bound = z.string().regex(/^\d{4}-\d{2}-\d{2}( \d{2}:\d{2})?$/, '时间格式为 YYYY-MM-DD 或 YYYY-MM-DD HH:mm (local business time)');

// Names the client may use, from the code-side lists (own keys only): a name outside them (`constructor`,
// `__proto__`, a typo) is refused here with the list, before any lookup could reach Object.prototype.
const DIMENSION_NAMES: ReadonlySet<string> = new Set(FAMILIES.flatMap((f) => Object.keys(f.dims)));
const ROW_COLUMNS: ReadonlySet<string> = new Set(FAMILIES.flatMap((f) => Object.keys(f.rows)));

const filterName = z
  .string()
  .max(64)
  .refine((n) => DIMENSION_NAMES.has(n), {
    error: (i) => `未知维度 ${String(i.input)} (unknown dimension; one of: ${[...DIMENSION_NAMES].join(', ')})`,
  });
const filterValue = z
  .string()
  .max(64)
  .refine((v) => !v.includes('\0'), '不能含 NUL 字符 (must not contain NUL)');
const filtersInput = z.record(filterName, z.array(filterValue).min(1).max(50)).default({});
const sortColumn = z
  .string()
  .max(64)
  .refine((n) => ROW_COLUMNS.has(n), {
    error: (i) => `不能按 ${String(i.input)} 排序 (unknown column; one of: ${[...ROW_COLUMNS].join(', ')})`,
  });

export const timeInput = z.union([z.object({ preset: z.enum(PRESETS) }), z.object({ from: bound, to: bound })]);

export const kpiQueryInput = z.object({
  /** Caller's label for the query, echoed back (a wall tile id). */
  key: z
    .string()
    .max(64)
    .refine((v) => !v.includes('\0'), '不能含 NUL 字符 (must not contain NUL)')
    .optional(),
  kpis: z.array(z.enum(KPI_IDS)).min(1).max(60),
  orgCode: orgCodeInput,
  /** Break the figures down one or more levels below orgCode; 'total' = the node itself. */
  by: z.enum(['total', 'city', 'county', 'hall']).default('total'),
  time: timeInput.default({ preset: 'today' }),
  granularity: z.enum(['total', 'hour', 'day', 'month']).default('total'),
  /** Dimension filters, e.g. { category: ['fault_repair'] }; names are checked against each KPI's family. */
  filters: filtersInput,
  compare: z
    .array(z.enum(['previous', 'yoy']))
    .max(2)
    .default([]),
});
export type KpiQueryInput = z.input<typeof kpiQueryInput>;
export type KpiQuery = z.output<typeof kpiQueryInput>;

export const kpiBatchInput = z.object({ queries: z.array(kpiQueryInput).min(1).max(50) });

export const kpiRowsInput = z.object({
  kpi: z.enum(KPI_IDS),
  orgCode: orgCodeInput,
  time: timeInput.default({ preset: 'today' }),
  filters: filtersInput,
  part: z.enum(['numerator', 'denominator']).default('numerator'),
  page: z.number().int().min(1).max(100_000).default(1),
  pageSize: z.number().int().min(1).max(500).default(50),
  sort: z.object({ column: sortColumn, dir: z.enum(['asc', 'desc']) }).optional(),
});
export type KpiRowsQuery = z.output<typeof kpiRowsInput>;
