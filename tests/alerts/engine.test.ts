import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { chTime, parseLocal } from '@/core/time';
import { chTimestamp } from '@/core/clickhouse/row-types';
import { AlertEngine } from '@/server/alerts/engine';
import { createRule } from '@/server/alerts/rule-service';
import { ruleInput, type RuleSpecInput } from '@/server/alerts/spec';
import type { ClickHouse } from '@/core/clickhouse/client';
import { createDb, type Db } from '@/server/db/client';
import { applyMigrations } from '@/server/db/migrate';
import { loadEnv } from '@/core/env';
import { RollupRefresher } from '@/server/kpi/rollup/refresher';
import { KpiService } from '@/server/kpi/service';
import { MIGRATIONS_DIR } from '../db/helpers';
import { dropTestClickHouse, testClickHouse } from '../helpers/clickhouse';
import { loadSimulatorData } from '../helpers/kpi-fixture';

// The early-warning engine on simulator data (DOMAIN.md §3). Monday 23 November 2026 in the simulator (seed
// 20261123, etl/simulator/cti-day.ts defaultAnomalies): the CTI degrades 09:00–10:00 (a fifth of calls
// blocked) and a storm hits 昭通 (5306) 16:00–18:00; data is loaded up to 16:50, in the middle of the storm.

const TZ = 'Asia/Shanghai';
const at = (s: string) => parseLocal(s, TZ)!;
const NOW = at('2026-11-23 16:50');
let ch: ClickHouse;
let db: Db;
let kpi: KpiService;
let engine: AlertEngine;
const rt = () => ({ ch, db, env: { BUSINESS_TZ: TZ }, kpi, alerts: engine });

async function rule(name: string, spec: RuleSpecInput) {
  const { id } = await createRule(rt(), ruleInput.parse({ name, spec }), 'test');
  engine.invalidate();
  return id;
}
const events = (ruleId: string) => db.prisma.alertEvent.findMany({ where: { ruleId }, orderBy: { orgCode: 'asc' } });

beforeAll(async () => {
  ch = await testClickHouse();
  await loadSimulatorData(ch, NOW, { customers: 2000 });
  db = await createDb({ dataDir: '/nonexistent', memory: true });
  await applyMigrations(db, MIGRATIONS_DIR);
  kpi = new KpiService(ch, db, loadEnv({ BUSINESS_TZ: TZ }));
  await new RollupRefresher(ch, () => kpi.context(NOW)).refresh();
  engine = new AlertEngine(ch, db, kpi, TZ);
}, 600_000);

afterAll(async () => {
  await db?.close();
  if (ch) await dropTestClickHouse(ch);
});

/** Evaluates just these rules at `t` (other tests' rules stay out of it). */
async function evaluate(ids: string[], t: number) {
  const rules = (await engine.loadRules()).filter((r) => ids.includes(r.id));
  expect(rules).toHaveLength(ids.length);
  return engine.evaluate(rules, t);
}

