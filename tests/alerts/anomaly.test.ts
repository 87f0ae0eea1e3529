import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chTime, parseLocal } from '@/core/time';
import { AlertEngine } from '@/server/alerts/engine';
import { previewRule } from '@/server/alerts/preview';
import { createRule } from '@/server/alerts/rule-service';
import { ruleInput } from '@/server/alerts/spec';
import type { ClickHouse } from '@/core/clickhouse/client';
import { createDb, type Db } from '@/server/db/client';
import { applyMigrations } from '@/server/db/migrate';
import { loadEnv } from '@/core/env';
import { KpiService } from '@/server/kpi/service';
import { MIGRATIONS_DIR } from '../db/helpers';
import { dropTestClickHouse, testClickHouse } from '../helpers/clickhouse';
import { answeredCall } from '../helpers/fact-rows';

// Statistical anomaly against a seasonal baseline (DOMAIN.md §3): the same weekday and hour over recent
// weeks. 昆明 (5301) has a Monday-morning peak of about 200 calls every week and a quiet Tuesday afternoon of
// about 50. A Monday peak like the others must not fire; a Tuesday afternoon at three times normal must.

const TZ = 'Asia/Shanghai';
const at = (s: string) => parseLocal(s, TZ)!;
const WEEK = 7 * 86_400_000;
let ch: ClickHouse;
let db: Db;
let engine: AlertEngine;
let kpi: KpiService;
let ruleId: string;

/** `n` calls spread over the hour before `end`, in 五华区 of 昆明. */
async function calls(end: number, n: number, tag: string) {
  const rows = Array.from({ length: n }, (_, i) => answeredCall(`${tag}-${i}`, end - 3_600_000 + Math.floor(((i + 0.5) * 3_600_000) / n)));
  await ch.insert('test.calls', 'fact_call', rows);
}

/** The CTI feed delivered at `t` (so the rule has data to judge, not a no-data condition). */
async function delivered(t: number) {
  await ch.insert('test.etl-run', 'etl_run', [
    {
      run_id: crypto.randomUUID(),
      source: 'cti.calls',
      job: 'cti.calls',
      started_at: chTime(t),
      finished_at: chTime(t),
      status: 'ok',
      rows_read: 0,
      rows_loaded: 0,
      rows_quarantined: 0,
      watermark_from: '',
      watermark_to: '',
      error: '',
    },
  ]);
}

beforeAll(async () => {
  ch = await testClickHouse();
  db = await createDb({ dataDir: '/nonexistent', memory: true });
  await applyMigrations(db, MIGRATIONS_DIR);
  kpi = new KpiService(ch, db, loadEnv({ BUSINESS_TZ: TZ }));
  engine = new AlertEngine(ch, db, kpi, TZ);
  const monday = at('2026-11-23 11:00');
  const tuesday = at('2026-11-24 16:00');
  // Four past weeks: Monday 10–11 h ≈ 200 calls, Tuesday 15–16 h ≈ 50 calls.
  for (const [w, n] of [
    [1, 196],
    [2, 207],
    [3, 189],
    [4, 212],
  ] as const) {
    await calls(monday - w * WEEK, n, `mon-${w}`);
    await calls(tuesday - w * WEEK, Math.round(n / 4), `tue-${w}`);
  }
  await calls(monday, 215, 'mon-now'); // the usual Monday peak
  await calls(tuesday, 150, 'tue-now'); // an unusual Tuesday afternoon
  ({ id: ruleId } = await createRule(
    { ch, db, env: { BUSINESS_TZ: TZ }, kpi, alerts: engine },
    ruleInput.parse({
      name: '话务异常（测试）',
      spec: {
        kind: 'anomaly',
        kpi: 'call.inbound',
        windowMinutes: 60,
        weeks: 4,
        direction: 'up',
        minSpread: 5,
        scope: { orgCode: '53', by: 'city' },
        levels: { yellow: 3, orange: 5, red: 8 },
      },
    }),
    'test',
  ));
}, 120_000);

afterAll(async () => {
  await db?.close();
  if (ch) await dropTestClickHouse(ch);
});

const events = () => db.prisma.alertEvent.findMany({ where: { ruleId } });

