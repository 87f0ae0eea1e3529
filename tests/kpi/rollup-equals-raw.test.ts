import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { z } from 'zod';
import { chTime, parseLocal } from '@/core/time';
import type { ClickHouse } from '@/core/clickhouse/client';
import { isLive, KPIS } from '@/server/kpi/definitions';
import { FAMILIES } from '@/server/kpi/families';
import { PARAM_DEFAULTS, type KpiParams } from '@/server/kpi/params';
import type { CompileContext } from '@/server/kpi/query/compile';
import { runKpiBatch, runKpiQuery, runKpiRows, type EngineDeps } from '@/server/kpi/query/run';
import { kpiQueryInput, kpiRowsInput } from '@/server/kpi/query/schema';
import { familyHash, readRollupStates, RollupRefresher } from '@/server/kpi/rollup/refresher';
import { dropTestClickHouse, testClickHouse } from '../helpers/clickhouse';
import { loadSimulatorData } from '../helpers/kpi-fixture';

// The rollups must give exactly what the same KPI computed straight from the fact tables gives, for every
// KPI of DOMAIN.md §2, on simulator data, including the rate KPIs and comparisons; and every figure's
// drill-down rows must number what the figure counts.

const TZ = 'Asia/Shanghai';
const NOW = parseLocal('2026-11-23 14:00:00', TZ)!; // a Monday afternoon
let ch: ClickHouse;
let ctx: CompileContext;
let params: KpiParams;

const deps = (over: Partial<EngineDeps> = {}): EngineDeps => ({ ch, ctx, rollupReady: () => true, ...over });
// The call centre's agents are province-wide (no org below it): not broken down by city or county.
const regional = KPIS.filter((k) => FAMILIES.find((f) => f.id === k.family)?.leaf !== 'none').map((k) => k.id);

beforeAll(async () => {
  ch = await testClickHouse();
  const { outcomes } = await loadSimulatorData(ch, NOW, { customers: 2000 });
  expect(outcomes.filter((o) => o.status !== 'ok')).toEqual([]);
  params = structuredClone(PARAM_DEFAULTS);
  ctx = { params, now: NOW, cal: { tz: TZ, resetHour: 0 } };
  const stats = await new RollupRefresher(ch, async () => ctx).refresh();
  expect(
    stats
      .filter((s) => s.rebuilt)
      .map((s) => s.family)
      .sort(),
  ).toEqual(
    FAMILIES.filter((f) => f.grains.length)
      .map((f) => f.id)
      .sort(),
  );
}, 600_000);

afterAll(async () => {
  if (ch) await dropTestClickHouse(ch);
});

async function bothWays(input: Parameters<typeof kpiQueryInput.parse>[0]) {
  const q = kpiQueryInput.parse(input);
  const [rollup, raw] = await Promise.all([runKpiQuery(q, deps()), runKpiQuery(q, deps({ forceRaw: true }))]);
  return { rollup, raw };
}