describe('threshold and rate of change, with hysteresis, on the storm', () => {
  it('fires for the storm city only, after two breaches, with the severity its value reaches', async () => {
    const loss = await rule('呼损率（测试）', {
      kind: 'threshold',
      kpi: 'call.loss_rate',
      window: { minutes: 15 },
      minCount: 20,
      scope: { orgCode: '53', by: 'city' },
      levels: { yellow: 0.1, orange: 0.15, red: 0.25 },
      hysteresis: { fireAfter: 2, recoverAfter: 2 },
    });
    const surge = await rule('话务激增（测试）', {
      kind: 'change',
      kpi: 'call.inbound',
      mode: 'previous_window',
      windowMinutes: 60,
      minCount: 60,
      scope: { orgCode: '53', by: 'city' },
      levels: { yellow: 2, orange: 3 },
    });
    await evaluate([loss, surge], at('2026-11-23 16:35'));
    // One breach is not enough for the loss rule (fireAfter 2); the surge rule fires at once.
    expect(await events(loss)).toEqual([]);
    const first = await evaluate([loss, surge], NOW);
    expect(first.errors).toEqual([]);
    const lossEvents = await events(loss);
    expect(lossEvents.map((e) => [e.orgCode, e.state])).toEqual([['5306', 'firing']]);
    expect(lossEvents[0]!.severity).toBe('red');
    expect(lossEvents[0]!.value).toBeGreaterThanOrEqual(0.25);
    expect(lossEvents[0]!.title).toContain('昭通市');
    expect(lossEvents[0]!.drill).toMatchObject({ kind: 'kpi', kpi: 'call.loss_rate', orgCode: '5306' });
    const surgeEvents = await events(surge);
    expect(surgeEvents.map((e) => e.orgCode)).toEqual(['5306']);
    expect(surgeEvents[0]!.severity).toBe('yellow');
    expect((surgeEvents[0]!.figures as { value: number; base: number }).value).toBeGreaterThan(
      2 * (surgeEvents[0]!.figures as { base: number }).base,
    );

    // The same condition evaluated again is the same alert, not a second one.
    await evaluate([loss, surge], NOW);
    expect(await events(loss)).toHaveLength(1);
    expect(await events(surge)).toHaveLength(1);
  });

  it('the CTI outage of the morning: blocked calls fire, then recover after the required clears', async () => {
    const blocked = await rule('系统阻塞（测试）', {
      kind: 'threshold',
      kpi: 'call.blocked',
      window: { minutes: 15 },
      scope: { orgCode: '53', by: 'total' },
      levels: { yellow: 5, red: 30 },
      hysteresis: { fireAfter: 1, recoverAfter: 2 },
    });
    await evaluate([blocked], at('2026-11-23 08:50'));
    expect(await events(blocked)).toEqual([]);
    await evaluate([blocked], at('2026-11-23 09:30'));
    const [e] = await events(blocked);
    expect(e).toMatchObject({ orgCode: '53', severity: 'red', state: 'firing' });
    await evaluate([blocked], at('2026-11-23 10:30'));
    expect((await events(blocked))[0]!.state).toBe('firing');
    await evaluate([blocked], at('2026-11-23 10:45'));
    const [done] = await events(blocked);
    expect(done!.state).toBe('recovered');
    expect(done!.recoveredAt!.getTime()).toBe(at('2026-11-23 10:45'));
  });
});

