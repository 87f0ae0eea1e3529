import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { z } from 'zod';
import type { ClickHouse } from '@/core/clickhouse/client';
import { formatLocal, parseLocal } from '@/core/time';
import type { JobContext, JobResult } from '@/etl/runtime/job';
import { readWatermark } from '@/etl/runtime/watermark';
import { startCtiApi, type CtiApi, type VendorRecord } from '@/etl/simulator/cti-api';
import { planCtiDay } from '@/etl/simulator/cti-day';
import { ctiJobs } from '@/etl/sources/cti/jobs';
import { CTI_AGENT_STATE_EXPORT_COLUMNS, CTI_CDR_EXPORT_COLUMNS } from '@/etl/sources/cti/source-schema';
import { dropTestClickHouse, testClickHouse } from '../helpers/clickhouse';

// Issue 17: the CTI back-fill with each window's records checked and transformed in the engine (bulk.ts)
// against the row path (zod and the transform per record). One simulated day of the API, with records garbled
// to break each rule of transformCdr and transformAgentState (and records SQL must leave to the row path),
// back-filled both ways into two databases with the same run id and clock: facts, quarantine and position must
// come out identical.

const TZ = 'Asia/Shanghai';
const SEED = 7;
const NOW = parseLocal('2026-11-24 20:00:00', TZ)!;
const RUN = '4c1f8e2a-7b3d-4e5f-8a9b-0c1d2e3f4a5b';
const DAY = { from: parseLocal('2026-11-23 00:00:00', TZ)!, to: parseLocal('2026-11-24 00:00:00', TZ)! };
const local = (at: number) => formatLocal(at, TZ).slice(0, 19);
/** A record's local time moved by `delta` ms, written to the millisecond. */
const shift = (text: unknown, delta: number) => formatLocal(parseLocal(String(text), TZ)! + delta, TZ);

type Mutation = (r: VendorRecord) => unknown;
const set =
  (fields: Record<string, unknown>): Mutation =>
  (r) => ({ ...r, ...fields });

const plan = planCtiDay('2026-11-23', SEED, TZ, { anomalies: [] });
const inDay = plan.calls.filter((c) => c.endedAt < DAY.to && c.ivrAt > DAY.from + 3_600_000);
const answered = inDay.filter((c) => c.outcome === 'answered');
const ivrOnly = inDay.filter((c) => c.outcome === 'ivr_only');
const queueAbandon = inDay.filter((c) => c.outcome === 'abandoned_queue');
const MIDNIGHT = '2026-11-23 00:00:00';
const LATE = '2026-11-23 23:59:59.999';

