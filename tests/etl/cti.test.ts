import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import type { ClickHouse } from '@/core/clickhouse/client';
import { parseLocal } from '@/core/time';
import { runEtlJob } from '@/etl/runtime/run-job';
import { readWatermark } from '@/etl/runtime/watermark';
import { startCtiApi, type CtiApi } from '@/etl/simulator/cti-api';
import { defaultAnomalies, planCtiDay, type Anomaly, type PlannedCall } from '@/etl/simulator/cti-day';
import { ctiJobs } from '@/etl/sources/cti/jobs';
import { CTI_AGENT_STATES_PATH, CTI_CDR_PATH } from '@/etl/sources/cti/source-schema';
import { dropTestClickHouse, testClickHouse } from '../helpers/clickhouse';

const TZ = 'Asia/Shanghai';
const HOUR = 3_600_000;
const hourOf = (ms: number) => new Date(ms + 8 * HOUR).getUTCHours();

/** DOMAIN §2.2: call loss and service level over the manual calls, short abandons (< 5 s) left out. */
function kpis(calls: PlannedCall[]) {
  const manual = calls.filter((c) => c.requestedAt !== null);
  const short = manual.filter(
    (c) => (c.outcome === 'abandoned_queue' || c.outcome === 'abandoned_ringing') && c.endedAt - c.requestedAt! < 5000,
  );
  const base = manual.length - short.length;
  const answered = manual.filter((c) => c.outcome === 'answered');
  const within20 = answered.filter((c) => c.answeredAt! - c.requestedAt! <= 20_000).length;
  return {
    total: calls.length,
    manualShare: manual.length / calls.length,
    shortAbandons: short.length,
    callLoss: (base - answered.length) / base,
    serviceLevel: within20 / base,
  };
}

const digest = (v: unknown) => createHash('sha256').update(JSON.stringify(v)).digest('hex');

