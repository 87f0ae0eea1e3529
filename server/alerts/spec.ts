import { z } from 'zod';
import { KPI_BY_ID, KPI_IDS } from '../kpi/definitions';
import { FAMILY_BY_ID } from '../kpi/families';
import { orgCodeInput } from '../kpi/query/schema';

// What an early-warning rule is (DOMAIN.md §3): a kind, a scope on the org tree, a condition with one
// threshold per severity, hysteresis, an active calendar and who is told. Rules are data: this schema checks
// them wherever they come from (the admin UI, a JSON import, the starter set).

export const SEVERITIES = ['red', 'orange', 'yellow', 'blue'] as const;
export type Severity = (typeof SEVERITIES)[number];
export const SEVERITY_LABEL: Record<Severity, { zh: string; en: string }> = {
  red: { zh: '红色', en: 'Red' },
  orange: { zh: '橙色', en: 'Orange' },
  yellow: { zh: '黄色', en: 'Yellow' },
  blue: { zh: '蓝色', en: 'Blue' },
};

export const RULE_KINDS = ['threshold', 'change', 'compare', 'anomaly', 'time_limit', 'record_event', 'correlation'] as const;
export type RuleKind = (typeof RULE_KINDS)[number];
export const KIND_LABEL: Record<RuleKind, { zh: string; en: string }> = {
  threshold: { zh: '阈值', en: 'Threshold' },
  change: { zh: '变化率/趋势', en: 'Rate of change' },
  compare: { zh: '环比/同比', en: 'Period comparison' },
  anomaly: { zh: '异常（同期基线）', en: 'Seasonal anomaly' },
  time_limit: { zh: '时限', en: 'Time limit' },
  record_event: { zh: '单条事件', en: 'Record event' },
  correlation: { zh: '跨域关联', en: 'Cross-domain correlation' },
};

const kpiId = z.enum(KPI_IDS);
const hhmm = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, '时间格式为 HH:mm');

/** One threshold per severity; at least one. Checked most severe first. */
export const levelsSchema = z
  .object({ red: z.number().finite(), orange: z.number().finite(), yellow: z.number().finite(), blue: z.number().finite() })
  .partial()
  .refine((l) => SEVERITIES.some((s) => l[s] !== undefined), { message: '至少设置一个级别的阈值 (set at least one severity threshold)' });

export const scopeSchema = z.object({
  /** The org node the rule watches (province, city, county or hall code). */
  orgCode: orgCodeInput,
  /** Evaluate the node itself, or each unit at a level below it. */
  by: z.enum(['total', 'city', 'county', 'hall']).default('total'),
  /** Only these halls (hall-level rules), e.g. the flagship halls. */
  halls: z
    .array(z.string().regex(/^\d{9}$/))
    .max(200)
    .optional(),
  /** Dimension filters of the KPI (queue, customer class, skill group…), checked by the KPI layer. */
  filters: z.record(z.string().regex(/^[a-z_]{1,32}$/), z.array(z.string().max(64)).min(1).max(50)).default({}),
});

export const calendarSchema = z.object({
  days: z.enum(['all', 'workdays', 'non_workdays']).default('all'),
  /** Local business hours the rule is active, e.g. hall opening hours; absent = all day. */
  hours: z.object({ from: hhmm, to: hhmm }).optional(),
});

export const recipientSchema = z.object({
  kind: z.enum(['duty_officer', 'hall_manager', 'unit', 'user', 'call_center']),
  ref: z.string().max(64).optional(),
});

const base = {
  scope: scopeSchema,
  comparator: z.enum(['>', '>=', '<', '<=']).default('>='),
  levels: levelsSchema,
  hysteresis: z
    .object({ fireAfter: z.number().int().min(1).max(20).default(1), recoverAfter: z.number().int().min(1).max(20).default(1) })
    .default({ fireAfter: 1, recoverAfter: 1 }),
  calendar: calendarSchema.default({ days: 'all' }),
  recipients: z
    .array(recipientSchema)
    .max(20)
    .default([{ kind: 'duty_officer' }]),
  /** Severity of the "no data" condition when a source this rule reads stops delivering. */
  noDataSeverity: z.enum(SEVERITIES).default('yellow'),
};

/** The figure's time: the last N minutes up to now, or a business-calendar preset (today so far). */
const windowSchema = z.union([
  z.object({
    minutes: z
      .number()
      .int()
      .min(5)
      .max(7 * 24 * 60),
  }),
  z.object({ preset: z.enum(['today', 'this_month']) }),
]);

/** The fewest records behind a figure before it can breach (a 50% loss rate on two calls is noise). */
const minCount = z.number().int().min(0).max(1_000_000).default(0);

export const thresholdSpec = z.object({ kind: z.literal('threshold'), kpi: kpiId, window: windowSchema, minCount, ...base });

export const changeSpec = z.object({
  kind: z.literal('change'),
  kpi: kpiId,
  windowMinutes: z
    .number()
    .int()
    .min(5)
    .max(24 * 60),
  /**
   * previous_window: value = this window ÷ the window before it (call volume 3× the last hour).
   * versus_kpi: value = kpi ÷ baseKpi over the same window (tickets issued faster than called).
   */
  mode: z.enum(['previous_window', 'versus_kpi']),
  baseKpi: kpiId.optional(),
  minCount,
  ...base,
});