// [call, mutation, expected reason on the row path (null: loaded)]
const CALL_CASES: [string, Mutation, string | null][] = [
  [answered[0]!.callId, set({ callId: '' }), 'malformed record: callId'],
  [answered[1]!.callId, set({ callerArea: '539999' }), 'unknown area code 539999'],
  [answered[2]!.callId, set({ category: '咨 询' }), 'unknown category 咨 询'],
  [answered[3]!.callId, set({ releaseCause: 'X/"Y' }), 'unknown release cause X/"Y'],
  [answered[4]!.callId, set({ ivrStartTime: '2026-11-23 25:00:00' }), 'bad date in ivrStartTime: "2026-11-23 25:00:00"'],
  [answered[5]!.callId, set({ queueStartTime: '2026-02-30 10:00' }), 'bad date in queueStartTime: "2026-02-30 10:00"'],
  [answered[6]!.callId, set({ ringStartTime: 'soon "/"' }), 'bad date in ringStartTime: "soon \\"/\\""'],
  [answered[7]!.callId, set({ answerTime: '2026-11-23 10:61:00' }), 'bad date in answerTime: "2026-11-23 10:61:00"'],
  [answered[8]!.callId, set({ releaseTime: '2026-13-01 00:00:00' }), 'bad date in releaseTime: "2026-13-01 00:00:00"'],
  [answered[9]!.callId, set({ ivrStartTime: '' }), 'ivrStartTime and releaseTime are required'],
  [answered[10]!.callId, set({ releaseTime: MIDNIGHT }), 'releaseTime before ivrStartTime'],
  [ivrOnly[0]!.callId, (r) => ({ ...r, queueStartTime: r.ivrStartTime }), 'IVR-only call with queueStartTime'],
  [answered[11]!.callId, set({ queueStartTime: null }), 'answered call without queueStartTime'],
  [answered[12]!.callId, set({ queueStartTime: MIDNIGHT }), 'queueStartTime before ivrStartTime'],
  [answered[13]!.callId, set({ queueStartTime: LATE }), 'releaseTime before queueStartTime'],
  [answered[14]!.callId, (r) => ({ ...r, answerTime: r.ivrStartTime, queueStartTime: r.releaseTime }), 'answerTime before queueStartTime'],
  [answered[15]!.callId, set({ answerTime: LATE }), 'answerTime after releaseTime'],
  [answered[16]!.callId, set({ answerTime: null }), 'answered call without answerTime'],
  [queueAbandon[0]!.callId, (r) => ({ ...r, answerTime: r.releaseTime }), 'abandoned_queue call with answerTime'],
  [answered[17]!.callId, set({ agentId: '' }), 'answered call without agentId'],
  [answered[18]!.callId, set({ agentId: null }), 'answered call without agentId'],
  // Loaded: JavaScript's trim (an ideographic space), 'T', no seconds, a fraction; an absent optional field.
  [
    answered[19]!.callId,
    (r) => ({
      ...r,
      ivrStartTime: ` ${String(r.ivrStartTime).replace(' ', 'T').slice(0, 16)}\u3000`,
      releaseTime: `${String(r.releaseTime)}.5`,
    }),
    null,
  ],
  [answered[23]!.callId, (r) => ({ extra: 1, ...r, ringStartTime: undefined }), null],
  // The row path's: a number zod coerces, a backslash, a null where text is required, a control character,
  // U+2028, a valid time ClickHouse cannot hold (its record is quarantined by a later rule).
  [answered[20]!.callId, (r) => ({ ...r, callId: Number(r.callId) }), null],
  [answered[21]!.callId, set({ skillGroup: 'G\\1' }), null],
  [answered[22]!.callId, set({ releaseCause: null }), 'malformed record: releaseCause'],
  [answered[24]!.callId, set({ answerTime: '2026-11-23\n10:00:00' }), 'bad date in answerTime: "2026-11-23\\n10:00:00"'],
  [answered[25]!.callId, set({ category: '咨询\u2028' }), 'unknown category 咨询\u2028'],
  [answered[26]!.callId, set({ releaseTime: '1800-01-01 00:00:00' }), 'releaseTime before ivrStartTime'],
  // Boundaries, to the millisecond: equal is allowed, 1 ms past is not; a short abandon is under 5 s.
  [answered[27]!.callId, (r) => ({ ...r, releaseTime: shift(r.ivrStartTime, -1) }), 'releaseTime before ivrStartTime'],
  [answered[28]!.callId, (r) => ({ ...r, answerTime: r.releaseTime }), null],
  [answered[29]!.callId, (r) => ({ ...r, answerTime: shift(r.releaseTime, 1) }), 'answerTime after releaseTime'],
  [answered[30]!.callId, (r) => ({ ...r, queueStartTime: shift(r.ivrStartTime, 0) }), null],
  [answered[31]!.callId, (r) => ({ ...r, queueStartTime: shift(r.ivrStartTime, -1) }), 'queueStartTime before ivrStartTime'],
  [answered[32]!.callId, (r) => ({ ...r, answerTime: shift(r.queueStartTime, -1) }), 'answerTime before queueStartTime'],
  [queueAbandon[1]!.callId, (r) => ({ ...r, releaseTime: shift(r.queueStartTime, 4999) }), null],
  [queueAbandon[2]!.callId, (r) => ({ ...r, releaseTime: shift(r.queueStartTime, 5000) }), null],
];

