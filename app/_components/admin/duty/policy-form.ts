// Routing policies in the editor: the form's state ↔ the PolicyInput the server checks (server/duty/policy.ts),
// and the one-line summaries the list shows. Pure; the constants mirror the server's (checked by the test).
import type { PolicyInput, PolicyMatch, Step, Target } from '@/server/duty/policy';

export const SEVERITIES = ['red', 'orange', 'yellow', 'blue'] as const;
export type Severity = (typeof SEVERITIES)[number];
export const DOMAINS = ['queue', 'call', 'outage', 'arrears', 'workorder', 'source'] as const;
export type Domain = (typeof DOMAINS)[number];
export const DUTY_ROLES = ['hall_manager', 'duty_officer', 'leader'] as const;
export type DutyRole = (typeof DUTY_ROLES)[number];
export const LEVELS = ['alert', 'city', 'province'] as const;
export type Level = (typeof LEVELS)[number];

export type TargetForm = { type: 'on_duty'; role: DutyRole; level: Level } | { type: 'user'; username: string };

export interface StepForm {
  afterMinutes: string;
  targets: TargetForm[];
  /** Each chain: channel ids in order ('' for a channel not picked yet). */
  chains: string[][];
}

export interface PolicyForm {
  id: string | null;
  name: string;
  priority: string;
  enabled: boolean;
  wallBanner: boolean;
  orgCode: string;
  severities: Severity[];
  domains: Domain[];
  kinds: string;
  steps: StepForm[];
}

/** A policy as duty.policies.list returns it (match and steps are stored JSON). */
export interface PolicyRow {
  id: string;
  name: string;
  priority: number;
  enabled: boolean;
  match: unknown;
  steps: unknown;
  wallBanner: boolean;
}

export type PolicyProblem = 'name' | 'priority' | 'minutes' | 'first' | 'targets' | 'channels';

export const emptyStep = (afterMinutes: number, channel = ''): StepForm => ({
  afterMinutes: String(afterMinutes),
  targets: [{ type: 'on_duty', role: 'duty_officer', level: 'alert' }],
  chains: [[channel]],
});

export function newPolicyForm(orgCode: string, firstChannel = ''): PolicyForm {
  return {
    id: null,
    name: '',
    priority: '100',
    enabled: true,
    wallBanner: true,
    orgCode,
    severities: [],
    domains: [],
    kinds: '',
    steps: [emptyStep(0, firstChannel)],
  };
}

const obj = (v: unknown): Record<string, unknown> =>
  v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : {};
const arr = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);
const strs = (v: unknown): string[] => arr(v).filter((x): x is string => typeof x === 'string');
const oneOf = <T extends string>(list: readonly T[], v: unknown, fallback: T): T => (list.includes(v as T) ? (v as T) : fallback);

/** The stored match, read defensively (stored JSON may predate today's schema). */
export function readMatch(m: unknown): PolicyMatch {
  const o = obj(m);
  return {
    orgCode: typeof o.orgCode === 'string' ? o.orgCode : '53',
    severities: strs(o.severities).filter((s): s is Severity => (SEVERITIES as readonly string[]).includes(s)),
    kinds: strs(o.kinds),
    domains: strs(o.domains).filter((s): s is Domain => (DOMAINS as readonly string[]).includes(s)),
  };
}

function readTarget(t: unknown): TargetForm {
  const o = obj(t);
  if (o.type === 'user') return { type: 'user', username: typeof o.username === 'string' ? o.username : '' };
  return { type: 'on_duty', role: oneOf(DUTY_ROLES, o.role, 'duty_officer'), level: oneOf(LEVELS, o.level, 'alert') };
}

/** The stored steps, read defensively. */
export function readSteps(steps: unknown): Step[] {
  return arr(steps).map((s) => {
    const o = obj(s);
    return {
      afterMinutes: typeof o.afterMinutes === 'number' ? o.afterMinutes : 0,
      targets: arr(o.targets).map(readTarget) as Target[],
      deliveries: arr(o.deliveries).map((d) => ({ channels: strs(obj(d).channels) })),
    };
  });
}

export function policyToForm(row: PolicyRow): PolicyForm {
  const m = readMatch(row.match);
  const steps = readSteps(row.steps);
  return {
    id: row.id,
    name: row.name,
    priority: String(row.priority),
    enabled: row.enabled,
    wallBanner: row.wallBanner,
    orgCode: m.orgCode,
    severities: (m.severities ?? []) as Severity[],
    domains: (m.domains ?? []) as Domain[],
    kinds: (m.kinds ?? []).join(', '),
    steps: steps.length
      ? steps.map((s) => ({
          afterMinutes: String(s.afterMinutes),
          targets: s.targets.map(readTarget),
          chains: s.deliveries.length ? s.deliveries.map((d) => (d.channels.length ? [...d.channels] : [''])) : [['']],
        }))
      : [emptyStep(0)],
  };
}