describe('time limits and records', () => {
  it('alerts every work order near due (yellow) and overdue (red), as many as the wall counts', async () => {
    const wo = await rule('工单时限（测试）', {
      kind: 'time_limit',
      check: 'work_order_due',
      scope: { orgCode: '53' },
      levels: { red: 1, yellow: 0.8 },
    });
    await evaluate([wo], NOW);
    const ev = await events(wo);
    const [r] = (
      await kpi.query(
        [
          {
            kpis: ['wo.near_due', 'wo.overdue'],
            orgCode: '53',
            by: 'total',
            time: { preset: 'today' },
            granularity: 'total',
            filters: {},
            compare: [],
          },
        ],
        NOW,
      )
    ).results;
    const figure = (id: string) => r!.kpis.find((k) => k.kpi === id)!.points[0]!.value;
    expect(figure('wo.overdue')).toBeGreaterThan(0);
    expect(figure('wo.near_due')).toBeGreaterThan(0);
    expect(ev.filter((e) => e.severity === 'red')).toHaveLength(figure('wo.overdue')!);
    expect(ev.filter((e) => e.severity === 'yellow')).toHaveLength(figure('wo.near_due')!);
    for (const e of ev) expect(e.drill).toMatchObject({ kind: 'record', table: 'work_order', id: e.subject.slice(3) });
    // Titles name the order type as staff say it, in each language, never the stored code (arrears_reconnection).
    const f = (e: (typeof ev)[number]) => (e.figures as { type: string }).type;
    expect(new Set(ev.map(f)).size).toBeGreaterThan(1);
    for (const e of ev) {
      expect(e.title).not.toContain(f(e));
      expect(e.titleEn).not.toMatch(/[a-z]_[a-z]/);
      expect(e.titleEn).toMatch(/^.+: (fault-repair|complaint|opinion|arrears-reconnection|inquiry) order /);
    }
  });

  it('outages about to start with customers not notified, graded by how close the start is', async () => {
    const notice = await rule('停电未通知（测试）', {
      kind: 'time_limit',
      check: 'outage_notice',
      scope: { orgCode: '53' },
      comparator: '<=',
      levels: { red: 2, orange: 12, yellow: 168 },
    });
    await evaluate([notice], NOW);
    const ev = await events(notice);
    expect(ev.length).toBeGreaterThan(0);
    for (const e of ev) {
      const f = e.figures as { hoursToStart: number; unnotified: number; affected: number };
      expect(f.unnotified).toBeGreaterThan(0);
      expect(f.unnotified).toBeLessThanOrEqual(f.affected);
      expect(f.hoursToStart).toBeLessThanOrEqual(168);
      expect(e.severity).toBe(f.hoursToStart <= 2 ? 'red' : f.hoursToStart <= 12 ? 'orange' : 'yellow');
      expect(e.titleEn).not.toMatch(/[a-z]_[a-z]/);
      expect(e.titleEn).toContain(`${f.unnotified} of ${f.affected} customer${f.affected === 1 ? '' : 's'} not notified`);
    }
  });

  it('customers who paid but are still disconnected past the limit', async () => {
    const recon = await rule('复电超时（测试）', {
      kind: 'time_limit',
      check: 'reconnection',
      scope: { orgCode: '53' },
      levels: { red: 24, yellow: 20 },
    });
    await evaluate([recon], NOW);
    const ev = await events(recon);
    expect(ev.length).toBeGreaterThan(0);
    for (const e of ev) {
      expect(e.value).toBeGreaterThanOrEqual(20);
      expect(e.value).toBeLessThan(24 * 200); // paid within the disconnection look-back, not at the epoch
      expect(e.severity).toBe(e.value! >= 24 ? 'red' : 'yellow');
    }
    // One alert per customer paid 20 h or more ago and still disconnected (disconnected in the last 120 days).
    const [row] = await ch.query(
      'test.awaiting-reconnection',
      `SELECT count() AS n FROM fact_reconnection FINAL
       WHERE paid_at IS NOT NULL AND reconnected_at IS NULL AND startsWith(county_code, '53')
         AND disconnected_at >= {since:DateTime64(3, 'UTC')} AND paid_at <= {cutoff:DateTime64(3, 'UTC')}`,
      { since: chTime(NOW - 120 * 86_400_000), cutoff: chTime(NOW - 20 * 3_600_000) },
      z.object({ n: z.coerce.number() }),
    );
    expect(new Set(ev.map((e) => e.subject)).size).toBe(row!.n);
    expect(ev).toHaveLength(row!.n);
  });

  it('a dissatisfied rating and a failed SMS batch are alerts of their own', async () => {
    const dis = await rule('不满意评价（测试）', {
      kind: 'record_event',
      event: 'dissatisfied_rating',
      windowMinutes: 60,
      scope: { orgCode: '53' },
      levels: { yellow: 1 },
    });
    const sms = await rule('短信失败（测试）', {
      kind: 'record_event',
      event: 'sms_batch_failed',
      windowMinutes: 1440,
      minCount: 5,
      scope: { orgCode: '53' },
      levels: { red: 0.3, orange: 0.05 },
    });
    await evaluate([dis, sms], NOW);
    const ratings = await events(dis);
    expect(ratings.length).toBeGreaterThan(0);
    for (const e of ratings) expect(e.orgCode).toMatch(/^\d{9}$/);
    const batches = await events(sms);
    expect(batches.length).toBeGreaterThan(0);
    for (const e of batches) {
      const f = e.figures as { sent: number; failed: number };
      expect(f.sent).toBeGreaterThanOrEqual(5);
      expect(f.failed / f.sent).toBeGreaterThanOrEqual(0.05);
    }
    // An hour later the ratings have aged out of the window: their alerts recover.
    await evaluate([dis], NOW + 61 * 60_000);
    const later = await events(dis);
    expect(later.filter((e) => ratings.some((r) => r.id === e.id && e.state === 'recovered')).length).toBeGreaterThan(0);
  });
});

describe('balance warning point', () => {
  it('alerts fee-controlled customers at or under 20% of their expected charge, red when owing', async () => {
    // (The simulated 2,000 customers hold only a handful of fee-controlled key accounts, so all are watched.)
    const bal = await rule('费控余额（测试）', {
      kind: 'record_event',
      event: 'balance_low',
      scope: { orgCode: '53' },
      comparator: '<=',
      levels: { red: 0, orange: 0.2 },
    });
    await evaluate([bal], NOW);
    const ev = await events(bal);
    expect(ev.length).toBeGreaterThan(0);
    for (const e of ev) {
      const f = e.figures as { balance: number; expectedCharge: number; ratio: number; keyAccount: number };
      expect(f.ratio).toBeCloseTo(f.balance / f.expectedCharge, 6);
      expect(f.ratio).toBeLessThanOrEqual(0.2);
      expect(e.severity).toBe(f.balance <= 0 ? 'red' : 'orange');
    }
    // Every fee-controlled customer under the point is there, none twice.
    const [row] = await ch.query(
      'test.low-key-balances',
      // (Float division: Decimal ÷ Decimal keeps two decimals, and 0.2048 would count as 0.20. A customer whose
      // last snapshot is two days older than the newest has left fee control.)
      `SELECT count() AS n FROM fact_balance_latest FINAL
       WHERE toFloat64(balance) / toFloat64(expected_charge) <= 0.2 AND snapshot_at >= (SELECT max(snapshot_at) FROM fact_balance_latest) - INTERVAL 48 HOUR`,
      {},
      z.object({ n: z.coerce.number() }),
    );
    expect(new Set(ev.map((e) => e.subject)).size).toBe(row!.n);
  });
});