describe('CTI simulator', () => {
  // A Monday.
  const monday = planCtiDay('2026-11-23', 7, TZ, { anomalies: [] });

  it('replays the same day from the same seed, and a different one from another seed', () => {
    const again = planCtiDay('2026-11-23', 7, TZ, { anomalies: [] });
    expect(again.calls.length).toBe(monday.calls.length);
    expect(digest(again)).toBe(digest(monday));
    const other = planCtiDay('2026-11-23', 8, TZ, { anomalies: [] });
    expect(digest(other.calls)).not.toBe(digest(monday.calls));
  });

  it('has the shape of a provincial 95598 day', () => {
    const k = kpis(monday.calls);
    expect(k.total).toBeGreaterThan(10_000);
    const byHour = new Array<number>(24).fill(0);
    for (const c of monday.calls) byHour[hourOf(c.ivrAt)]!++;
    const peak = byHour.indexOf(Math.max(...byHour));
    expect(peak).toBeGreaterThanOrEqual(9);
    expect(peak).toBeLessThanOrEqual(11);
    expect(byHour[3]!).toBeLessThan(byHour[peak]! / 10);
    expect(k.manualShare).toBeGreaterThan(0.55);
    expect(k.manualShare).toBeLessThan(0.67);
    expect(k.callLoss).toBeGreaterThan(0.005);
    expect(k.callLoss).toBeLessThan(0.06);
    expect(k.serviceLevel).toBeGreaterThan(0.8);
    expect(k.serviceLevel).toBeLessThan(0.95);
    expect(k.shortAbandons).toBeGreaterThan(0);
    const outcomes = new Set(monday.calls.map((c) => c.outcome));
    for (const o of ['ivr_only', 'answered', 'abandoned_queue', 'abandoned_ringing']) expect(outcomes).toContain(o);
    const categories = new Set(monday.calls.map((c) => c.category));
    expect(categories.size).toBe(5);
    // Calls come from all over the province, most from the capital's districts.
    expect(new Set(monday.calls.map((c) => c.cityCode)).size).toBe(16);

    // Weekday pattern: the Sunday before is clearly quieter.
    const sunday = planCtiDay('2026-11-22', 7, TZ, { anomalies: [] });
    expect(sunday.calls.length).toBeLessThan(monday.calls.length * 0.85);
  });

  it('keeps every agent on one state at a time, talking exactly for the answered calls', () => {
    const byAgent = new Map<string, typeof monday.agentStates>();
    for (const e of monday.agentStates) byAgent.set(e.agentId, [...(byAgent.get(e.agentId) ?? []), e]);
    for (const states of byAgent.values()) {
      for (let i = 1; i < states.length; i++) expect(states[i]!.startedAt).toBe(states[i - 1]!.endedAt);
      expect(states.at(-1)!.state).toBe('logged_out');
      expect(states.at(-1)!.endedAt).toBeNull();
    }
    const talking = monday.agentStates.filter((e) => e.state === 'talking');
    const answered = monday.calls.filter((c) => c.outcome === 'answered');
    expect(talking.length).toBe(answered.length);
    const starts = new Set(talking.map((t) => `${t.agentId}|${t.startedAt}`));
    expect(answered.every((c) => starts.has(`${c.agentId}|${c.answeredAt}`))).toBe(true);
    expect(new Set(monday.agentStates.map((e) => e.state))).toEqual(new Set(['ready', 'talking', 'after_call_work', 'away', 'logged_out']));
  });

  it('a storm floods one city with fault-repair calls and raises call loss in its hours', () => {
    const storm: Anomaly = { kind: 'storm', cityCode: '5303', fromHour: 15, toHour: 17, extraCallsPerHour: 500 };
    const day = planCtiDay('2026-11-23', 7, TZ, { anomalies: [storm] });
    const inHour = (calls: PlannedCall[], h: number) => calls.filter((c) => c.requestedAt !== null && hourOf(c.requestedAt) === h);
    const repairs = (calls: PlannedCall[]) =>
      calls.filter((c) => c.cityCode === '5303' && c.category === 'fault_repair' && hourOf(c.ivrAt) === 15).length;
    expect(repairs(day.calls)).toBeGreaterThan(3 * repairs(monday.calls));
    const normal = kpis(inHour(monday.calls, 16)).callLoss;
    const stormy = kpis(inHour(day.calls, 16)).callLoss;
    expect(stormy).toBeGreaterThan(0.05);
    expect(stormy).toBeGreaterThan(2 * normal);
    // Before the storm the day is the same as without it.
    expect(kpis(inHour(day.calls, 10)).callLoss).toBeLessThan(0.06);
  });

  it('a degraded CTI blocks calls in its hour', () => {
    const day = planCtiDay('2026-11-23', 7, TZ, { anomalies: [{ kind: 'cti_degraded', fromHour: 10, toHour: 11, blockedShare: 0.25 }] });
    const blocked = day.calls.filter((c) => c.outcome === 'blocked');
    expect(blocked.length).toBeGreaterThan(100);
    expect(blocked.every((c) => hourOf(c.requestedAt!) === 10)).toBe(true);
    expect(kpis(day.calls.filter((c) => c.requestedAt !== null && hourOf(c.requestedAt) === 10)).callLoss).toBeGreaterThan(0.15);
  });

  it('puts anomalies on some days by default, deterministically', () => {
    const dates = Array.from({ length: 30 }, (_, i) => `2026-11-${String(i + 1).padStart(2, '0')}`);
    const eventful = dates.filter((d) => defaultAnomalies(7, d).length > 0);
    expect(eventful.length).toBeGreaterThan(2);
    expect(eventful.length).toBeLessThan(20);
    expect(eventful).toEqual(dates.filter((d) => defaultAnomalies(7, d).length > 0));
    expect(planCtiDay(eventful[0]!, 7, TZ).anomalies).toEqual(defaultAnomalies(7, eventful[0]!));
  });
});

const count = z.object({ n: z.coerce.number() });