const states = plan.agentStates.filter((e) => e.endedAt !== null && e.endedAt < DAY.to && e.startedAt > DAY.from + 3_600_000);
const stateKey = (i: number) => `${states[i]!.agentId}|${local(states[i]!.startedAt)}`;
const STATE_CASES: [string, Mutation, string | null][] = [
  [stateKey(0), set({ agentId: '' }), 'malformed record: agentId'],
  [stateKey(1), set({ state: 'NAP' }), 'unknown agent state NAP'],
  [stateKey(2), set({ state: '' }), 'unknown agent state '],
  [stateKey(3), set({ stateStartTime: '2026-11-23 25:00:00' }), 'bad date in stateStartTime: "2026-11-23 25:00:00"'],
  [stateKey(4), set({ stateEndTime: '2026-02-30 09:00:00' }), 'bad date in stateEndTime: "2026-02-30 09:00:00"'],
  [stateKey(5), set({ updateTime: 'soon/"' }), 'bad date in updateTime: "soon/\\""'],
  [stateKey(6), set({ stateStartTime: '' }), 'stateStartTime and updateTime are required'],
  [stateKey(7), set({ updateTime: '' }), 'stateStartTime and updateTime are required'],
  [stateKey(8), set({ stateEndTime: MIDNIGHT }), 'stateEndTime before stateStartTime'],
  [stateKey(9), set({ stateEndTime: null }), null],
  [stateKey(10), set({ stateEndTime: '' }), null],
  [stateKey(11), (r) => ({ ...r, stateStartTime: `\u00a0${String(r.stateStartTime).replace(' ', 'T')}.25 ` }), null],
  [stateKey(12), (r) => ({ ...r, agentId: 4711 }), null],
  [stateKey(13), set({ state: null }), 'malformed record: state'],
  [stateKey(14), (r) => ({ ...r, updateTime: undefined }), 'malformed record: updateTime'],
  [stateKey(15), set({ skillGroup: 'G\\2' }), null],
  [stateKey(16), set({ stateEndTime: '1800-01-01 00:00:00' }), 'stateEndTime before stateStartTime'],
  [stateKey(17), () => 42, 'malformed record: '],
  [stateKey(18), (r) => ({ ...r, stateEndTime: r.stateStartTime }), null],
  [stateKey(19), (r) => ({ ...r, stateEndTime: shift(r.stateStartTime, -1) }), 'stateEndTime before stateStartTime'],
];

const callMutations = new Map(CALL_CASES.map(([k, m]) => [k, m]));
const stateMutations = new Map(STATE_CASES.map(([k, m]) => [k, m]));

const anyRow = z.record(z.string(), z.unknown());
let api: CtiApi;
let row: ClickHouse;
let bulk: ClickHouse;

beforeAll(async () => {
  api = await startCtiApi({
    seed: SEED,
    tz: TZ,
    now: () => NOW,
    anomalies: () => [],
    mutate: {
      cdr: (r) => (callMutations.get(String(r.callId))?.(r) ?? r) as VendorRecord,
      agentStates: (r) => (stateMutations.get(`${String(r.agentId)}|${String(r.stateStartTime)}`)?.(r) ?? r) as VendorRecord,
    },
  });
  [row, bulk] = [await testClickHouse(), await testClickHouse()];
});
afterAll(async () => {
  await api?.close();
  for (const ch of [row, bulk]) if (ch) await dropTestClickHouse(ch);
});

const dump = (ch: ClickHouse, sql: string) => ch.query('test.dump', sql, {}, anyRow);