describe('cross-domain correlation', () => {
  it('links the fault-call surge in an outage county to the outage situation there', async () => {
    // The day's biggest fault outage before the storm: its customers call in the hour after the power goes.
    const [outage] = await ch.query(
      'test.biggest-fault-outage',
      `SELECT county_code, actual_start AS started FROM fact_outage FINAL
       WHERE outage_type = 'fault' AND actual_start >= {from:DateTime64(3, 'UTC')} AND actual_start < {to:DateTime64(3, 'UTC')}
         AND (actual_end IS NULL OR actual_end > actual_start + INTERVAL 1 HOUR)
       ORDER BY affected_customers DESC LIMIT 1`,
      { from: chTime(at('2026-11-23 08:00')), to: chTime(at('2026-11-23 15:00')) },
      z.object({ county_code: z.string(), started: chTimestamp }),
    );
    expect(outage).toBeDefined();
    const t = outage!.started + 50 * 60_000;
    const corr = await rule('停电关联（测试）', {
      kind: 'correlation',
      windowMinutes: 180,
      scope: { orgCode: '53' },
      levels: { yellow: 50 },
    });
    const calls = await rule('县故障来电激增（测试）', {
      kind: 'change',
      kpi: 'call.inbound',
      mode: 'previous_window',
      windowMinutes: 60,
      minCount: 10,
      scope: { orgCode: '53', by: 'county', filters: { category: ['fault_repair'] } },
      levels: { yellow: 2 },
    });
    await evaluate([calls, corr], t);
    const situation = (await events(corr)).find((e) => e.orgCode === outage!.county_code);
    expect(situation).toMatchObject({ state: 'firing', situationId: expect.any(String) });
    expect((situation!.figures as { faultCalls: number }).faultCalls).toBeGreaterThan(0);
    const surge = (await events(calls)).find((e) => e.orgCode === outage!.county_code);
    expect(surge).toMatchObject({ state: 'firing', situationId: situation!.id });
    // A surge where no outage is going on stays on its own.
    const situations = await events(corr);
    for (const e of (await events(calls)).filter((x) => !x.situationId)) {
      expect(situations.some((s) => s.state === 'firing' && e.orgCode.startsWith(s.orgCode))).toBe(false);
    }
  });
});

describe('no data', () => {
  it('a source that stopped delivering is its own alert, and open alerts are not silently cleared', async () => {
    const loss = await rule('呼损率无数据（测试）', {
      kind: 'threshold',
      kpi: 'call.loss_rate',
      window: { minutes: 15 },
      minCount: 20,
      scope: { orgCode: '53', by: 'city' },
      levels: { yellow: 0.1 },
    });
    await evaluate([loss], NOW);
    const firing = (await events(loss)).filter((e) => e.state === 'firing');
    expect(firing.length).toBeGreaterThan(0);
    // Ten minutes after the last ETL run (runs are stamped with the real clock), nothing new has arrived
    // from the CTI: lag 600 s > 120 s allowed.
    await evaluate([loss], Date.now() + 10 * 60_000);
    const after = await events(loss);
    const noData = after.filter((e) => e.condition === 'no_data');
    expect(noData).toHaveLength(1);
    expect(noData[0]).toMatchObject({ state: 'firing', severity: 'yellow', orgCode: '53' });
    expect(noData[0]!.title).toContain('cti.calls');
    for (const e of firing) expect(after.find((x) => x.id === e.id)!.state).toBe('firing');
    // Data resumes (evaluated as of the data again): the no-data alert recovers.
    await evaluate([loss], NOW);
    expect((await events(loss)).find((e) => e.condition === 'no_data')!.state).toBe('recovered');
  });
});
