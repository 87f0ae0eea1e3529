import { z } from 'zod';
import { KPI_IDS } from '../kpi/definitions';
import { kpiRowsInput, orgCodeInput, timeInput } from '../kpi/query/schema';

// What a user may export (导出), validated once and stored with a background job: the records behind a KPI
// figure (the drill-down table as shown: its filters, part and sort), or a view's table of figures (units × KPIs,
// what a dashboard shows). Only ids, codes and enumerated names: the server compiles the SQL.

export const EXPORT_FORMATS = ['xlsx', 'csv'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

const title = z
  .string()
  .max(120)
  .refine((v) => !/[\0\r\n]/.test(v), '标题不能含控制字符 (title must not contain control characters)')
  .optional();

/** The records behind one figure: `kpi.rows` without paging. */
export const rowsExport = kpiRowsInput.omit({ page: true, pageSize: true }).extend({
  kind: z.literal('kpi.rows'),
  title,
  /** Personal columns unmasked, as the drill-down shows them to roles with `pii.reveal` (checked and audited). */
  reveal: z.boolean().default(false),
});

/** A view's figures: each KPI for the org node (or each unit one level below it), over the time asked. */
export const tableExport = z.object({
  kind: z.literal('kpi.table'),
  title,
  kpis: z.array(z.enum(KPI_IDS)).min(1).max(60),
  orgCode: orgCodeInput,
  by: z.enum(['total', 'city', 'county', 'hall']).default('total'),
  time: timeInput.default({ preset: 'today' }),
  filters: kpiRowsInput.shape.filters,
  compare: z
    .array(z.enum(['previous', 'yoy']))
    .max(2)
    .default([]),
});

export const exportRequest = z.discriminatedUnion('kind', [rowsExport, tableExport]);
export type ExportRequestInput = z.input<typeof exportRequest>;
export type ExportRequest = z.output<typeof exportRequest>;

export const EXPORT_LOCALES = ['zh-CN', 'en'] as const;
export type ExportLocale = (typeof EXPORT_LOCALES)[number];

/** `locale`: the language of the header block and column labels (the user's UI language; Chinese by default). */
export const exportInput = z.object({
  format: z.enum(EXPORT_FORMATS),
  request: exportRequest,
  locale: z.enum(EXPORT_LOCALES).default('zh-CN'),
});
export type ExportInput = z.input<typeof exportInput>;
export type ExportSpec = z.output<typeof exportInput>;