export const compareSpec = z.object({
  kind: z.literal('compare'),
  kpi: kpiId,
  window: windowSchema,
  against: z.enum(['previous', 'yoy']),
  /** relative: (value − base) ÷ base; difference: value − base (percentage points for rates). */
  mode: z.enum(['relative', 'difference']).default('relative'),
  minCount,
  ...base,
});

export const anomalySpec = z.object({
  kind: z.literal('anomaly'),
  kpi: kpiId,
  windowMinutes: z
    .number()
    .int()
    .min(15)
    .max(24 * 60),
  /** Baseline: the same weekday and time of day in each of the last N weeks. */
  weeks: z.number().int().min(2).max(12).default(4),
  direction: z.enum(['up', 'down', 'both']).default('up'),
  /** Floor of the baseline's spread, in the KPI's unit, so a flat history does not make every wiggle a storm. */
  minSpread: z.number().min(0).default(1),
  minCount,
  ...base,
});

export const timeLimitSpec = z.object({
  kind: z.literal('time_limit'),
  /**
   * work_order_due: value = elapsed share of the order's limit (0.8 near due, 1 overdue).
   * outage_notice: value = hours until an outage starts that still has unnotified customers.
   * reconnection: value = hours since payment of a disconnected customer not yet reconnected.
   */
  check: z.enum(['work_order_due', 'outage_notice', 'reconnection']),
  outageTypes: z.array(z.enum(['planned', 'temporary', 'fault', 'peak_shifting'])).optional(),
  orderTypes: z.array(z.string().max(32)).optional(),
  ...base,
});

export const recordEventSpec = z.object({
  kind: z.literal('record_event'),
  /**
   * dissatisfied_rating: a hall ticket rated dissatisfied (value 1).
   * sms_batch_failed: an outage's notice batch whose SMS failure share reached the threshold.
   * balance_low: a fee-controlled customer's balance ÷ expected period charge at or below the warning point
   * (电费预警点, DOMAIN.md §2.4); value = that ratio, so use comparator <= (0.2 by default, 0 = owing).
   */
  event: z.enum(['dissatisfied_rating', 'sms_batch_failed', 'balance_low']),
  /** balance_low: large / key accounts only (大客户). */
  keyOnly: z.boolean().default(false),
  /** How long the event stays on the active list. */
  windowMinutes: z
    .number()
    .int()
    .min(5)
    .max(7 * 24 * 60)
    .default(120),
  minCount,
  ...base,
});

export const correlationSpec = z.object({
  kind: z.literal('correlation'),
  /** An outage situation in a county: affected customers of outages in progress (value). */
  windowMinutes: z
    .number()
    .int()
    .min(15)
    .max(24 * 60)
    .default(120),
  /** Alerts of these kinds in the same county (or its halls) within the window join the situation. */
  linkKinds: z.array(z.enum(RULE_KINDS)).default(['threshold', 'change', 'anomaly', 'compare']),
  ...base,
});

export const ruleSpecSchema = z
  .discriminatedUnion('kind', [thresholdSpec, changeSpec, compareSpec, anomalySpec, timeLimitSpec, recordEventSpec, correlationSpec])
  .superRefine((s, ctx) => {
    if (s.kind === 'change' && s.mode === 'versus_kpi' && !s.baseKpi) {
      ctx.addIssue({ code: 'custom', path: ['baseKpi'], message: '“与指标比”需要选择基准指标 (baseKpi required)' });
    }
    if ('kpi' in s) {
      const k = KPI_BY_ID.get(s.kpi)!;
      const family = k.family;
      if (s.kind === 'change' && s.baseKpi && KPI_BY_ID.get(s.baseKpi)!.family !== family) {
        ctx.addIssue({ code: 'custom', path: ['baseKpi'], message: '基准指标须与指标同属一类数据 (baseKpi must be of the same family)' });
      }
      if (s.scope.by === 'hall' && FAMILY_BY_ID.get(family)!.leaf !== 'hall') {
        ctx.addIssue({ code: 'custom', path: ['scope', 'by'], message: `${k.name.zh}不能按营业厅评估 (this KPI has no hall level)` });
      }
    }
  });
export type RuleSpec = z.output<typeof ruleSpecSchema>;
export type RuleSpecInput = z.input<typeof ruleSpecSchema>;

export const ruleInput = z.object({
  name: z.string().trim().min(2).max(80),
  nameEn: z.string().trim().max(120).optional(),
  enabled: z.boolean().default(true),
  spec: ruleSpecSchema,
});
export type RuleInput = z.output<typeof ruleInput>;

/** The severity a value reaches: the most severe level whose threshold it crosses, or null (clear). */
export function severityOf(
  value: number | null,
  levels: Partial<Record<Severity, number>>,
  comparator: RuleSpec['comparator'],
): Severity | null {
  if (value === null || !Number.isFinite(value)) return null;
  for (const s of SEVERITIES) {
    const t = levels[s];
    if (t === undefined) continue;
    const hit = comparator === '>' ? value > t : comparator === '>=' ? value >= t : comparator === '<' ? value < t : value <= t;
    if (hit) return s;
  }
  return null;
}

export const severityRank = (s: Severity) => SEVERITIES.length - SEVERITIES.indexOf(s);