const INT = /^\d+$/;

/** The PolicyInput for the server, or what is wrong with the form (the server checks again and says why). */
export function formToInput(f: PolicyForm): { ok: true; value: PolicyInput } | { ok: false; problems: PolicyProblem[] } {
  const problems = new Set<PolicyProblem>();
  const name = f.name.trim();
  if (!name || name.length > 80) problems.add('name');
  const priority = f.priority.trim();
  if (!INT.test(priority) || Number(priority) > 10_000) problems.add('priority');
  if (!f.steps.length) problems.add('targets');
  const steps: Step[] = f.steps.map((s, i) => {
    const mins = s.afterMinutes.trim();
    const after = INT.test(mins) ? Number(mins) : NaN;
    if (!Number.isFinite(after) || after > 7 * 24 * 60) problems.add('minutes');
    if (i === 0 && after !== 0) problems.add('first');
    if (i > 0 && !(after > Number(f.steps[i - 1]!.afterMinutes.trim()))) problems.add('minutes');
    const targets: Target[] = s.targets.map((t) =>
      t.type === 'user' ? { type: 'user', username: t.username.trim() } : { type: 'on_duty', role: t.role, level: t.level },
    );
    if (!targets.length || targets.some((t) => t.type === 'user' && !t.username)) problems.add('targets');
    const deliveries = s.chains.map((c) => ({ channels: c.map((x) => x.trim()).filter(Boolean) }));
    if (!deliveries.length || deliveries.some((d) => !d.channels.length)) problems.add('channels');
    return { afterMinutes: after, targets, deliveries };
  });
  if (problems.size) return { ok: false, problems: [...problems] };
  const kinds = f.kinds
    .split(/[,，\s]+/)
    .map((k) => k.trim())
    .filter(Boolean);
  const match: PolicyMatch = {
    orgCode: f.orgCode.trim(),
    ...(f.severities.length ? { severities: SEVERITIES.filter((s) => f.severities.includes(s)) } : {}),
    ...(kinds.length ? { kinds } : {}),
    ...(f.domains.length ? { domains: DOMAINS.filter((d) => f.domains.includes(d)) } : {}),
  };
  return { ok: true, value: { name, priority: Number(priority), enabled: f.enabled, wallBanner: f.wallBanner, match, steps } };
}

/** Words the summaries need, in the current language. */
export interface SummaryWords {
  org: (code: string) => string;
  severity: (s: Severity) => string;
  domain: (d: Domain) => string;
  allSeverities: string;
  allDomains: string;
  kinds: (list: string) => string;
  role: (r: DutyRole) => string;
  level: (l: Level) => string;
  channel: (id: string) => string;
  now: string;
  after: (n: number) => string;
  step: (when: string, targets: string, channels: string) => string;
  sep: string;
}

/** "昆明市及下级 · 红色/橙色 · 全部领域". */
export function matchSummary(m: unknown, w: SummaryWords): string {
  const x = readMatch(m);
  const parts = [
    w.org(x.orgCode),
    x.severities?.length ? x.severities.map((s) => w.severity(s as Severity)).join('/') : w.allSeverities,
    x.domains?.length ? x.domains.map((d) => w.domain(d as Domain)).join('/') : w.allDomains,
  ];
  if (x.kinds?.length) parts.push(w.kinds(x.kinds.join('/')));
  return parts.join(' · ');
}

export function targetText(t: TargetForm | Target, w: Pick<SummaryWords, 'role' | 'level'>): string {
  return t.type === 'user' ? `@${t.username}` : `${w.role(t.role)}(${w.level(t.level ?? 'alert')})`;
}

/** One line per step: "立即：值班长(告警单位) → 企业微信 › 短信". */
export function stepsSummary(steps: unknown, w: SummaryWords): string[] {
  return readSteps(steps).map((s) =>
    w.step(
      s.afterMinutes === 0 ? w.now : w.after(s.afterMinutes),
      s.targets.map((t) => targetText(t, w)).join(w.sep),
      s.deliveries.map((d) => d.channels.map(w.channel).join(' › ')).join(w.sep),
    ),
  );
}

/** The server's message for a failed save as short lines (zod issues joined by the error helper use '；'). */
export function serverProblems(message: string): string[] {
  return message
    .split(/[；;]\s*/)
    .map((s) => s.trim())
    .filter(Boolean);
}