describe('rollups equal the facts', () => {
  it.each([
    ['today', 'city', 'total'],
    ['last_30d', 'county', 'total'],
    ['last_7d', 'city', 'day'],
    ['yesterday', 'total', 'hour'],
  ] as const)('every KPI, %s by %s at %s granularity, with previous-period and year-on-year', async (preset, by, granularity) => {
    const { rollup, raw } = await bothWays({
      kpis: regional,
      orgCode: '53',
      by,
      time: { preset },
      granularity,
      compare: ['previous', 'yoy'],
    });
    for (const [i, series] of rollup.kpis.entries()) {
      const def = KPIS.find((k) => k.id === series.kpi)!;
      // Live KPIs (open work orders) read the facts by definition; everything else must use a rollup.
      expect(series.engine, series.kpi).toBe(isLive(def) ? 'raw' : 'rollup');
      expect(raw.kpis[i]!.engine).toBe('raw');
      expect(series.points, series.kpi).toEqual(raw.kpis[i]!.points);
    }
    // Not a vacuous comparison: the simulator's day has data in every domain.
    const nonZero = rollup.kpis.filter((s) => s.points.some((p) => p.count > 0)).map((s) => s.kpi);
    if (preset === 'last_30d') expect(regional.filter((id) => !nonZero.includes(id))).toEqual([]);
  });

  it('a batch whose queries share rollup scans (tiles, ranking by city and county, hourly curve) equals the facts', async () => {
    // Parts of one family in one batch are read together and folded per query; a ranking that alone would
    // read the day table reads the hour table with the tiles.
    const qs = [
      { key: 'tiles', kpis: regional, orgCode: '53', time: { preset: 'today' }, compare: ['previous', 'yoy'] },
      { key: 'city', kpis: regional, orgCode: '53', by: 'city', time: { preset: 'today' } },
      {
        key: 'county',
        kpis: ['call.loss_rate', 'queue.avg_wait', 'wo.on_time'],
        orgCode: '5301',
        by: 'county',
        time: { preset: 'yesterday' },
      },
      {
        key: 'curve',
        kpis: ['call.inbound', 'call.loss_rate', 'queue.max_wait'],
        orgCode: '53',
        time: { preset: 'today' },
        granularity: 'hour',
      },
      // Dimension filters and halls read the full tables, the rest their county tables.
      {
        key: 'filtered',
        kpis: ['call.inbound', 'call.loss_rate', 'queue.avg_wait'],
        orgCode: '53',
        by: 'city',
        time: { preset: 'today' },
        filters: { category: ['fault_repair', 'complaint'], business_type: ['fee'] },
        compare: ['previous', 'yoy'],
      },
      { key: 'halls', kpis: ['queue.avg_wait', 'queue.satisfaction'], orgCode: '5301', by: 'hall', time: { preset: 'today' } },
      {
        key: 'week',
        kpis: ['call.inbound', 'queue.tickets'],
        orgCode: '53',
        time: { preset: 'last_7d' },
        granularity: 'day',
        compare: ['yoy'],
      },
    ].map((q) => kpiQueryInput.parse(q));
    const [rollup, raw] = await Promise.all([runKpiBatch(qs, deps()), runKpiBatch(qs, deps({ forceRaw: true }))]);
    const grain = (key: string, kpi: string) => rollup.find((r) => r.key === key)!.kpis.find((s) => s.kpi === kpi)!.grain;
    expect(grain('city', 'wo.on_time')).toBe('hour'); // with the tiles' hours
    expect(grain('city', 'call.inbound')).toBe('day'); // the week by day would make one scan too large
    for (const [i, r] of rollup.entries()) {
      for (const [j, series] of r.kpis.entries()) expect(series.points, `${r.key} ${series.kpi}`).toEqual(raw[i]!.kpis[j]!.points);
    }
  });

  it('rates are ratios of sums, not averages of city ratios', async () => {
    const { rollup } = await bothWays({ kpis: ['call.loss_rate'], orgCode: '53', by: 'city', time: { preset: 'today' } });
    const { rollup: total } = await bothWays({ kpis: ['call.loss_rate'], orgCode: '53', time: { preset: 'today' } });
    const pts = rollup.kpis[0]!.points;
    const lost = pts.reduce((s, p) => s + p.measures.lost!, 0);
    const manual = pts.reduce((s, p) => s + p.measures.manual!, 0);
    expect(total.kpis[0]!.points[0]!.value).toBeCloseTo(lost / manual, 4);
  });

  it('computes call loss exactly as DOMAIN.md §2.2 words it, checked with independent SQL', async () => {
    const from = chTime(parseLocal('2026-11-23 00:00:00', TZ)!);
    const to = chTime(parseLocal('2026-11-24 00:00:00', TZ)!);
    const [r] = await ch.query(
      't.loss',
      `SELECT countIf(outcome != 'ivr_only' AND NOT (outcome IN ('abandoned_queue', 'abandoned_ringing')
                AND requested_agent_at + INTERVAL 5 SECOND > ended_at)) AS manual,
              countIf(outcome = 'answered') AS answered
       FROM fact_call FINAL WHERE ivr_at >= {from:DateTime64(3, 'UTC')} AND ivr_at < {to:DateTime64(3, 'UTC')}`,
      { from, to },
      z.object({ manual: z.coerce.number(), answered: z.coerce.number() }),
    );
    const { rollup } = await bothWays({ kpis: ['call.loss_rate', 'call.connection_rate'], orgCode: '53', time: { preset: 'today' } });
    expect(r!.manual).toBeGreaterThan(1000);
    expect(rollup.kpis[0]!.points[0]!.value).toBeCloseTo((r!.manual - r!.answered) / r!.manual, 4);
    expect(rollup.kpis[1]!.points[0]!.value).toBeCloseTo(r!.answered / r!.manual, 4);
  });
});