describe.each([
  { feed: 'calls', source: 'cti.calls', fact: 'fact_call', cases: CALL_CASES, index: 0 },
  { feed: 'agent-states', source: 'cti.agent-states', fact: 'fact_agent_state', cases: STATE_CASES, index: 1 },
] as const)('CTI $feed back-fill checked in the engine', ({ feed, source, fact, cases, index }) => {
  it('loads one day with the same facts, quarantine and position as the row path', async () => {
    const results: JobResult[] = [];
    const tags = vi.spyOn(bulk, 'command');
    const staged = vi.spyOn(bulk, 'insertFormatted');
    for (const [ch, mode] of [
      [row, false],
      [bulk, true],
    ] as const) {
      const job = ctiJobs({ http: { baseUrl: api.url, pageSize: 1500 }, tz: TZ, bulk: mode })[index]!;
      const ctx: JobContext = { ch, now: NOW, runId: RUN };
      results.push(await job.backfill!(ctx, DAY, () => undefined, `backfill:${source}:test`));
    }
    const stageTags = staged.mock.calls.map((c) => c[0]);
    const stageTables = staged.mock.calls.map((c) => c[1]);
    const commandTags = new Set(tags.mock.calls.map((c) => c[0]));
    tags.mockRestore();
    staged.mockRestore();
    // One staging insert for the day (a back-fill's window is a day) into a table of the load's own, then the
    // facts' INSERT … SELECT and the drop of that table.
    expect(stageTags).toEqual([`etl.cti.${feed}.bulk.stage`]);
    expect(stageTables[0]).toMatch(/^etl_stage_csv_[0-9a-f]{32}$/);
    expect(commandTags).toEqual(new Set([`etl.cti.${feed}.bulk.facts`, 'etl.bulk.stage-open', 'etl.bulk.stage-close']));

    const [a, b] = results;
    expect(b).toEqual(a);
    expect(a!.rowsRead).toBeGreaterThan(10_000);
    expect(a!.rowsQuarantined).toBe(cases.filter((c) => c[2] !== null).length);

    const facts = `SELECT * EXCEPT loaded_at FROM ${fact} FINAL ORDER BY ALL`;
    const [fa, fb] = [await dump(row, facts), await dump(bulk, facts)];
    expect(fa.length).toBeGreaterThan(a!.rowsLoaded * 0.99);
    expect(fb.length).toBe(fa.length);
    expect(fb).toEqual(fa);

    const quarantine = `SELECT record_key, reason, raw, run_id, quarantined_at FROM etl_quarantine FINAL WHERE source = {source:String} ORDER BY ALL`;
    const q = (ch: ClickHouse) => ch.query('test.q', quarantine, { source }, anyRow);
    const [qa, qb] = [await q(row), await q(bulk)];
    expect(qb).toEqual(qa);
    // Each rule broken once shows up with its reason, in the raw record the API sent.
    const reasons = qa.map((r) => String(r.reason));
    for (const [, , reason] of cases)
      if (reason !== null)
        expect(
          reasons.some((r) => r.startsWith(reason)),
          reason,
        ).toBe(true);
    expect(qa.length).toBe(a!.rowsQuarantined);

    expect(await readWatermark(bulk, `backfill:${source}:test`)).toEqual(await readWatermark(row, `backfill:${source}:test`));
    expect((await readWatermark(bulk, `backfill:${source}:test`))!.ts).toBe(new Date(DAY.to).toISOString());
  });

  it('resumes after its committed position and adds nothing when called again', async () => {
    const job = ctiJobs({ http: { baseUrl: api.url }, tz: TZ })[index]!;
    const again = await job.backfill!({ ch: bulk, now: NOW, runId: RUN }, DAY, () => undefined, `backfill:${source}:test`);
    expect(again).toMatchObject({ rowsRead: 0, rowsLoaded: 0, rowsQuarantined: 0 });
  });
});

// The history in bulk: a day as the vendor's export file (CSV), read and checked by the engine. A CSV holds
// text or nothing, so the reference is the row path over the same records as the file holds them: a second
// API whose garbled records are written the way the export writes them (every field text or null, the
// export's columns in their order). Row path over its pages, export path over its file: the same facts and
// quarantine, raw records included.
const asCsvHolds = (columns: readonly string[]) => (x: unknown) =>
  Object.fromEntries(
    columns.map((c) => {
      const v = typeof x === 'object' && x !== null ? (x as Record<string, unknown>)[c] : undefined;
      return [c, v === null || v === undefined ? null : String(v)];
    }),
  ) as VendorRecord;

