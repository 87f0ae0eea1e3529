import { randomUUID } from 'node:crypto';
import { EventEmitter } from 'node:events';
import type { ClickHouse } from '@/core/clickhouse/client';
import type { Db } from '../db/client';
import type { AlertEventCreateManyInput } from '../db/generated/models/AlertEvent';
import { sourceLateness } from '@/etl/runtime/lateness';
import { FAMILY_BY_ID } from '../kpi/families';
import { KPI_BY_ID } from '../kpi/definitions';
import { INTERNAL_MAX_CELLS } from '../kpi/query/cost';
import type { KpiQueryResult } from '../kpi/query/result';
import type { KpiQuery } from '../kpi/query/schema';
import type { KpiService } from '../kpi/service';
import { sourceFreshness } from '@/etl/runtime/run-records';
import { isActive } from './calendar';
import { isKpiRule, kpiRuleSources, planKpiRule } from './evaluators/kpi-rules';
import { evaluateRecordRule, groupReach, recordRuleSources, type RecordRound } from './evaluators/record-rules';
import type { EvalContext, Evaluation, Observation, RuleRef } from './evaluators/types';
import { isNoteworthy, step, type SubjectState } from './hysteresis';
import { ruleSpecSchema, type RuleSpec, type Severity } from './spec';
import { PROVINCE } from '@/core/org/divisions';

// The early-warning engine (DOMAIN.md §3): evaluates the rules that read a source right after an ETL batch
// of that source commits, and the time-limit rules on a clock. Each rule's subjects go through hysteresis;
// a firing writes one alert event with a stable dedup key, the figures and the records behind it; a source
// that stopped delivering is its own "no data" alert, never an all-clear.

export interface LoadedRule extends RuleRef {
  version: number;
  kind: string;
  sources: string[];
}

export interface AlertNotice {
  type: 'fired' | 'updated' | 'recovered';
  eventId: string;
  ruleId: string;
  severity: Severity;
  orgCode: string;
  title: string;
}

export interface RoundReport {
  rules: number;
  fired: number;
  updated: number;
  recovered: number;
  ms: number;
  errors: { ruleId: string; message: string }[];
}

const KPI_BATCH = 50;
const NO_DATA_SUBJECT = '*no-data*';

export function ruleSources(spec: RuleSpec): string[] {
  return isKpiRule(spec) ? kpiRuleSources(spec) : recordRuleSources(spec);
}

/** Rules that run on a clock as well as after their sources' batches: time passing changes their answer. */
export const isClockRule = (spec: RuleSpec) => spec.kind === 'time_limit' || spec.kind === 'record_event' || spec.kind === 'correlation';