describe('drill-down rows', () => {
  it('number exactly what each figure counts, for every KPI and both parts', async () => {
    for (const k of KPIS) {
      const q = kpiQueryInput.parse({ kpis: [k.id], orgCode: '53', time: { preset: 'last_30d' } });
      const point = (await runKpiQuery(q, deps())).kpis[0]!.points[0]!;
      const rows = await runKpiRows(kpiRowsInput.parse({ kpi: k.id, orgCode: '53', time: { preset: 'last_30d' }, pageSize: 20 }), deps());
      expect(rows.total, k.id).toBe(point.count);
      expect(rows.rows.length, k.id).toBe(Math.min(20, point.count));
      if (k.parts.denominator) {
        const den = await runKpiRows(
          kpiRowsInput.parse({ kpi: k.id, orgCode: '53', time: { preset: 'last_30d' }, part: 'denominator', pageSize: 1 }),
          deps(),
        );
        const den0 = k.calc.op === 'ratio' || k.calc.op === 'complement' ? k.calc.den : null;
        // A count denominator is the number of its rows; a money denominator's rows are the bills it sums.
        if (den0 && FAMILIES.find((f) => f.id === k.family)!.measures[den0]!.kind === 'count')
          expect(den.total, k.id).toBe(point.measures[den0]);
        else expect(den.total, k.id).toBeGreaterThan(0);
      }
    }
  }, 240_000);

  it('pages and sorts a city’s lost calls down to the individual call', async () => {
    const q = { kpi: 'call.loss_rate', orgCode: '5301', time: { preset: 'today' }, pageSize: 5 } as const;
    const p1 = await runKpiRows(kpiRowsInput.parse({ ...q, sort: { column: 'ivr_at', dir: 'asc' } }), deps());
    const p2 = await runKpiRows(kpiRowsInput.parse({ ...q, page: 2, sort: { column: 'ivr_at', dir: 'asc' } }), deps());
    expect(p1.total).toBeGreaterThan(10);
    const times = [...p1.rows, ...p2.rows].map((r) => String(r.ivr_at));
    expect(times).toEqual([...times].sort());
    expect(new Set([...p1.rows, ...p2.rows].map((r) => r.call_id)).size).toBe(10);
    expect(p1.rows.every((r) => String(r.county_code).startsWith('5301') && r.outcome !== 'answered')).toBe(true);
  });

  it('leaves personal columns out for the visitor zone', async () => {
    const r = await runKpiRows(kpiRowsInput.parse({ kpi: 'arrears.amount', orgCode: '53', pageSize: 3 }), {
      ...deps(),
      hidePersonal: true,
    });
    expect(r.total).toBeGreaterThan(0);
    expect(r.columns.map((c) => c.name)).not.toContain('customer_id');
    expect(Object.keys(r.rows[0]!)).not.toContain('customer_id');
  });
});

