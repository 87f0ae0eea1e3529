import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseLocal } from '@/core/time';
import type { ClickHouse } from '@/core/clickhouse/client';
import { createDb, type Db } from '@/server/db/client';
import { applyMigrations } from '@/server/db/migrate';
import type { Runtime } from '@/server/runtime';
import { type Context, type SessionUser } from '@/server/trpc/context';
import { createCaller } from '@/server/trpc/root';
import { dropTestClickHouse, testClickHouse } from '../helpers/clickhouse';
import { MIGRATIONS_DIR } from '../db/helpers';
import { testRuntime } from '../helpers/runtime';
import { PROVINCE_DUTY, trpcError } from '../helpers/trpc';

// The public face of the KPI layer: definitions, the batched declarative query, the drill-down, and
// parameters only administrators change; every wrong question gets a 400 that says what is wrong.

const TZ = 'Asia/Shanghai';
const NOW = parseLocal('2026-11-23 10:00:00', TZ)!;
let ch: ClickHouse;
let db: Db;
let rt: Runtime;
const ADMIN: SessionUser = { id: 'admin-zhang', name: '张管理', role: 'admin', orgCode: '53' };
const caller = (user: SessionUser = PROVINCE_DUTY) => createCaller({ rt, user, headers: new Headers(), now: () => NOW } satisfies Context);

beforeAll(async () => {
  ch = await testClickHouse();
  db = await createDb({ dataDir: '/nonexistent', memory: true });
  await applyMigrations(db, MIGRATIONS_DIR);
  // Up for an hour: sources that never delivered are past the lateness rule's start-up grace.
  rt = testRuntime({ ch, db, env: { BUSINESS_TZ: TZ }, bootedAt: NOW - 3_600_000 });
});
afterAll(async () => {
  await db?.close();
  if (ch) await dropTestClickHouse(ch);
});

describe('kpi.definitions', () => {
  it('declares every KPI of DOMAIN.md §2 once, with how it is computed', async () => {
    const defs = await caller().kpi.definitions();
    const ids = defs.map((d) => d.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const id of [
      'queue.length',
      'queue.avg_wait',
      'queue.longest_wait_now',
      'queue.avg_handle',
      'queue.over_threshold',
      'queue.satisfaction',
      'call.inbound',
      'call.ivr_only',
      'call.manual',
      'call.loss_rate',
      'call.connection_rate',
      'call.service_level',
      'call.asa',
      'call.agents_ready',
      'outage.notified_rate',
      'outage.timely_rate',
      'arrears.amount',
      'arrears.recovery_rate',
      'arrears.debit_success_rate',
      'arrears.dunning_effect',
      'arrears.reconnect_in_limit',
      'wo.near_due',
      'wo.overdue',
      'wo.breach',
    ])
      expect(ids).toContain(id);
    const loss = defs.find((d) => d.id === 'call.loss_rate')!;
    expect(loss).toMatchObject({ unit: 'percent', direction: 'lower_better', name: { zh: '呼损率' } });
    expect(loss.formula.zh).toContain('短时放弃');
    expect(loss.sql).toContain('countIf');
    expect(loss.dimensions.map((d) => d.name)).toEqual(['category', 'skill_group']);
    expect(defs.find((d) => d.id === 'queue.avg_wait')!.thresholds).toEqual({ warn: 20, alarm: 30 });
  });
});

