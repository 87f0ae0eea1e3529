import { z } from 'zod';
import { PROVINCE } from '@/core/org/divisions';
import { SEVERITIES, type RuleSpec, type Severity } from '../alerts/spec';

// Routing policies as data (like rules): which alerts a policy takes (org subtree, severities, rule kinds,
// domains) and the chain of steps it runs — notify these people on these channels; if nobody acknowledges
// within N minutes of the alert, the next step. The first enabled policy by priority that matches takes
// the alert; an alert no policy takes still shows on the desk and the wall.

export const DOMAINS = ['queue', 'call', 'outage', 'arrears', 'workorder', 'source'] as const;
export type Domain = (typeof DOMAINS)[number];
export const DUTY_ROLES = ['hall_manager', 'duty_officer', 'leader'] as const;
export type DutyRole = (typeof DUTY_ROLES)[number];

export const policyMatchSchema = z.object({
  /** The org subtree (a province, city, county or hall code). */
  orgCode: z
    .string()
    .regex(/^\d{2,12}$/)
    .default(PROVINCE.code),
  severities: z.array(z.enum(SEVERITIES)).max(4).optional(),
  kinds: z.array(z.string().max(32)).max(10).optional(),
  domains: z.array(z.enum(DOMAINS)).max(DOMAINS.length).optional(),
});
export type PolicyMatch = z.infer<typeof policyMatchSchema>;

export const targetSchema = z.discriminatedUnion('type', [
  /** Whoever is on duty in this role for the alert's unit (the roster walks up the tree when a unit has nobody). */
  z.object({ type: z.literal('on_duty'), role: z.enum(DUTY_ROLES), level: z.enum(['alert', 'city', 'province']).default('alert') }),
  z.object({ type: z.literal('user'), username: z.string().min(1).max(64) }),
]);
export type Target = z.infer<typeof targetSchema>;

export const stepSchema = z.object({
  /** Minutes after the alert fired at which this step runs if still unacknowledged (the first step: 0). */
  afterMinutes: z
    .number()
    .int()
    .min(0)
    .max(7 * 24 * 60),
  targets: z.array(targetSchema).min(1).max(10),
  /** Each entry is a chain of channel ids: the message goes to the first, and on to the next when one fails for good. */
  deliveries: z
    .array(z.object({ channels: z.array(z.string().min(1).max(64)).min(1).max(5) }))
    .min(1)
    .max(5),
});
export type Step = z.infer<typeof stepSchema>;

export const policyInputSchema = z
  .object({
    name: z.string().trim().min(1).max(80),
    priority: z.number().int().min(0).max(10_000).default(100),
    enabled: z.boolean().default(true),
    match: policyMatchSchema,
    steps: z.array(stepSchema).min(1).max(6),
    wallBanner: z.boolean().default(true),
  })
  .superRefine((p, ctx) => {
    p.steps.forEach((s, i) => {
      if (i === 0 && s.afterMinutes !== 0)
        ctx.addIssue({
          code: 'custom',
          path: ['steps', 0, 'afterMinutes'],
          message: '第一步应立即通知 (the first step runs at 0 minutes)',
        });
      if (i > 0 && s.afterMinutes <= p.steps[i - 1]!.afterMinutes)
        ctx.addIssue({
          code: 'custom',
          path: ['steps', i, 'afterMinutes'],
          message: '升级步骤的时间须递增 (escalation steps must come later than the one before)',
        });
    });
  });
export type PolicyInput = z.infer<typeof policyInputSchema>;

export interface StoredPolicy extends PolicyInput {
  id: string;
  version: number;
}

export function parsePolicy(row: {
  id: string;
  name: string;
  priority: number;
  enabled: boolean;
  match: unknown;
  steps: unknown;
  wallBanner: boolean;
  version: number;
}): StoredPolicy | null {
  const p = policyInputSchema.safeParse({
    name: row.name,
    priority: row.priority,
    enabled: row.enabled,
    match: row.match,
    steps: row.steps,
    wallBanner: row.wallBanner,
  });
  return p.success ? { ...p.data, id: row.id, version: row.version } : null;
}

/** The facts of an alert a policy matches on. */
export interface AlertFacts {
  orgCode: string;
  severity: Severity;
  kind: string;
  domain: Domain;
}

export function matches(m: PolicyMatch, a: AlertFacts): boolean {
  return (
    a.orgCode.startsWith(m.orgCode) &&
    (!m.severities?.length || m.severities.includes(a.severity)) &&
    (!m.kinds?.length || m.kinds.includes(a.kind)) &&
    (!m.domains?.length || m.domains.includes(a.domain))
  );
}

/** The first enabled policy by priority (lower first), then name, that takes the alert. */
export function choosePolicy(policies: StoredPolicy[], a: AlertFacts): StoredPolicy | null {
  return (
    [...policies]
      .filter((p) => p.enabled)
      .sort((x, y) => x.priority - y.priority || x.name.localeCompare(y.name))
      .find((p) => matches(p.match, a)) ?? null
  );
}

/** The business domain a rule watches, from its spec: a KPI's family prefix, or the record check's source. */
export function domainOf(spec: RuleSpec, condition: string): Domain {
  if (condition === 'no_data') return 'source';
  if ('kpi' in spec) {
    const prefix = spec.kpi.split('.')[0]!;
    return prefix === 'wo' ? 'workorder' : (DOMAINS as readonly string[]).includes(prefix) ? (prefix as Domain) : 'source';
  }
  if (spec.kind === 'time_limit')
    return spec.check === 'work_order_due' ? 'workorder' : spec.check === 'outage_notice' ? 'outage' : 'arrears';
  if (spec.kind === 'record_event')
    return spec.event === 'dissatisfied_rating' ? 'queue' : spec.event === 'sms_batch_failed' ? 'outage' : 'arrears';
  return 'outage';
}

/** The unit whose roster a target reads: the alert's own unit (a hall's county for halls), its city or the province. */
export function targetOrg(orgCode: string, level: 'alert' | 'city' | 'province'): string {
  if (level === 'province') return PROVINCE.code;
  if (level === 'city') return orgCode.slice(0, 4);
  return orgCode;
}