describe.each([
  { feed: 'calls', kind: 'cdr', source: 'cti.calls', fact: 'fact_call', index: 0, columns: CTI_CDR_EXPORT_COLUMNS },
  {
    feed: 'agent-states',
    kind: 'agent-states',
    source: 'cti.agent-states',
    fact: 'fact_agent_state',
    index: 1,
    columns: CTI_AGENT_STATE_EXPORT_COLUMNS,
  },
] as const)('CTI $feed export file loaded by the engine', ({ kind, source, fact, index, columns }) => {
  let csvApi: CtiApi;
  let paged: ClickHouse;
  let exported: ClickHouse;
  beforeAll(async () => {
    const held = asCsvHolds(columns);
    csvApi = await startCtiApi({
      seed: SEED,
      tz: TZ,
      now: () => NOW,
      anomalies: () => [],
      mutate: {
        cdr: (r) => held(callMutations.get(String(r.callId))?.(r) ?? r),
        agentStates: (r) => held(stateMutations.get(`${String(r.agentId)}|${String(r.stateStartTime)}`)?.(r) ?? r),
      },
    });
    [paged, exported] = [await testClickHouse(), await testClickHouse()];
  });
  afterAll(async () => {
    await csvApi?.close();
    for (const ch of [paged, exported]) if (ch) await dropTestClickHouse(ch);
  });

  it("loads the day's file with the facts and quarantine the row path gives the same records through the API", async () => {
    const file = path.join(mkdtempSync(path.join(tmpdir(), 'cti-export-')), `${kind}.csv`);
    const written = await csvApi.exportDay(kind, '2026-11-23', file);
    const reference = await ctiJobs({ http: { baseUrl: csvApi.url, pageSize: 5000 }, tz: TZ, bulk: false })[index]!.backfill!(
      { ch: paged, now: NOW, runId: RUN },
      DAY,
      () => undefined,
      `backfill:${source}:test`,
    );
    // Recounted from the file: a header, then one line per record a day's window pages through (no record of
    // the day holds a line break except the garbled time, which is quoted).
    const lines = readFileSync(file, 'utf8').trimEnd().split('\n');
    expect(lines[0]).toBe(columns.join(','));
    expect(written).toBe(reference.rowsRead);
    expect(written).toBeGreaterThan(10_000);
    expect(lines.length - 1).toBeGreaterThanOrEqual(written);
    expect(lines.length - 1).toBeLessThanOrEqual(written + 1);

    const requests = csvApi.requests;
    const r = await ctiJobs({ http: { baseUrl: csvApi.url }, tz: TZ })[index]!.loadExport!({ ch: exported, now: NOW, runId: RUN }, [file]);
    expect(csvApi.requests).toBe(requests);
    expect(r).toMatchObject({ rowsRead: reference.rowsRead, rowsLoaded: reference.rowsLoaded, rowsQuarantined: reference.rowsQuarantined });
    expect(reference.rowsQuarantined).toBeGreaterThan(10);

    const facts = `SELECT * EXCEPT loaded_at FROM ${fact} FINAL ORDER BY ALL`;
    const [fa, fb] = [await dump(paged, facts), await dump(exported, facts)];
    expect(fa.length).toBeGreaterThan(reference.rowsLoaded * 0.99);
    expect(fb).toEqual(fa);
    const quarantine = `SELECT record_key, reason, raw, run_id, quarantined_at FROM etl_quarantine FINAL WHERE source = {source:String} ORDER BY ALL`;
    const q = (ch: ClickHouse) => ch.query('test.q', quarantine, { source }, anyRow);
    const [qa, qb] = [await q(paged), await q(exported)];
    expect(qb).toEqual(qa);
    expect(qa.length).toBe(reference.rowsQuarantined);
    // Nothing staged is left behind.
    expect(
      await dump(exported, `SELECT name FROM system.tables WHERE database = currentDatabase() AND startsWith(name, 'etl_stage_csv_')`),
    ).toEqual([]);
    // Some records SQL left to the row transform: only it says "bad date".
    expect(qb.filter((x) => String(x.reason).startsWith('bad date in ')).length).toBeGreaterThan(2);
  });

  it('fails on a file that is not whole CSV, loading nothing', async () => {
    const file = path.join(mkdtempSync(path.join(tmpdir(), 'cti-export-')), `${kind}.csv`);
    await csvApi.exportDay(kind, '2026-11-23', file);
    const text = readFileSync(file, 'utf8');
    const { writeFileSync } = await import('node:fs');
    writeFileSync(file, `${text.slice(0, text.indexOf('\n', 200))}\n"unclosed,\n`);
    const before = await dump(exported, `SELECT count() AS n FROM ${fact}`);
    await expect(
      ctiJobs({ http: { baseUrl: csvApi.url }, tz: TZ })[index]!.loadExport!({ ch: exported, now: NOW, runId: RUN }, [file]),
    ).rejects.toThrow(/Cannot parse|CSV|quote/i);
    expect(await dump(exported, `SELECT count() AS n FROM ${fact}`)).toEqual(before);
  });
});
