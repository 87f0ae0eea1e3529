import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { CITIES, COUNTIES } from '@/core/org/divisions';
import { chTime, parseLocal } from '@/core/time';
import { AlertEngine, type LoadedRule } from '@/server/alerts/engine';
import { createRule } from '@/server/alerts/rule-service';
import { ruleInput, type RuleSpecInput } from '@/server/alerts/spec';
import { seedStarterRules } from '@/server/alerts/starter-rules';
import { ClickHouse } from '@/core/clickhouse/client';
import { migrateClickHouse } from '@/core/clickhouse/migrate';
import { createDb } from '@/server/db/client';
import { applyMigrations } from '@/server/db/migrate';
import { loadEnv } from '@/core/env';
import { RollupRefresher } from '@/server/kpi/rollup/refresher';
import { KpiService } from '@/server/kpi/service';
import { loadSimulatorData } from '../tests/helpers/kpi-fixture';
import { figure, recordFigures } from './results';

// `npm run bench` (part 3): the early-warning engine on a simulated province day (DOMAIN.md §3).
//   1. Latency from an ETL batch commit to the alert event written: a batch of blocked calls lands in one
//      city; the scheduler's path (the rules on the facts at once, the rules on business-day figures after
//      the rollup refresh) runs until the alert row exists. Baseline: one KPI-layer question (a city's call loss over 15 minutes) in the same run.
//   2. Evaluation cost of 1,000 active rules of every kind over the province: one round, first (everything
//      fires) and steady (nothing changes), per rule, against the same baseline.
// Figures are printed and recorded in bench/results/alerts.json, never asserted.

const TZ = 'Asia/Shanghai';
const NOW = parseLocal('2026-11-23 16:50:00', TZ)!;

function pct(xs: number[], p: number) {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))]!;
}

/** A thousand rules the way a province would have them: every kind, every city and many counties. */
function thousandRules(): { name: string; spec: RuleSpecInput }[] {
  const out: { name: string; spec: RuleSpecInput }[] = [];
  const cities = CITIES.map((c) => c.code);
  const counties = COUNTIES.map((c) => c.code);
  const kpiThresholds: [string, number, '>=' | '<'][] = [
    ['call.loss_rate', 0.1, '>='],
    ['call.service_level', 0.8, '<'],
    ['call.inbound', 400, '>='],
    ['queue.avg_wait', 20, '>='],
    ['queue.satisfaction', 0.95, '<'],
    ['wo.on_time', 0.9, '<'],
    ['outage.notified_rate', 0.95, '<'],
    ['arrears.recovery_rate', 0.9, '<'],
  ];
  let i = 0;
  while (out.length < 1000) {
    const [kpi, t, cmp] = kpiThresholds[i % kpiThresholds.length]!;
    const city = cities[i % cities.length]!;
    const county = counties[i % counties.length]!;
    const scope = { orgCode: i % 2 ? city : '53', by: i % 2 ? ('county' as const) : ('city' as const) };
    const n = `r${i}`;
    switch (i % 10) {
      case 0:
      case 1:
      case 2:
      case 3:
        out.push({
          name: n,
          spec: {
            kind: 'threshold',
            kpi: kpi as never,
            window: { minutes: 15 + (i % 4) * 15 },
            scope,
            comparator: cmp,
            levels: { yellow: t },
          },
        });
        break;
      case 4:
        out.push({
          name: n,
          spec: { kind: 'change', kpi: 'call.inbound', mode: 'previous_window', windowMinutes: 60, scope, levels: { yellow: 2 + (i % 3) } },
        });
        break;
      case 5:
        out.push({
          name: n,
          spec: {
            kind: 'compare',
            kpi: 'wo.orders',
            window: { preset: 'today' },
            against: i % 20 === 5 ? 'yoy' : 'previous',
            scope,
            levels: { yellow: 0.5 },
          },
        });
        break;
      case 6:
        out.push({
          name: n,
          spec: { kind: 'anomaly', kpi: 'call.inbound', windowMinutes: 60, weeks: 4, scope, levels: { yellow: 3 + (i % 5) } },
        });
        break;
      case 7:
        out.push({
          name: n,
          spec: {
            kind: 'time_limit',
            check: (['work_order_due', 'reconnection', 'outage_notice'] as const)[i % 3]!,
            scope: { orgCode: county },
            comparator: i % 3 === 2 ? '<=' : '>=',
            levels: i % 3 === 0 ? { yellow: 0.8, red: 1 } : i % 3 === 1 ? { yellow: 20, red: 24 } : { yellow: 24 },
          },
        });
        break;
      case 8:
        out.push({
          name: n,
          spec: {
            kind: 'record_event',
            event: i % 2 ? 'dissatisfied_rating' : 'sms_batch_failed',
            scope: { orgCode: city },
            levels: i % 2 ? { yellow: 1 } : { orange: 0.1 },
          },
        });
        break;
      case 9:
        out.push({ name: n, spec: { kind: 'correlation', scope: { orgCode: city }, levels: { yellow: 200 } } });
        break;
    }
    i++;
  }
  return out;
}