export class AlertEngine {
  readonly notices = new EventEmitter();
  private rules: Promise<LoadedRule[]> | undefined;
  private running: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly ch: ClickHouse,
    private readonly db: Db,
    private readonly kpi: KpiService,
    private readonly tz: string,
    /** When this process started expecting data (the lateness rule's start-up grace). */
    private readonly since: number = Date.now(),
  ) {}

  /** Rules are read again after any edit, so a change takes effect on the next evaluation without a restart. */
  invalidate(): void {
    this.rules = undefined;
  }

  loadRules(): Promise<LoadedRule[]> {
    this.rules ??= (async () => {
      const rows = await this.db.prisma.alertRule.findMany({ where: { enabled: true }, orderBy: { createdAt: 'asc' } });
      const out: LoadedRule[] = [];
      for (const r of rows) {
        const spec = ruleSpecSchema.safeParse(r.spec);
        if (!spec.success) {
          console.error(`[alerts] rule ${r.id} has an invalid spec, skipped: ${spec.error.issues[0]?.message}`);
          continue;
        }
        out.push({ id: r.id, name: r.name, version: r.version, kind: r.kind, spec: spec.data, sources: ruleSources(spec.data) });
      }
      return out;
    })();
    this.rules.catch(() => (this.rules = undefined));
    return this.rules;
  }

  /**
   * After an ETL batch of `source` committed: the rules that read it. Phase 'facts' takes the rules answered
   * from the fact tables (minute windows, records) at once; phase 'rollups' the rules on business-day
   * figures, which the rollups answer, once they have followed the batch. 'all' does both.
   */
  async afterBatch(source: string, now = Date.now(), phase: 'facts' | 'rollups' | 'all' = 'all'): Promise<RoundReport> {
    const rules = (await this.loadRules()).filter(
      (r) => r.sources.includes(source) && (phase === 'all' || readsRollups(r.spec) === (phase === 'rollups')),
    );
    return this.evaluate(rules, now);
  }

  /** On the clock: time-limit and record rules, and the no-data check of every rule. */
  async onClock(now = Date.now()): Promise<RoundReport> {
    return this.evaluate(await this.loadRules(), now, { clock: true });
  }

  /**
   * Runs `fn` between rounds: a rule switched off must not have a round that loaded it before the switch
   * open an alert after its open alerts were closed.
   */
  exclusive<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.running.then(fn);
    this.running = run.catch(() => undefined);
    return run;
  }

  /** Rounds run one at a time: two rounds over the same rule would race on its hysteresis state. */
  evaluate(rules: LoadedRule[], now: number, opts: { clock?: boolean } = {}): Promise<RoundReport> {
    const run = this.running.then(() => this.round(rules, now, opts));
    this.running = run.catch(() => undefined);
    return run;
  }

  private async round(all: LoadedRule[], now: number, opts: { clock?: boolean }): Promise<RoundReport> {
    const t0 = performance.now();
    const report: RoundReport = { rules: 0, fired: 0, updated: 0, recovered: 0, ms: 0, errors: [] };
    if (!all.length) return report;
    const [params, orgName, fresh] = await Promise.all([this.kpi.getParams(), this.kpi.orgNames(), sourceFreshness(this.ch)]);
    const freshBySource = new Map(fresh.map((f) => [f.source, f.completeUpTo]));
    const staleOf = (r: LoadedRule) => r.sources.filter((s) => sourceLateness(s, freshBySource.get(s) ?? null, now, this.since).late);
    const ctx: EvalContext = { ch: this.ch, kpi: this.kpi, params, tz: this.tz, now, orgName };

    // Record rules of one kind read their records once for the round, at the common ancestor of their scopes.
    const recordSpecs = all.filter((r) => !isKpiRule(r.spec)).map((r) => r.spec as Parameters<typeof groupReach>[0][number]);
    const recordRound: RecordRound = {
      orgCode: commonOrg(recordSpecs.map((s) => s.scope.orgCode)),
      reach: groupReach(recordSpecs),
      memo: new Map(),
    };

    const evaluations = new Map<string, Evaluation | 'inactive'>();
    const kpiPlans: { rule: LoadedRule; queries: KpiQuery[]; decide: ReturnType<typeof planKpiRule>['decide'] }[] = [];
    for (const rule of all) {
      if (!isActive(rule.spec.calendar, now, this.tz, params)) {
        evaluations.set(rule.id, 'inactive');
        continue;
      }
      const stale = staleOf(rule);
      // On the clock a KPI rule is only checked for missing data; its figures move with its batches.
      if (stale.length) evaluations.set(rule.id, { observations: [], staleSources: stale });
      else if (isKpiRule(rule.spec)) {
        if (!opts.clock) kpiPlans.push({ rule, ...planKpiRule(rule, ctx) });
      } else {
        try {
          evaluations.set(rule.id, await evaluateRecordRule(rule.spec as never, ctx, recordRound));
        } catch (err) {
          report.errors.push({ ruleId: rule.id, message: (err as Error).message });
        }
      }
    }
    // One KPI-layer batch (one SQL statement) per 50 queries, whatever the number of rules.
    // Rules that ask the same question (same KPI, scope and window) share one answer.
    const unique = new Map<string, { q: KpiQuery; i: number }>();
    for (const p of kpiPlans)
      for (const q of p.queries) if (!unique.has(JSON.stringify(q))) unique.set(JSON.stringify(q), { q, i: unique.size });
    const distinct = [...unique.values()].map((u) => u.q);
    const results: KpiQueryResult[] = [];
    for (let i = 0; i < distinct.length; i += KPI_BATCH)
      results.push(
        ...(await this.kpi.query(distinct.slice(i, i + KPI_BATCH), now, { cached: false, maxCells: INTERNAL_MAX_CELLS, ch: this.ch }))
          .results,
      );
    for (const p of kpiPlans) {
      const mine = p.queries.map((q) => results[unique.get(JSON.stringify(q))!.i]!);
      try {
        evaluations.set(p.rule.id, p.decide(mine, []));
      } catch (err) {
        report.errors.push({ ruleId: p.rule.id, message: (err as Error).message });
      }
    }

    const evaluated = all.filter((r) => evaluations.has(r.id));
    report.rules = evaluated.length;
    const states = await this.db.prisma.alertRuleState.findMany({ where: { ruleId: { in: evaluated.map((r) => r.id) } } });
    const byRule = new Map<string, Map<string, (typeof states)[number]>>();
    for (const s of states) {
      if (!byRule.has(s.ruleId)) byRule.set(s.ruleId, new Map());
      byRule.get(s.ruleId)!.set(s.subject, s);
    }
    for (const rule of evaluated) {
      await this.apply(rule, evaluations.get(rule.id)!, byRule.get(rule.id) ?? new Map(), now, report);
    }
    await this.linkSituations(all, now);
    report.ms = performance.now() - t0;
    return report;
  }

  /**
   * Steps every subject of one rule through its hysteresis and writes the outcome in one transaction: new
   * alerts, escalations, recoveries and the states that changed. Steady states (a work order still overdue)
   * write nothing, so a round costs what changed, not what is open.
   */
  private async apply(
    rule: LoadedRule,
    ev: Evaluation | 'inactive',
    states: Map<string, StoredState>,
    now: number,
    report: RoundReport,
  ): Promise<void> {
    const at = new Date(now);
    const h = rule.spec.hysteresis;
    const w: Writes = { creates: [], updates: [], closes: [], states: new Map() };
    const notices: AlertNotice[] = [];

    if (ev !== 'inactive' && ev.staleSources.length) {
      // No data: subjects keep their streaks (nothing was seen); the rule says so once.
      if (!states.get(NO_DATA_SUBJECT)) {
        const orgName = (await this.kpi.orgNames())(rule.spec.scope.orgCode);
        const obs: Observation = {
          subject: NO_DATA_SUBJECT,
          orgCode: rule.spec.scope.orgCode,
          orgName,
          value: null,
          severity: rule.spec.noDataSeverity,
          figures: { staleSources: ev.staleSources.join(', ') },
          drill: null,
          text: {
            zh: `${orgName}数据中断：${ev.staleSources.join('、')} 未按时送达，规则无法判断`,
            en: `${orgName}: no data — ${ev.staleSources.join(', ')} stopped delivering; the rule cannot judge`,
          },
        };
        const id = this.create(w, rule, obs, 'no_data', at);
        w.states.set(NO_DATA_SUBJECT, {
          status: 'firing',
          severity: obs.severity,
          breachStreak: 1,
          clearStreak: 0,
          openEventId: id,
          lastValue: null,
        });
        notices.push({ type: 'fired', eventId: id, ruleId: rule.id, severity: obs.severity!, orgCode: obs.orgCode, title: obs.text.zh });
      }
      return this.commit(rule, w, states, at, report, notices);
    }
    const noData = states.get(NO_DATA_SUBJECT);
    if (noData) {
      if (noData.openEventId) w.closes.push({ id: noData.openEventId, reason: 'data_resumed' });
      w.states.set(NO_DATA_SUBJECT, null);
    }

    const seen = new Set<string>();
    const observations = ev === 'inactive' ? [] : ev.observations;
    const refreshFigures = isKpiRule(rule.spec);
    for (const obs of observations) {
      seen.add(obs.subject);
      const prev = states.get(obs.subject);
      const { next, action } = step(prev && asState(prev), obs.severity, h);
      let openEventId = prev?.openEventId ?? null;
      if (action === 'fire') {
        openEventId = this.create(w, rule, obs, 'breach', at);
        notices.push({
          type: 'fired',
          eventId: openEventId,
          ruleId: rule.id,
          severity: obs.severity!,
          orgCode: obs.orgCode,
          title: obs.text.zh,
        });
      } else if (action === 'recover' && openEventId) {
        w.closes.push({ id: openEventId });
        openEventId = null;
      } else if (action === 'update' && openEventId) {
        w.updates.push({
          id: openEventId,
          data: {
            severity: obs.severity!,
            title: obs.text.zh,
            titleEn: obs.text.en,
            value: obs.value,
            figures: obs.figures as object,
            updatedAt: at,
          },
        });
        notices.push({
          type: 'updated',
          eventId: openEventId,
          ruleId: rule.id,
          severity: obs.severity!,
          orgCode: obs.orgCode,
          title: obs.text.zh,
        });
      } else if (action === 'none' && openEventId && next.status === 'firing' && refreshFigures && obs.value !== prev?.lastValue) {
        // A unit's open alert shows its current figure; notifying anyone waits for a change of severity.
        w.updates.push({
          id: openEventId,
          data: { title: obs.text.zh, titleEn: obs.text.en, value: obs.value, figures: obs.figures as object, updatedAt: at },
        });
      }
      this.stage(w, obs.subject, prev, next, openEventId, refreshFigures ? obs.value : (prev?.lastValue ?? obs.value));
    }
    // Subjects not seen are clear: a work order done, a unit back under the threshold; outside the rule's
    // active calendar its alerts end at once.
    for (const [subject, prev] of states) {
      if (subject === NO_DATA_SUBJECT || seen.has(subject)) continue;
      if (ev === 'inactive') {
        if (prev.openEventId) w.closes.push({ id: prev.openEventId, reason: 'outside_calendar' });
        w.states.set(subject, null);
        continue;
      }
      const { next, action } = step(asState(prev), null, h);
      let openEventId = prev.openEventId;
      if (action === 'recover' && openEventId) {
        w.closes.push({ id: openEventId });
        openEventId = null;
      }
      this.stage(w, subject, prev, next, openEventId, prev.lastValue);
    }
    return this.commit(rule, w, states, at, report, notices);
  }

  private stage(
    w: Writes,
    subject: string,
    prev: StoredState | undefined,
    next: SubjectState,
    openEventId: string | null,
    lastValue: number | null,
  ) {
    if (!isNoteworthy(next) && !openEventId) {
      if (prev) w.states.set(subject, null);
      return;
    }
    const s: StateRow = { ...next, openEventId, lastValue };
    const same =
      prev &&
      prev.status === s.status &&
      prev.severity === s.severity &&
      prev.breachStreak === s.breachStreak &&
      prev.clearStreak === s.clearStreak &&
      prev.openEventId === s.openEventId &&
      prev.lastValue === s.lastValue;
    if (!same) w.states.set(subject, s);
  }

  private create(w: Writes, rule: LoadedRule, obs: Observation, condition: 'breach' | 'no_data', at: Date): string {
    const dedupKey = `${rule.id}|${obs.subject}|${condition}`;
    const id = randomUUID();
    w.creates.push({
      id,
      ruleId: rule.id,
      ruleVersion: rule.version,
      dedupKey,
      openKey: dedupKey,
      condition,
      subject: obs.subject,
      orgCode: obs.orgCode,
      orgName: obs.orgName,
      severity: obs.severity!,
      state: 'firing',
      title: obs.text.zh,
      titleEn: obs.text.en,
      value: obs.value,
      figures: obs.figures as object,
      drill: (obs.drill ?? undefined) as object | undefined,
      firedAt: at,
      updatedAt: at,
    });
    return id;
  }

  private async commit(
    rule: LoadedRule,
    w: Writes,
    states: Map<string, StoredState>,
    at: Date,
    report: RoundReport,
    notices: AlertNotice[],
  ) {
    if (!w.creates.length && !w.updates.length && !w.closes.length && !w.states.size) return;
    const prisma = this.db.prisma;
    const changed = [...w.states.keys()];
    const rows = [...w.states.entries()].filter((e): e is [string, StateRow] => e[1] !== null);
    const plainCloses = w.closes.filter((c) => !c.reason).map((c) => c.id);
    const outbox = [
      ...w.creates.map((c) => ({ eventId: c.id!, change: 'fired', at })),
      ...w.updates.filter((u) => 'severity' in u.data).map((u) => ({ eventId: u.id, change: 'severity', at })),
      ...w.closes.map((c) => ({ eventId: c.id, change: 'recovered', at })),
    ];
    await prisma.$transaction([
      ...(w.creates.length ? [prisma.alertEvent.createMany({ data: w.creates })] : []),
      ...w.updates.map((u) => prisma.alertEvent.update({ where: { id: u.id }, data: u.data })),
      ...(plainCloses.length
        ? [
            prisma.alertEvent.updateMany({
              where: { id: { in: plainCloses } },
              data: { state: 'recovered', openKey: null, recoveredAt: at, updatedAt: at },
            }),
          ]
        : []),
      ...w.closes
        .filter((c) => c.reason)
        .map((c) =>
          prisma.alertEvent.update({
            where: { id: c.id },
            data: {
              state: 'recovered',
              openKey: null,
              recoveredAt: at,
              updatedAt: at,
              condition: c.reason === 'data_resumed' ? 'no_data' : undefined,
            },
          }),
        ),
      // The duty router's change data, in the same transaction as the change (server/duty/router.ts).
      ...(outbox.length ? [prisma.alertOutbox.createMany({ data: outbox })] : []),
      ...(changed.length ? [prisma.alertRuleState.deleteMany({ where: { ruleId: rule.id, subject: { in: changed } } })] : []),
      ...(rows.length
        ? [
            prisma.alertRuleState.createMany({
              data: rows.map(([subject, s]) => ({
                ruleId: rule.id,
                subject,
                status: s.status,
                severity: s.severity,
                breachStreak: s.breachStreak,
                clearStreak: s.clearStreak,
                openEventId: s.openEventId,
                lastValue: s.lastValue,
                evaluatedAt: at,
              })),
            }),
          ]
        : []),
    ]);
    report.fired += w.creates.length;
    report.updated += w.updates.filter((u) => 'severity' in u.data).length;
    report.recovered += w.closes.length;
    // One pass over the states, not one per recovery: a rule may recover a thousand orders in a round.
    const severityOfEvent = new Map([...states.values()].filter((s) => s.openEventId).map((s) => [s.openEventId!, s.severity]));
    for (const c of w.closes) {
      notices.push({
        type: 'recovered',
        eventId: c.id,
        ruleId: rule.id,
        severity: severityOfEvent.get(c.id) ?? 'blue',
        orgCode: '',
        title: '',
      });
    }
    for (const n of notices) this.notices.emit('alert', n);
  }

  /**
   * Cross-domain correlation: alerts in a county (or its halls, or the city containing it) that fired while
   * an outage situation there was open join that situation, so the duty officer sees one situation.
   */
  private async linkSituations(rules: LoadedRule[], now: number) {
    const corr = rules.filter((r) => r.spec.kind === 'correlation');
    if (!corr.length) return;
    const situations = await this.db.prisma.alertEvent.findMany({
      where: { ruleId: { in: corr.map((r) => r.id) }, state: 'firing', condition: 'breach' },
      select: { id: true, orgCode: true, firedAt: true, ruleId: true },
    });
    for (const s of situations) {
      const rule = corr.find((r) => r.id === s.ruleId)!;
      const spec = rule.spec as Extract<RuleSpec, { kind: 'correlation' }>;
      const kinds = spec.linkKinds;
      const county = s.orgCode;
      const since = new Date(s.firedAt.getTime() - spec.windowMinutes * 60_000);
      await this.db.prisma.alertEvent.updateMany({
        where: {
          id: { not: s.id },
          state: 'firing',
          condition: 'breach',
          situationId: null,
          firedAt: { gte: since, lte: new Date(now) },
          rule: { kind: { in: kinds } },
          OR: [{ orgCode: { startsWith: county } }, { orgCode: county.slice(0, 4) }],
        },
        data: { situationId: s.id },
      });
      await this.db.prisma.alertEvent.update({ where: { id: s.id }, data: { situationId: s.id } });
    }
  }
}