describe('kpi.query', () => {
  it('answers a zone’s batch in one call, with zeros and nulls rather than errors on an empty store', async () => {
    const r = await caller().kpi.query({
      queries: [
        { key: 'tiles', kpis: ['queue.length', 'call.loss_rate'], orgCode: '53', compare: ['previous', 'yoy'] },
        { key: 'ranking', kpis: ['call.connection_rate'], orgCode: '53', by: 'city' },
      ],
    });
    expect(r.results.map((x) => x.key)).toEqual(['tiles', 'ranking']);
    expect(r.results[0]!.kpis[0]!.points[0]).toMatchObject({ value: 0, count: 0, compare: { previous: 0, yoy: 0 } });
    expect(r.results[0]!.kpis[1]!.points[0]!.value).toBeNull();
    expect(r.results[1]!.kpis[0]!.points).toHaveLength(16);
    expect(r.freshness.map((f) => f.family).sort()).toEqual(['call', 'queue']);
    expect(r.freshness.every((f) => f.stale && f.dataAsOf === null)).toBe(true);
  });

  it('rejects a wrong question with a message saying what is wrong', async () => {
    const unknown = await trpcError(caller().kpi.query({ queries: [{ kpis: ['call.nope' as never], orgCode: '53' }] }));
    expect(unknown.code).toBe('BAD_REQUEST');
    const hall = await trpcError(caller().kpi.query({ queries: [{ kpis: ['call.loss_rate'], orgCode: '53', by: 'hall' }] }));
    expect(hall.code).toBe('BAD_REQUEST');
    expect(hall.message).toContain('cannot be broken down by hall');
    const dim = await trpcError(
      caller().kpi.query({ queries: [{ kpis: ['call.loss_rate'], orgCode: '53', filters: { colour: ['red'] } }] }),
    );
    expect(dim.message).toMatch(/未知维度 colour \(unknown dimension; one of: [a-z_, ]+\)/);
    const value = await trpcError(
      caller().kpi.query({ queries: [{ kpis: ['call.loss_rate'], orgCode: '53', filters: { category: ['gossip'] } }] }),
    );
    expect(value.message).toContain('allowed: inquiry');
    const fine = await trpcError(
      caller().kpi.query({
        queries: [{ kpis: ['call.inbound'], orgCode: '53', time: { from: '2025-01-01', to: '2026-06-30' }, granularity: 'hour' }],
      }),
    );
    expect(fine.message).toContain('too many hour buckets');
    const sqlish = await trpcError(caller().kpi.query({ queries: [{ kpis: ['call.inbound'], orgCode: "53' OR 1=1" }] }));
    expect(sqlish.code).toBe('BAD_REQUEST');
  });

  it('keeps a city user inside the city', async () => {
    const cityUser: SessionUser = { id: 'km', name: '昆明值班', role: 'duty_officer', orgCode: '5301' };
    const denied = await trpcError(caller(cityUser).kpi.query({ queries: [{ kpis: ['call.inbound'], orgCode: '5303' }] }));
    expect(denied.code).toBe('FORBIDDEN');
    const rows = await trpcError(caller(cityUser).kpi.rows({ kpi: 'call.inbound', orgCode: '53' }));
    expect(rows.code).toBe('FORBIDDEN');
    await expect(caller(cityUser).kpi.query({ queries: [{ kpis: ['call.inbound'], orgCode: '530102' }] })).resolves.toBeDefined();
  });
});

describe('kpi.setParameters', () => {
  it('is for administrators, validates, audits, and takes effect in definitions', async () => {
    const refused = await trpcError(caller().kpi.setParameters({ changes: { 'queue.waitWarnMin': 25 } }));
    expect(refused.code).toBe('FORBIDDEN');
    const bad = await trpcError(caller(ADMIN).kpi.setParameters({ changes: { 'queue.waitWarnMin': 45 } }));
    expect(bad.code).toBe('BAD_REQUEST');
    expect(bad.message).toContain('queue.waitAlarmMin must be greater than queue.waitWarnMin');
    const wrongType = await trpcError(caller(ADMIN).kpi.setParameters({ changes: { 'call.serviceLevelSec': 'twenty' } }));
    expect(wrongType.message).toContain('call.serviceLevelSec');

    expect(await caller(ADMIN).kpi.setParameters({ changes: { 'queue.waitWarnMin': 25, 'call.serviceLevelSec': 20 } })).toEqual({
      changed: ['queue.waitWarnMin'],
    });
    const params = await caller().kpi.parameters();
    expect(params.find((p) => p.key === 'queue.waitWarnMin')).toMatchObject({ value: 25, isDefault: false, updatedBy: 'admin-zhang' });
    expect(params.find((p) => p.key === 'call.serviceLevelSec')).toMatchObject({ value: 20, isDefault: true });
    const audit = await db.prisma.auditLog.findMany({ where: { action: 'kpi.parameter.set' } });
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({ actor: 'admin-zhang', target: 'queue.waitWarnMin', detail: { before: 20, after: 25 } });
    const defs = await caller().kpi.definitions();
    expect(defs.find((d) => d.id === 'queue.avg_wait')!.thresholds).toEqual({ warn: 25, alarm: 30 });
  });
});