describe('keeping rollups current', () => {
  it('follows new and changed fact rows after a refresh, including a record that moves between groups', async () => {
    const q = { kpis: ['call.inbound', 'call.loss_rate'], orgCode: '53', by: 'county', time: { preset: 'today' } } as const;
    const before = await bothWays(q);
    const [call] = await ch.query(
      't.call',
      `SELECT * FROM fact_call FINAL WHERE ivr_at >= {from:DateTime64(3, 'UTC')} AND outcome = 'answered' ORDER BY call_id LIMIT 1`,
      { from: chTime(parseLocal('2026-11-23 09:00:00', TZ)!) },
      z.record(z.string(), z.unknown()),
    );
    // The same call re-delivered by the source: moved to another county and now abandoned in the queue.
    const moved = {
      ...call!,
      county_code: '530112',
      city_code: '5301',
      outcome: 'abandoned_queue',
      answered_at: null,
      src_updated_at: chTime(NOW),
    };
    delete (moved as Record<string, unknown>).loaded_at;
    await ch.insert('t.call', 'fact_call', [moved]);
    // Before the refresh the rollup lags the facts; after it they agree again.
    const stale = await bothWays(q);
    expect(stale.rollup.kpis).not.toEqual(stale.raw.kpis);
    await new RollupRefresher(ch, async () => ctx).refresh();
    const after = await bothWays(q);
    expect(after.rollup.kpis.map((s) => s.points)).toEqual(after.raw.kpis.map((s) => s.points));
    expect(after.rollup.kpis[0]!.points).not.toEqual(before.rollup.kpis[0]!.points);
  });

  it('recomputes a bucket once per change: a pass after another finds nothing new, then only what a new insert marked', async () => {
    const refresher = new RollupRefresher(ch, async () => ctx);
    await refresher.refresh();
    // Nothing was inserted since: nothing to recompute, although the marks of the last minute are still read.
    expect(await refresher.refresh()).toEqual([]);
    const [call] = await ch.query(
      't.call',
      `SELECT * FROM fact_call FINAL WHERE ivr_at >= {from:DateTime64(3, 'UTC')} AND outcome = 'answered' ORDER BY call_id DESC LIMIT 1`,
      { from: chTime(parseLocal('2026-11-23 10:00:00', TZ)!) },
      z.record(z.string(), z.unknown()),
    );
    const hour = String(call!.ivr_at).slice(0, 13);
    const redelivered = { ...call!, outcome: 'abandoned_queue', answered_at: null, src_updated_at: chTime(NOW + 1000) };
    delete (redelivered as Record<string, unknown>).loaded_at;
    await ch.insert('t.call', 'fact_call', [redelivered]);
    const stats = await refresher.refresh();
    expect(stats.map((s) => [s.family, s.buckets])).toEqual([['call', 1]]);
    const after = await bothWays({
      kpis: ['call.inbound', 'call.loss_rate'],
      orgCode: '53',
      time: { preset: 'today' },
      granularity: 'hour',
    });
    expect(after.rollup.kpis.map((s) => s.points)).toEqual(after.raw.kpis.map((s) => s.points));
    expect(hour).toMatch(/^2026-11-23 0[2-6]$/); // 10–14 h Beijing is 02–06 UTC: the bucket the insert marked
    expect(await refresher.refresh()).toEqual([]);
  });

  it('reads a family’s marks again only when one joined their window, a mark older than the newest too', async () => {
    const refresher = new RollupRefresher(ch, async () => ctx);
    await refresher.refresh();
    await refresher.refresh();
    const spy = vi.spyOn(ch, 'query');
    try {
      expect(await refresher.refresh()).toEqual([]);
      const tags = spy.mock.calls.map((c) => c[0]);
      expect(tags).toContain('kpi.rollup.window.call');
      expect(tags.filter((t) => t.startsWith('kpi.rollup.marks.'))).toEqual([]);
      // A mark that becomes visible after newer ones were handled: inside the window, older than its newest.
      const call = (await readRollupStates(ch)).get('call')!;
      const late = chTime(Date.parse(call.dirtyMark.replace(' ', 'T') + 'Z') - 5_000);
      await ch.command(
        't.late-mark',
        `INSERT INTO kpi_dirty (family, bucket, key, at) VALUES ('call', '2026-11-23 03:00:00', '', {at:DateTime64(3, 'UTC')})`,
        { at: late },
      );
      spy.mockClear();
      const stats = await refresher.refresh();
      expect(stats.map((s) => [s.family, s.buckets])).toEqual([['call', 1]]);
      expect(spy.mock.calls.map((c) => c[0])).toContain('kpi.rollup.marks.call');
    } finally {
      spy.mockRestore();
    }
  });

  it('answers from the facts while a parameter change rebuilds the rollups, then from the rebuilt rollups', async () => {
    const states = await readRollupStates(ch);
    const call = FAMILIES.find((f) => f.id === 'call')!;
    const q = kpiQueryInput.parse({ kpis: ['call.loss_rate', 'call.service_level'], orgCode: '53', time: { preset: 'last_7d' } });
    const before = await runKpiQuery(q, deps());
    const changed: CompileContext = { ...ctx, params: { ...params, 'call.shortAbandonSec': 0, 'call.serviceLevelSec': 10 } };
    const ready = (id: string) =>
      states.get(id)!.hash ===
      familyHash(
        FAMILIES.find((f) => f.id === id)!,
        changed.params,
        TZ,
      );
    expect(ready('call')).toBe(false);
    expect(ready('queue')).toBe(true);
    const during = await runKpiQuery(q, { ch, ctx: changed, rollupReady: ready });
    expect(during.kpis[0]!.engine).toBe('raw');
    expect(during.kpis[0]!.points[0]!.value).not.toBe(before.kpis[0]!.points[0]!.value);
    expect(during.kpis[1]!.points[0]!.value!).toBeLessThan(before.kpis[1]!.points[0]!.value!);

    const stats = await new RollupRefresher(ch, async () => changed).refresh();
    expect(stats.filter((s) => s.rebuilt).map((s) => s.family)).toEqual(['call']);
    const after = await readRollupStates(ch);
    expect(after.get('call')!.hash).toBe(familyHash(call, changed.params, TZ));
    const rebuilt = await runKpiQuery(q, { ch, ctx: changed, rollupReady: () => true });
    expect(rebuilt.kpis[0]!.engine).toBe('rollup');
    expect(rebuilt.kpis.map((s) => s.points)).toEqual(during.kpis.map((s) => s.points));
    // Back to the defaults for the other tests of this file.
    await new RollupRefresher(ch, async () => ctx).refresh();
  });
});

describe('agents by state now', () => {
  it('counts each agent once, in its open state', async () => {
    const q = kpiQueryInput.parse({
      kpis: ['call.agents_logged_in', 'call.agents_ready', 'call.agents_talking', 'call.agents_after_call_work', 'call.agents_away'],
      orgCode: '53',
    });
    const r = await runKpiQuery(q, deps());
    const [loggedIn, ...states] = r.kpis.map((s) => s.points[0]!.value!);
    expect(loggedIn).toBeGreaterThan(10);
    expect(states.reduce((a, b) => a + b, 0)).toBe(loggedIn);
  });
});