describe('CTI API → HTTP connector → ClickHouse', () => {
  let ch: ClickHouse;
  let api: CtiApi;
  let now = parseLocal('2026-11-23 10:30:00', TZ)!;
  const firstFrom = parseLocal('2026-11-22 00:00:00', TZ)!;
  // Two records the CTI garbles: an area code that does not exist, an answer time that is not a date.
  const BAD_AREA = '20261123001234';
  const BAD_DATE = '20261122005000';

  beforeAll(async () => {
    ch = await testClickHouse();
    api = await startCtiApi({
      seed: 7,
      tz: TZ,
      now: () => now,
      anomalies: () => [],
      mutate: {
        cdr: (r) =>
          r.callId === BAD_AREA ? { ...r, callerArea: '539999' } : r.callId === BAD_DATE ? { ...r, answerTime: '2026-11-22 25:61:00' } : r,
      },
    });
  });
  afterAll(async () => {
    await api?.close();
    await dropTestClickHouse(ch);
  });

  const jobs = () => {
    const [calls, states] = ctiJobs({
      http: { baseUrl: api.url, pageSize: 3000, retry: { attempts: 2, baseDelayMs: 10, maxDelayMs: 20 } },
      tz: TZ,
    });
    return { calls: calls!, states: states! };
  };
  const apiTotal = async (path: string, from: number, to: number) => {
    const q = new URLSearchParams({ start: new Date(from).toISOString(), end: new Date(to).toISOString(), pageNo: '1', pageSize: '1' });
    const body = (await (await fetch(`${api.url}${path}?${q}`)).json()) as { data: { total: number } };
    return body.data.total;
  };
  const finalCount = async (table: 'fact_call' | 'fact_agent_state') =>
    (await ch.query('t.n', `SELECT count() AS n FROM ${table} FINAL`, {}, count))[0]!.n;

  it('loads every call and agent state since the start of yesterday, quarantining the garbled ones', async () => {
    const { calls, states } = jobs();
    const run = await runEtlJob(ch, calls, now);
    expect(run.status).toBe('ok');
    const total = await apiTotal(CTI_CDR_PATH, firstFrom, now);
    expect(total).toBeGreaterThan(25_000);
    expect(run.rowsRead).toBe(total);
    expect(run.rowsQuarantined).toBe(2);
    expect(await finalCount('fact_call')).toBe(total - 2);
    const reasons = await ch.query(
      't.q',
      "SELECT record_key, reason FROM etl_quarantine FINAL WHERE source = 'cti.calls' ORDER BY record_key",
      {},
      z.object({ record_key: z.string(), reason: z.string() }),
    );
    expect(reasons).toEqual([
      { record_key: BAD_DATE, reason: 'bad date in answerTime: "2026-11-22 25:61:00"' },
      { record_key: BAD_AREA, reason: 'unknown area code 539999' },
    ]);
    expect((await readWatermark(ch, 'cti.calls'))!.ts).toBe(new Date(now).toISOString());

    const stateRun = await runEtlJob(ch, states, now);
    expect(stateRun.status).toBe('ok');
    expect(await finalCount('fact_agent_state')).toBe(await apiTotal(CTI_AGENT_STATES_PATH, firstFrom, now));

    // The loaded rows carry what the KPIs need: e.g. the province-wide outcome mix matches the simulator's.
    const outcomes = await ch.query(
      't.o',
      "SELECT outcome, count() AS n FROM fact_call FINAL WHERE ivr_at >= {from:DateTime64(3, 'UTC')} GROUP BY outcome ORDER BY outcome",
      { from: new Date(parseLocal('2026-11-23 00:00:00', TZ)!).toISOString().replace('T', ' ').replace('Z', '') },
      z.object({ outcome: z.string(), n: z.coerce.number() }),
    );
    expect(outcomes.map((o) => o.outcome)).toEqual(['abandoned_queue', 'abandoned_ringing', 'answered', 'ivr_only']);
  });

  it('re-reading the same window adds no duplicates', async () => {
    const { calls } = jobs();
    const before = await finalCount('fact_call');
    await ch.raw('t.reset', 'TRUNCATE TABLE etl_watermark');
    expect((await runEtlJob(ch, calls, now)).status).toBe('ok');
    expect(await finalCount('fact_call')).toBe(before);
    const q = await ch.query('t.q', "SELECT count() AS n FROM etl_quarantine FINAL WHERE source = 'cti.calls'", {}, count);
    expect(q[0]!.n).toBe(2);
  });

  it('records a failed run while the API is down, and catches up with nothing missing when it is back', async () => {
    const { calls, states } = jobs();
    const watermark = await readWatermark(ch, 'cti.calls');
    api.setDown(true);
    now += HOUR;
    const failed = await runEtlJob(ch, calls, now);
    expect(failed.status).toBe('failed');
    expect(failed.error).toMatch(/HTTP 503/);
    expect(failed.error).toContain(api.url);
    expect(await readWatermark(ch, 'cti.calls')).toEqual(watermark);
    const recorded = await ch.query('t.f', "SELECT count() AS n FROM etl_run WHERE source = 'cti.calls' AND status = 'failed'", {}, count);
    expect(recorded[0]!.n).toBe(1);

    api.setDown(false);
    now += 10 * 60_000;
    const caughtUp = await runEtlJob(ch, calls, now);
    expect(caughtUp.status).toBe('ok');
    const total = await apiTotal(CTI_CDR_PATH, firstFrom, now);
    // Only the missed stretch (plus the overlap) was read, and everything up to now is in.
    expect(caughtUp.rowsRead!).toBeLessThan(total / 5);
    expect(await finalCount('fact_call')).toBe(total - 2);

    // Agent states that were open at the first load are now closed: the newer version replaces them.
    expect((await runEtlJob(ch, states, now)).status).toBe('ok');
    expect(await finalCount('fact_agent_state')).toBe(await apiTotal(CTI_AGENT_STATES_PATH, firstFrom, now));
    const open = await ch.query(
      't.open',
      "SELECT count() AS n FROM fact_agent_state FINAL WHERE ended_at IS NULL AND state != 'logged_out'",
      {},
      count,
    );
    // At any instant each logged-in agent has exactly one open state.
    const loggedIn = await ch.query(
      't.in',
      `SELECT uniqExact(agent_id, skill_group) AS n FROM fact_agent_state FINAL
       WHERE started_at <= {at:DateTime64(3, 'UTC')} AND (ended_at IS NULL OR ended_at > {at:DateTime64(3, 'UTC')}) AND state != 'logged_out'`,
      { at: new Date(now - 1).toISOString().replace('T', ' ').replace('Z', '') },
      count,
    );
    expect(open[0]!.n).toBe(loggedIn[0]!.n);
    expect(open[0]!.n).toBeGreaterThan(50);
  });
});

