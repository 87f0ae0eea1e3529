import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseLocal } from '@/core/time';
import { seedStarterRules, STARTER_RULES } from '@/server/alerts/starter-rules';
import type { ClickHouse } from '@/core/clickhouse/client';
import { createDb, type Db } from '@/server/db/client';
import { applyMigrations } from '@/server/db/migrate';
import type { Runtime } from '@/server/runtime';
import type { Context, SessionUser } from '@/server/trpc/context';
import { createCaller } from '@/server/trpc/root';
import { MIGRATIONS_DIR } from '../db/helpers';
import { dropTestClickHouse, testClickHouse } from '../helpers/clickhouse';
import { testRuntime } from '../helpers/runtime';
import { trpcError } from '../helpers/trpc';

// rules.* and alerts.list, the public face of the early-warning engine: who may edit, how edits are
// versioned and audited, what invalid input gets back, and how alerts are filtered.

const TZ = 'Asia/Shanghai';
const NOW = parseLocal('2026-11-23 10:00:00', TZ)!;
let ch: ClickHouse;
let db: Db;
let rt: Runtime;
const ADMIN: SessionUser = { id: 'admin-li', name: '李管理', role: 'admin', orgCode: '53' };
const OPERATOR: SessionUser = { id: 'duty-wang', name: '王值班', role: 'duty_officer', orgCode: '53' };
const CITY_VIEWER: SessionUser = { id: 'km-zhao', name: '赵', role: 'viewer', orgCode: '5301' };
const caller = (user: SessionUser) => createCaller({ rt, user, headers: new Headers(), now: () => NOW } satisfies Context);

const lossRule = {
  name: '呼损率预警',
  spec: {
    kind: 'threshold' as const,
    kpi: 'call.loss_rate' as const,
    window: { minutes: 15 },
    scope: { orgCode: '53', by: 'city' as const },
    levels: { yellow: 0.05, red: 0.2 },
  },
};

beforeAll(async () => {
  ch = await testClickHouse();
  db = await createDb({ dataDir: '/nonexistent', memory: true });
  await applyMigrations(db, MIGRATIONS_DIR);
  rt = testRuntime({ ch, db, env: { BUSINESS_TZ: TZ }, bootedAt: NOW });
}, 60_000);
afterAll(async () => {
  await db?.close();
  if (ch) await dropTestClickHouse(ch);
});

describe('rules', () => {
  it('seeds the starter rules once, and lists them with kind and state', async () => {
    expect(await seedStarterRules(db)).toBe(STARTER_RULES.length);
    expect(await seedStarterRules(db)).toBe(0);
    const list = await caller(OPERATOR).rules.list();
    expect(list).toHaveLength(STARTER_RULES.length);
    expect(list.every((r) => r.valid && r.state === 'clear' && r.version === 1)).toBe(true);
    expect(list.find((r) => r.kind === 'time_limit')!.onClock).toBe(true);
    expect(list.find((r) => r.name === '95598呼损率')!.sources).toEqual(['cti.calls']);
  });

  it('only administrators edit rules', async () => {
    expect((await trpcError(caller(OPERATOR).rules.create(lossRule))).code).toBe('FORBIDDEN');
  });

  it('rejects an invalid rule with the reason, and saves nothing', async () => {
    const before = (await caller(ADMIN).rules.list()).length;
    const err = await trpcError(
      caller(ADMIN).rules.create({
        ...lossRule,
        spec: { ...lossRule.spec, kind: 'change', mode: 'versus_kpi', windowMinutes: 30 } as never,
      }),
    );
    expect(err.code).toBe('BAD_REQUEST');
    expect(JSON.stringify(err.cause)).toContain('baseKpi');
    expect((await caller(ADMIN).rules.list()).length).toBe(before);
  });

  it('versions every edit with who, when and why, audits it, and can switch a rule off', async () => {
    const { id } = await caller(ADMIN).rules.create({ ...lossRule, note: '新建' });
    await caller(ADMIN).rules.update({
      id,
      ...lossRule,
      spec: { ...lossRule.spec, levels: { yellow: 0.08, red: 0.2 } },
      note: '放宽黄色阈值',
    });
    const r = await caller(OPERATOR).rules.get({ id });
    expect(r.version).toBe(2);
    expect(r.versions.map((v) => [v.version, v.changedBy, v.note])).toEqual([
      [2, 'admin-li', '放宽黄色阈值'],
      [1, 'admin-li', '新建'],
    ]);
    expect((r.versions[1]!.spec as { levels: { yellow: number } }).levels.yellow).toBe(0.05);
    const audit = await db.prisma.auditLog.findMany({ where: { target: id }, orderBy: { id: 'asc' } });
    expect(audit.map((a) => a.action)).toEqual(['rule.create', 'rule.update']);
    await caller(ADMIN).rules.setEnabled({ id, enabled: false });
    expect((await caller(OPERATOR).rules.list()).find((x) => x.id === id)).toMatchObject({ state: 'off', version: 3 });
    const missing = await trpcError(caller(OPERATOR).rules.get({ id: 'nope' }));
    expect([missing.code, missing.message]).toEqual(['NOT_FOUND', '规则不存在 (no rule nope)']);
  });

  it('exports JSON that imports back: same names update, new names are created', async () => {
    const exported = await caller(OPERATOR).rules.export();
    const renamed = { ...exported[0]!, name: `${exported[0]!.name}（副本）` };
    const res = await caller(ADMIN).rules.import({ rules: [exported[1]!, renamed] });
    expect(res).toEqual({ created: 1, updated: 1 });
    const list = await caller(OPERATOR).rules.list();
    expect(list.find((r) => r.name === exported[1]!.name)!.version).toBe(2);
    expect(list.find((r) => r.name === renamed.name)!.version).toBe(1);
  });
});