async function main() {
  const dir = mkdtempSync(path.join(tmpdir(), 'bench-alerts-'));
  const ch = new ClickHouse({ database: 'bench_alerts', embeddedPath: path.join(dir, 'chdb') });
  await migrateClickHouse(ch);
  const db = await createDb({ dataDir: dir, memory: true });
  await applyMigrations(db);
  const t0 = performance.now();
  await loadSimulatorData(ch, NOW, { customers: 20_000 });
  const kpi = new KpiService(ch, db, loadEnv({ BUSINESS_TZ: TZ }));
  const refresher = new RollupRefresher(ch, () => kpi.context(NOW));
  await refresher.refresh();
  console.log(
    `\nAlerts bench: a simulated province day up to ${new Date(NOW).toISOString()} loaded in ${((performance.now() - t0) / 1000).toFixed(0)} s`,
  );
  const engine = new AlertEngine(ch, db, kpi, TZ);
  const rt = { ch, db, env: { BUSINESS_TZ: TZ }, kpi, alerts: engine };

  // Baseline: one KPI-layer question, uncached (a new window each time).
  const baseline: number[] = [];
  for (let i = 0; i < 20; i++) {
    const t = performance.now();
    await kpi.query(
      [
        {
          kpis: ['call.loss_rate'],
          orgCode: '5301',
          by: 'total',
          time: { from: `2026-11-23 16:${String(10 + i).padStart(2, '0')}`, to: '2026-11-23 16:50' },
          granularity: 'total',
          filters: {},
          compare: [],
        },
      ],
      NOW,
    );
    baseline.push(performance.now() - t);
  }
  const base = pct(baseline, 50);

  // 1. Commit → event, with the starter rules and one blocked-calls rule per city active.
  await seedStarterRules(db);
  const blockedRule = new Map<string, string>();
  for (const c of CITIES) {
    const { id } = await createRule(
      rt,
      ruleInput.parse({
        name: `阻塞 ${c.code}`,
        spec: { kind: 'threshold', kpi: 'call.blocked', window: { minutes: 15 }, scope: { orgCode: c.code }, levels: { red: 50 } },
      }),
      'bench',
    );
    blockedRule.set(c.code, id);
  }
  const latency: number[] = [];
  const afterRollups: number[] = [];
  for (const [n, c] of CITIES.entries()) {
    const county = COUNTIES.find((x) => x.code.startsWith(c.code))!;
    const at = NOW - 60_000;
    const rows = Array.from({ length: 80 }, (_, i) => ({
      call_id: `bench-${c.code}-${i}`,
      source: 'bench',
      province_code: '53',
      city_code: c.code,
      county_code: county.code,
      skill_group: 'general',
      category: 'fault_repair',
      ivr_at: chTime(at + i),
      requested_agent_at: null,
      ring_at: null,
      answered_at: null,
      ended_at: chTime(at + i + 1000),
      outcome: 'blocked',
      short_abandon: 0,
      agent_id: '',
      src_updated_at: chTime(at + i + 1000),
    }));
    await ch.insert('bench.batch', 'fact_call', rows);
    const committed = performance.now();
    // The scheduler's path after a cti.calls batch: rules on the facts at once, the rest after the rollups.
    const rollupPhase = refresher.refresh().then(() => engine.afterBatch('cti.calls', NOW + n, 'rollups'));
    await engine.afterBatch('cti.calls', NOW + n, 'facts');
    const ev = await db.prisma.alertEvent.findFirst({ where: { ruleId: blockedRule.get(c.code)!, state: 'firing' } });
    if (!ev) throw new Error(`no alert for ${c.code}`);
    latency.push(performance.now() - committed);
    await rollupPhase;
    afterRollups.push(performance.now() - committed);
  }

  // 2. A thousand rules.
  await db.prisma.alertRule.deleteMany();
  engine.invalidate();
  for (const r of thousandRules()) await createRule(rt, ruleInput.parse(r), 'bench');
  engine.invalidate();
  const rules: LoadedRule[] = await engine.loadRules();
  const first = await engine.evaluate(rules, NOW);
  const steady: number[] = [];
  for (let i = 0; i < 3; i++) steady.push((await engine.evaluate(rules, NOW)).ms);

  console.log('| measure | p50 | p95 | baseline (one KPI question, p50) | ratio |');
  console.log('|---|---|---|---|---|');
  console.log(
    `| ETL batch commit → alert event (${latency.length} batches) | ${pct(latency, 50).toFixed(0)} ms | ${pct(latency, 95).toFixed(0)} ms | ${base.toFixed(1)} ms | ${(pct(latency, 50) / base).toFixed(1)}× |`,
  );
  console.log(
    `| … and the rules on business-day figures, after the rollups followed | ${pct(afterRollups, 50).toFixed(0)} ms | ${pct(afterRollups, 95).toFixed(0)} ms | ${base.toFixed(1)} ms | ${(pct(afterRollups, 50) / base).toFixed(1)}× |`,
  );
  console.log(
    `| 1,000 rules, first round (${first.fired} alerts fired) | ${first.ms.toFixed(0)} ms | — | ${base.toFixed(1)} ms | ${(first.ms / base).toFixed(0)}× |`,
  );
  console.log(
    `| 1,000 rules, steady round | ${pct(steady, 50).toFixed(0)} ms (${(pct(steady, 50) / rules.length).toFixed(1)} ms/rule) | ${pct(steady, 95).toFixed(0)} ms | ${base.toFixed(1)} ms | ${(pct(steady, 50) / base).toFixed(0)}× |`,
  );
  if (first.errors.length) console.log(`errors: ${first.errors.length}, e.g. ${first.errors[0]!.message}`);
  const kpiBase = { label: 'one KPI question (a city, 15 min), p50', value: Math.round(base * 10) / 10, unit: 'ms' };
  const r = (v: number) => Math.round(v);
  recordFigures('alerts', [
    ...([50, 95] as const).map((p) =>
      figure({
        id: `alerts.commit-to-event.p${p}`,
        measure: `ETL batch commit → alert event written, p${p} (rules on the facts)`,
        value: r(pct(latency, p)),
        unit: 'ms',
        baseline: kpiBase,
        better: 'lower',
        aim: 1000,
        note: `${latency.length} batches, one per city`,
      }),
    ),
    figure({
      id: 'alerts.commit-to-rollup-rules.p95',
      measure: 'ETL batch commit → rules on business-day figures evaluated, after the rollup refresh, p95',
      value: r(pct(afterRollups, 95)),
      unit: 'ms',
      baseline: kpiBase,
      better: 'lower',
      note: `p50 ${r(pct(afterRollups, 50))} ms`,
    }),
    figure({
      id: 'alerts.rules-1000.first',
      measure: `rule round, 1,000 rules of every kind, first round (${first.fired} alerts fired)`,
      value: r(first.ms),
      unit: 'ms',
      baseline: kpiBase,
      better: 'lower',
      note: first.errors.length ? `${first.errors.length} rule errors` : undefined,
    }),
    figure({
      id: 'alerts.rules-1000.steady',
      measure: 'rule round, 1,000 rules, steady (nothing changes), p50 of 3',
      value: r(pct(steady, 50)),
      unit: 'ms',
      baseline: kpiBase,
      better: 'lower',
      note: `${(pct(steady, 50) / rules.length).toFixed(1)} ms per rule`,
    }),
  ]);
  await db.close();
  await ch.close();
  rmSync(dir, { recursive: true, force: true });
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