describe('CTI API while the live job and the history back-fill ask in turns', () => {
  it('plans each day once: the live days and each history day with the day before it', async () => {
    const now = parseLocal('2026-11-23 10:30:00', TZ)!;
    const planned: string[] = [];
    const plans = new Map<string, ReturnType<typeof planCtiDay>>();
    const api = await startCtiApi({
      seed: 7,
      tz: TZ,
      now: () => now,
      anomalies: () => [],
      // Counts the API's plans; each real plan is computed once here, so the count is the API's alone.
      planDay: (ymd, seed, tz, o) => {
        planned.push(ymd);
        if (!plans.has(ymd)) plans.set(ymd, planCtiDay(ymd, seed, tz, o));
        return plans.get(ymd)!;
      },
    });
    try {
      const ask = async (path: string, from: number, to: number) => {
        const q = new URLSearchParams({
          start: new Date(from).toISOString(),
          end: new Date(to).toISOString(),
          pageNo: '1',
          pageSize: '10',
        });
        const body = (await (await fetch(`${api.url}${path}?${q}`)).json()) as { data: { total: number } };
        return body.data.total;
      };
      let historyRecords = 0;
      for (const ymd of ['2026-11-10', '2026-11-09', '2026-11-08'])
        for (const path of [CTI_CDR_PATH, CTI_AGENT_STATES_PATH])
          for (let h = 0; h < 24; h += 3) {
            const from = parseLocal(`${ymd} 00:00:00`, TZ)! + h * HOUR;
            historyRecords += await ask(path, from, from + 3 * HOUR);
            // The live job's poll between two history pages.
            await ask(path, now - HOUR, now);
          }
      expect(historyRecords).toBeGreaterThan(100_000);
      expect(planned.sort()).toEqual(['2026-11-07', '2026-11-08', '2026-11-09', '2026-11-10', '2026-11-22', '2026-11-23']);
    } finally {
      await api.close();
    }
  }, 120_000);
});