describe('alerts.list', () => {
  beforeAll(async () => {
    const ruleId = (await db.prisma.alertRule.findFirst())!.id;
    const mk = (subject: string, orgCode: string, severity: 'red' | 'yellow', state: 'firing' | 'recovered', minutes: number) => ({
      ruleId,
      ruleVersion: 1,
      dedupKey: `${ruleId}|${subject}|breach`,
      openKey: state === 'firing' ? `${ruleId}|${subject}|breach` : null,
      condition: 'breach',
      subject,
      orgCode,
      orgName: orgCode,
      severity,
      state,
      title: subject,
      titleEn: subject,
      figures: {},
      firedAt: new Date(NOW - minutes * 60_000),
      updatedAt: new Date(NOW),
    });
    await db.prisma.alertEvent.createMany({
      data: [
        mk('a', '5301', 'red', 'firing', 5),
        mk('b', '530102', 'yellow', 'firing', 10),
        mk('c', '5303', 'yellow', 'recovered', 20),
        mk('d', '5303', 'red', 'firing', 30),
      ],
    });
  });

  it('filters by state, severity and org node (and below), firing first and newest first, with counts by severity', async () => {
    const all = await caller(OPERATOR).alerts.list();
    expect(all.items.map((i) => i.subject)).toEqual(['a', 'b', 'd', 'c']);
    expect(all.firingBySeverity).toEqual({ red: 2, orange: 0, yellow: 1, blue: 0 });
    const firingRed = await caller(OPERATOR).alerts.list({ state: 'firing', severities: ['red'] });
    expect(firingRed.items.map((i) => i.subject)).toEqual(['a', 'd']);
    // The tiles keep counting every severity while one is chosen.
    expect(firingRed.firingBySeverity).toEqual({ red: 2, orange: 0, yellow: 1, blue: 0 });
    const kunming = await caller(OPERATOR).alerts.list({ orgCode: '5301' });
    expect(kunming.items.map((i) => i.subject)).toEqual(['a', 'b']);
    const page = await caller(OPERATOR).alerts.list({ limit: 3 });
    expect(page.items).toHaveLength(3);
    const rest = await caller(OPERATOR).alerts.list({ limit: 3, cursor: page.nextCursor! });
    expect(rest.items.map((i) => i.subject)).toEqual(['c']);
  });

  it('a city user sees only its own city, and is refused another', async () => {
    const own = await caller(CITY_VIEWER).alerts.list();
    expect(own.items.map((i) => i.subject)).toEqual(['a', 'b']);
    const denied = await trpcError(caller(CITY_VIEWER).alerts.list({ orgCode: '5303' }));
    expect([denied.code, denied.message]).toEqual(['FORBIDDEN', '无权查看该单位 (no access to org 5303)']);
    expect((await trpcError(caller(OPERATOR).alerts.list({ severities: ['purple' as never] }))).code).toBe('BAD_REQUEST');
  });
});
