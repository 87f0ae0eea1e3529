import type { Prisma } from '../db/generated/client';
import type { Db } from '../db/client';
import type { ClickHouse } from '@/core/clickhouse/client';
import { NotFoundError } from '@/core/errors';
import type { Env } from '@/core/env';
import type { KpiService } from '../kpi/service';
import { isClockRule, ruleSources, type AlertEngine } from './engine';
import { KIND_LABEL, ruleInput, SEVERITIES, severityRank, type RuleInput, type Severity } from './spec';

// Rules as data (DOMAIN.md §3): created, edited, switched on and off, exported and imported; every change
// is a new version with who and when, in the audit log too, and the engine reads it on its next round.

export class RuleNotFoundError extends NotFoundError {
  constructor(id: string) {
    super(`规则不存在 (no rule ${id})`);
    this.name = 'RuleNotFoundError';
  }
}

export interface RuleRuntime {
  ch: ClickHouse;
  db: Db;
  env: Pick<Env, 'BUSINESS_TZ'>;
  kpi: KpiService;
  /** The process's one engine: an edit made through any door reaches the rounds it runs. */
  alerts: AlertEngine;
}

/** Rules matching `where` (the caller's org scope: server/auth/scope.ts `prismaApplies`). */
export async function listRules(rt: RuleRuntime, where: Prisma.AlertRuleWhereInput = {}) {
  const [rules, open] = await Promise.all([
    rt.db.prisma.alertRule.findMany({ where, orderBy: { createdAt: 'asc' } }),
    rt.db.prisma.alertEvent.groupBy({ by: ['ruleId', 'severity'], where: { state: 'firing' }, _count: { _all: true } }),
  ]);
  const lastEval = await rt.db.prisma.alertRuleState.groupBy({ by: ['ruleId'], _max: { evaluatedAt: true } });
  return rules.map((r) => {
    const mine = open.filter((o) => o.ruleId === r.id);
    const firing = mine.reduce((a, o) => a + o._count._all, 0);
    const worst = mine.map((o) => o.severity as Severity).sort((a, b) => severityRank(b) - severityRank(a))[0] ?? null;
    const parsed = ruleInput.shape.spec.safeParse(r.spec);
    return {
      id: r.id,
      name: r.name,
      nameEn: r.nameEn,
      kind: r.kind,
      kindLabel: KIND_LABEL[r.kind as keyof typeof KIND_LABEL] ?? { zh: r.kind, en: r.kind },
      enabled: r.enabled,
      scopeCode: r.scopeCode,
      version: r.version,
      updatedBy: r.updatedBy,
      updatedAt: r.updatedAt.toISOString(),
      spec: r.spec,
      valid: parsed.success,
      sources: parsed.success ? ruleSources(parsed.data) : [],
      onClock: parsed.success ? isClockRule(parsed.data) : false,
      /** Current state: firing (with the worst open severity), or clear; disabled rules are off. */
      state: !r.enabled ? ('off' as const) : firing > 0 ? ('firing' as const) : ('clear' as const),
      firing,
      worstSeverity: worst,
      lastEvaluatedAt: lastEval.find((l) => l.ruleId === r.id)?._max.evaluatedAt?.toISOString() ?? null,
    };
  });
}

export async function getRule(rt: RuleRuntime, id: string) {
  const r = await rt.db.prisma.alertRule.findUnique({ where: { id }, include: { versions: { orderBy: { version: 'desc' } } } });
  if (!r) throw new RuleNotFoundError(id);
  return {
    ...r,
    createdAt: r.createdAt.toISOString(),
    updatedAt: r.updatedAt.toISOString(),
    versions: r.versions.map((v) => ({ ...v, id: String(v.id), changedAt: v.changedAt.toISOString() })),
  };
}

export async function createRule(rt: RuleRuntime, input: RuleInput, actor: string, note?: string) {
  const r = await rt.db.prisma.$transaction(async (tx) => {
    const rule = await tx.alertRule.create({
      data: {
        name: input.name,
        nameEn: input.nameEn,
        kind: input.spec.kind,
        enabled: input.enabled,
        scopeCode: input.spec.scope.orgCode,
        spec: input.spec as object,
        updatedBy: actor,
        versions: { create: { version: 1, name: input.name, enabled: input.enabled, spec: input.spec as object, changedBy: actor, note } },
      },
    });
    await tx.auditLog.create({
      data: { actor, action: 'rule.create', target: rule.id, detail: { name: input.name, kind: input.spec.kind } },
    });
    return rule;
  });
  rt.alerts.invalidate();
  return { id: r.id, version: r.version };
}

export async function updateRule(rt: RuleRuntime, id: string, input: RuleInput, actor: string, note?: string) {
  const r = await rt.db.prisma.$transaction(async (tx) => {
    const prev = await tx.alertRule.findUnique({ where: { id } });
    if (!prev) throw new RuleNotFoundError(id);
    const version = prev.version + 1;
    const rule = await tx.alertRule.update({
      where: { id },
      data: {
        name: input.name,
        nameEn: input.nameEn ?? null,
        kind: input.spec.kind,
        enabled: input.enabled,
        scopeCode: input.spec.scope.orgCode,
        spec: input.spec as object,
        version,
        updatedBy: actor,
        versions: { create: { version, name: input.name, enabled: input.enabled, spec: input.spec as object, changedBy: actor, note } },
      },
    });
    await tx.auditLog.create({
      data: {
        actor,
        action: 'rule.update',
        target: id,
        detail: { version, note: note ?? null, from: prev.spec as object, to: input.spec as object },
      },
    });
    // A changed condition starts its hysteresis afresh; alerts already open stay open until judged again.
    await tx.alertRuleState.updateMany({ where: { ruleId: id }, data: { breachStreak: 0, clearStreak: 0 } });
    return rule;
  });
  rt.alerts.invalidate();
  return { id: r.id, version: r.version };
}