describe('seasonal anomaly', () => {
  it('lets the normal Monday peak pass', async () => {
    const t = at('2026-11-23 11:00');
    await delivered(t);
    const r = await engine.evaluate(await engine.loadRules(), t);
    expect(r.errors).toEqual([]);
    expect(await events()).toEqual([]);
  });

  it('fires on an unusual Tuesday afternoon, with the baseline it compared against', async () => {
    const t = at('2026-11-24 16:00');
    await delivered(t);
    await engine.evaluate(await engine.loadRules(), t);
    const [e, ...rest] = await events();
    expect(rest).toEqual([]);
    expect(e).toMatchObject({ orgCode: '5301', state: 'firing', severity: 'red' });
    const f = e!.figures as { value: number; baseline: number; z: number };
    expect(f.value).toBe(150);
    expect(f.baseline).toBeCloseTo((49 + 52 + 47 + 53) / 4, 5);
    expect(f.z).toBeGreaterThan(8);
  });
});

describe('right after a batch', () => {
  it('judges the data just committed, never an answer cached from before it', async () => {
    const rt = { ch, db, env: { BUSINESS_TZ: TZ }, kpi, alerts: engine };
    const { id } = await createRule(
      rt,
      ruleInput.parse({
        name: '话务量（测试）',
        spec: { kind: 'threshold', kpi: 'call.inbound', window: { minutes: 60 }, scope: { orgCode: '5301' }, levels: { yellow: 160 } },
      }),
      'test',
    );
    engine.invalidate();
    const rule = (await engine.loadRules()).filter((r) => r.id === id);
    const t = at('2026-11-24 16:00');
    await engine.evaluate(rule, t);
    expect(await db.prisma.alertEvent.count({ where: { ruleId: id } })).toBe(0);
    await calls(t, 20, 'tue-late'); // the next batch: 170 calls in the hour now
    await engine.evaluate(rule, t);
    expect(await db.prisma.alertEvent.findMany({ where: { ruleId: id } })).toMatchObject([{ value: 170, severity: 'yellow' }]);
  });
});

describe('a source that never delivered', () => {
  it('gets its allowed lag after start-up before the rule says "no data"', async () => {
    const rt = { ch, db, env: { BUSINESS_TZ: TZ }, kpi, alerts: engine };
    const fresh = new AlertEngine(ch, db, new KpiService(ch, db, loadEnv({ BUSINESS_TZ: TZ })), TZ);
    const { id } = await createRule(
      rt,
      ruleInput.parse({
        name: '工单时限（测试）',
        spec: { kind: 'time_limit', check: 'work_order_due', scope: { orgCode: '53' }, levels: { red: 1 } },
      }),
      'test',
    );
    const rule = (await fresh.loadRules()).filter((r) => r.id === id);
    await fresh.evaluate(rule, Date.now() + 60_000); // workorder.orders has never run: still within 900 s
    expect(await db.prisma.alertEvent.count({ where: { ruleId: id } })).toBe(0);
    await fresh.evaluate(rule, Date.now() + 16 * 60_000);
    expect(await db.prisma.alertEvent.findMany({ where: { ruleId: id } })).toMatchObject([{ condition: 'no_data', state: 'firing' }]);
  });
});

describe('preview', () => {
  it('replays a rule hour by hour over the last 30 days: every hour at 100 calls or more, once each', async () => {
    const rt = { ch, db, env: { BUSINESS_TZ: TZ }, kpi, alerts: engine };
    const spec = ruleInput.shape.spec.parse({
      kind: 'threshold',
      kpi: 'call.inbound',
      window: { minutes: 60 },
      scope: { orgCode: '53', by: 'city' },
      levels: { yellow: 100, red: 210 },
    });
    const p = await previewRule(rt, spec, 30, at('2026-11-25 00:00'));
    expect(p.supported).toBe(true);
    // Mondays 26 Oct … 23 Nov (196, 207, 189, 212, 215 calls) and this Tuesday (150): six separate hours.
    expect(p.fired).toBe(6);
    expect(p.bySeverity).toEqual({ red: 2, orange: 0, yellow: 4, blue: 0 });
    expect(p.samples.map((x) => x.orgCode)).toEqual(Array(6).fill('5301'));
    // Two breaches in a row are needed: isolated peak hours never fire.
    const strict = await previewRule(rt, { ...spec, hysteresis: { fireAfter: 2, recoverAfter: 1 } }, 30, at('2026-11-25 00:00'));
    expect(strict.fired).toBe(0);
  });
});