interface StoredState {
  subject: string;
  status: string;
  severity: Severity | null;
  breachStreak: number;
  clearStreak: number;
  openEventId: string | null;
  lastValue: number | null;
}
type StateRow = SubjectState & { openEventId: string | null; lastValue: number | null };
interface Writes {
  creates: AlertEventCreateManyInput[];
  updates: { id: string; data: Record<string, unknown> }[];
  closes: { id: string; reason?: 'outside_calendar' | 'data_resumed' }[];
  /** Subject → its new state, or null to delete it. */
  states: Map<string, StateRow | null>;
}

/** A KPI rule on a business-day figure (today, this month) reads the rollups; everything else the facts. */
export const readsRollups = (spec: RuleSpec) => isKpiRule(spec) && 'window' in spec && 'preset' in spec.window;

/** The deepest org node (province, city or county code) that contains every code. */
export function commonOrg(codes: string[]): string {
  if (!codes.length) return PROVINCE.code;
  let p = codes[0]!;
  for (const c of codes) while (!c.startsWith(p)) p = p.slice(0, -1);
  const len = [6, 4, 2].find((l) => l <= p.length) ?? 2;
  return p.length >= 2 ? p.slice(0, len) : codes[0]!.slice(0, 2);
}

function asState(s: { status: string; severity: Severity | null; breachStreak: number; clearStreak: number }): SubjectState {
  return { status: s.status as SubjectState['status'], severity: s.severity, breachStreak: s.breachStreak, clearStreak: s.clearStreak };
}

/** Every KPI family a rule reads, for the UI's "how is this computed". */
export const ruleFamilies = (spec: RuleSpec) => (isKpiRule(spec) ? [FAMILY_BY_ID.get(KPI_BY_ID.get(spec.kpi)!.family)!.id] : []);