export async function setRuleEnabled(rt: RuleRuntime, id: string, enabled: boolean, actor: string) {
  const current = await getRule(rt, id);
  const input = ruleInput.parse({ name: current.name, nameEn: current.nameEn ?? undefined, enabled, spec: current.spec });
  const out = await updateRule(rt, id, input, actor, enabled ? '启用 (enabled)' : '停用 (disabled)');
  if (!enabled) {
    // A switched-off rule judges nothing: its open alerts end now, marked why, rather than hang on the wall.
    // Between rounds, so a round that loaded the rule before the switch cannot open one after the close.
    await rt.alerts.exclusive(async () => {
      const at = new Date();
      await rt.db.prisma.$transaction(async (tx) => {
        const open = await tx.alertEvent.findMany({ where: { ruleId: id, state: 'firing' }, select: { id: true } });
        await tx.alertEvent.updateMany({
          where: { id: { in: open.map((e) => e.id) } },
          data: { state: 'recovered', openKey: null, recoveredAt: at, updatedAt: at, closeReason: 'rule_disabled' },
        });
        await tx.alertOutbox.createMany({ data: open.map((e) => ({ eventId: e.id, change: 'recovered', at })) });
        await tx.alertRuleState.deleteMany({ where: { ruleId: id } });
      });
    });
  }
  return out;
}

/** Every rule as the JSON an import takes back. */
export async function exportRules(rt: RuleRuntime, where: Prisma.AlertRuleWhereInput = {}): Promise<RuleInput[]> {
  const rules = await rt.db.prisma.alertRule.findMany({ where, orderBy: { createdAt: 'asc' } });
  return rules.map((r) => ruleInput.parse({ name: r.name, nameEn: r.nameEn ?? undefined, enabled: r.enabled, spec: r.spec }));
}

/** Imports rules: a rule with the same name is updated (a new version), others are created. */
export async function importRules(rt: RuleRuntime, rules: RuleInput[], actor: string) {
  const existing = new Map((await rt.db.prisma.alertRule.findMany({ select: { id: true, name: true } })).map((r) => [r.name, r.id]));
  let created = 0;
  let updated = 0;
  for (const r of rules) {
    const id = existing.get(r.name);
    if (id) {
      await updateRule(rt, id, r, actor, '导入 (import)');
      updated++;
    } else {
      await createRule(rt, r, actor, '导入 (import)');
      created++;
    }
  }
  return { created, updated };
}

export async function listAlerts(
  rt: Pick<RuleRuntime, 'db'>,
  q: {
    state?: 'firing' | 'recovered';
    severities?: Severity[];
    orgCode?: string;
    ruleId?: string;
    situationId?: string;
    limit: number;
    cursor?: string;
  },
) {
  const where = {
    ...(q.state ? { state: q.state } : {}),
    ...(q.severities?.length ? { severity: { in: q.severities } } : {}),
    ...(q.orgCode ? { orgCode: { startsWith: q.orgCode } } : {}),
    ...(q.ruleId ? { ruleId: q.ruleId } : {}),
    ...(q.situationId ? { situationId: q.situationId } : {}),
  };
  const [items, total, counts] = await Promise.all([
    rt.db.prisma.alertEvent.findMany({
      where,
      // Firing first ('firing' < 'recovered'), newest first within each.
      orderBy: [{ state: 'asc' }, { firedAt: 'desc' }, { id: 'desc' }],
      take: q.limit + 1,
      ...(q.cursor ? { cursor: { id: q.cursor }, skip: 1 } : {}),
      include: { rule: { select: { name: true, nameEn: true, kind: true } } },
    }),
    rt.db.prisma.alertEvent.count({ where }),
    // Counts per severity ignore the severity filter, so the four tiles stay meaningful while one is chosen.
    rt.db.prisma.alertEvent.groupBy({
      by: ['severity'],
      where: { ...where, severity: undefined, state: 'firing' },
      _count: { _all: true },
    }),
  ]);
  const page = items.slice(0, q.limit);
  return {
    total,
    firingBySeverity: Object.fromEntries(SEVERITIES.map((s) => [s, counts.find((c) => c.severity === s)?._count._all ?? 0])) as Record<
      Severity,
      number
    >,
    nextCursor: items.length > q.limit ? page[page.length - 1]!.id : null,
    items: page.map((e) => ({
      id: e.id,
      ruleId: e.ruleId,
      ruleName: e.rule.name,
      ruleNameEn: e.rule.nameEn,
      kind: e.rule.kind,
      ruleVersion: e.ruleVersion,
      dedupKey: e.dedupKey,
      condition: e.condition,
      subject: e.subject,
      orgCode: e.orgCode,
      orgName: e.orgName,
      severity: e.severity,
      state: e.state,
      title: e.title,
      titleEn: e.titleEn,
      value: e.value,
      figures: e.figures as Record<string, unknown>,
      drill: e.drill as Record<string, unknown> | null,
      situationId: e.situationId,
      firedAt: e.firedAt.toISOString(),
      updatedAt: e.updatedAt.toISOString(),
      recoveredAt: e.recoveredAt?.toISOString() ?? null,
      closeReason: e.closeReason,
    })),
  };
}
