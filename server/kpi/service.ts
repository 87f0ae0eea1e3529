import { z } from 'zod';
import { findCity, findCounty, PROVINCE } from '@/core/org/divisions';
import type { ClickHouse } from '@/core/clickhouse/client';
import { InvalidError } from '@/core/errors';
import type { Db } from '../db/client';
import type { Env } from '@/core/env';
import { sourceLateness } from '@/etl/runtime/lateness';
import { sourceFreshness } from '@/etl/runtime/run-records';
import { describeKpi, KPI_BY_ID, KPIS } from './definitions';
import { FAMILIES, FAMILY_BY_ID } from './families';
import { checkParams, PARAM_KEYS, PARAM_SCHEMAS, resolveParams, type KpiParams, type ParamKey } from './params';
import type { CompileContext } from './query/compile';
import { DEFAULT_MAX_CELLS } from './query/cost';
import type { KpiQueryResult } from './query/result';
import { runKpiBatch, runKpiRows, type EngineDeps } from './query/run';
import type { KpiQuery, KpiRowsQuery } from './query/schema';
import { openKpiRowsStream, type KpiRowsStream, type KpiRowsStreamQuery } from './query/rows-stream';
import { familyHash, readRollupStates, type FamilyState } from './rollup/refresher';

// The KPI layer's state in a process: parameters (relational store), rollup readiness, hall names and a
// result cache, so every screen and desktop showing the same figures shares one computation.

const PARAMS_TTL_MS = 5_000;
const STATES_TTL_MS = 3_000;
/** A batch's answer is reused this long whatever happens (a burst of identical requests). */
const RESULT_TTL_MS = 3_000;
/**
 * ... and up to this long while no data it reads has committed since (dataCommitted): the figures can only
 * change with a commit, except rolling windows and source staleness, which move with the clock; this bounds
 * how far they lag. Fewer recomputations are what keeps 200 desktops refreshing every 5 s answerable.
 */
const RESULT_MAX_AGE_MS = 15_000;
const HALLS_TTL_MS = 300_000;
/** The sources' last runs (freshness), read once for every batch asked within it. */
const SOURCES_TTL_MS = 1_000;

interface Cached<T> {
  at: number;
  value: Promise<T>;
  /** The commit generations of the families the answer read, when it was computed (results only). */
  stamp?: string;
}

const hallRow = z.object({ hall_code: z.string(), hall_name: z.string(), county_code: z.string() });

/** What a batch's answer shares between callers: the figures and when they were computed. */
interface Computed {
  asOf: string;
  results: KpiQueryResult[];
}

/** Both awaited together, so a failure of either is the call's failure and neither goes unhandled. */
async function withFreshness(computed: Promise<Computed>, freshness: Promise<Freshness[]>) {
  const [c, f] = await Promise.all([computed, freshness]);
  return { ...c, freshness: f };
}

export interface Freshness {
  family: string;
  dataAsOf: string | null;
  stale: boolean;
}

export class KpiService {
  private params: Cached<KpiParams> | undefined;
  private states: Cached<Map<string, FamilyState>> | undefined;
  private halls: Cached<Map<string, { name: string; countyCode: string }>> | undefined;
  private results = new Map<string, Cached<Computed>>();
  private sources: Cached<Awaited<ReturnType<typeof sourceFreshness>>> | undefined;
  /** Per family: bumped by every commit of data it reads. */
  private generations = new Map<string, number>();

  constructor(
    private readonly ch: ClickHouse,
    private readonly db: Db,
    private readonly env: Pick<Env, 'BUSINESS_TZ'> & Partial<Pick<Env, 'KPI_MAX_CELLS'>>,
    /** When this process started expecting data (the lateness rule's start-up grace). */
    private readonly since: number = Date.now(),
  ) {}

  private cached<T>(slot: Cached<T> | undefined, ttl: number, load: () => Promise<T>, set: (c: Cached<T>) => void): Promise<T> {
    if (slot && Date.now() - slot.at < ttl) return slot.value;
    const value = load();
    set({ at: Date.now(), value });
    value.catch(() => set(undefined as never));
    return value;
  }

  getParams(): Promise<KpiParams> {
    return this.cached(
      this.params,
      PARAMS_TTL_MS,
      async () => resolveParams(await this.db.prisma.kpiParameter.findMany()),
      (c) => (this.params = c),
    );
  }

  private getStates(): Promise<Map<string, FamilyState>> {
    return this.cached(
      this.states,
      STATES_TTL_MS,
      () => readRollupStates(this.ch),
      (c) => (this.states = c),
    );
  }

  private getHalls() {
    return this.cached(
      this.halls,
      HALLS_TTL_MS,
      async () => {
        const rows = await this.ch.query('kpi.halls', 'SELECT hall_code, hall_name, county_code FROM dim_hall FINAL', {}, hallRow);
        return new Map(rows.map((r) => [r.hall_code, { name: r.hall_name, countyCode: r.county_code }]));
      },
      (c) => (this.halls = c),
    );
  }

  /** Name of any org node (province, city, county from the divisions; halls from dim_hall). */
  async orgNames(): Promise<(code: string) => string> {
    const halls = await this.getHalls();
    return (code) =>
      code.length === 9
        ? (halls.get(code)?.name ?? code)
        : code.length === 6
          ? (findCounty(code)?.name ?? code)
          : code.length === 4
            ? (findCity(code)?.name ?? code)
            : code === PROVINCE.code
              ? PROVINCE.name
              : code;
  }

  async context(now: number): Promise<CompileContext> {
    const params = await this.getParams();
    return { params, now, cal: { tz: this.env.BUSINESS_TZ, resetHour: params['calendar.dayResetHour'] } };
  }

  private async deps(now: number): Promise<EngineDeps> {
    const [ctx, states, hallNames] = await Promise.all([this.context(now), this.getStates(), this.getHalls()]);
    const ready = (id: string) => {
      const st = states.get(id);
      const f = FAMILY_BY_ID.get(id);
      return !!st && !!f && st.complete && st.hash === familyHash(f, ctx.params, ctx.cal.tz);
    };
    return { ch: this.ch, ctx, rollupReady: ready, hallNames };
  }

  /** Data committed: ETL batches of `sources` (facts), rollup passes of `families`. Their cached answers go. */
  dataCommitted(what: { sources?: readonly string[]; families?: readonly string[] }): void {
    for (const f of FAMILIES)
      if (what.families?.includes(f.id) || f.sources.some((src) => what.sources?.includes(src)))
        this.generations.set(f.id, (this.generations.get(f.id) ?? 0) + 1);
  }

  private stamp(queries: KpiQuery[]): string {
    const families = new Set(queries.flatMap((q) => q.kpis.map((k) => KPI_BY_ID.get(k)?.family ?? '')));
    return [...families]
      .sort()
      .map((f) => `${f}:${this.generations.get(f) ?? 0}`)
      .join(',');
  }

  /** A batch of KPI queries (a wall zone's figures): one call, shared by every screen and desktop asking it. */
  async query(
    queries: KpiQuery[],
    now: number,
    /** `maxCells`: the batch's budget (query/cost.ts); KPI_MAX_CELLS unless a server-side caller says otherwise. */
    opts: {
      cached?: boolean;
      maxCells?: number;
      /** The engine session to run on (the alert engine's own lane); the parameters and caches stay shared. */
      ch?: ClickHouse;
    } = {},
  ): Promise<{ asOf: string; results: KpiQueryResult[]; freshness: Freshness[] }> {
    const maxCells = opts.maxCells ?? this.env.KPI_MAX_CELLS ?? DEFAULT_MAX_CELLS;
    const key = JSON.stringify([queries, maxCells]);
    const hit = this.results.get(key);
    const stamp = this.stamp(queries);
    const age = hit ? Date.now() - hit.at : Infinity;
    // Freshness is judged at every call, at its `now`: a source falls late with the clock, commit or not.
    const freshness = this.freshness(
      queries.flatMap((q) => q.kpis),
      now,
      opts.cached === false,
      opts.ch,
    );
    // The alert engine asks right after a batch committed: an answer from before the batch would be wrong.
    if (opts.cached !== false && hit && (age < RESULT_TTL_MS || (age < RESULT_MAX_AGE_MS && hit.stamp === stamp)))
      return withFreshness(hit.value, freshness);
    const value: Promise<Computed> = (async () => {
      const deps = await this.deps(now);
      return { asOf: new Date(now).toISOString(), results: await runKpiBatch(queries, { ...deps, ch: opts.ch ?? deps.ch, maxCells }) };
    })();
    this.results.set(key, { at: Date.now(), value, stamp });
    if (this.results.size > 500) for (const [k, v] of this.results) if (Date.now() - v.at >= RESULT_MAX_AGE_MS) this.results.delete(k);
    value.catch(() => this.results.delete(key));
    return withFreshness(value, freshness);
  }

  async rows(q: KpiRowsQuery, now: number, opts: { hidePersonal?: boolean } = {}) {
    return runKpiRows(q, { ...(await this.deps(now)), ...opts });
  }

  /** The same records without paging, counted now and read in chunks (exports: server/exports/). */
  async rowsStream(q: KpiRowsStreamQuery, now: number, opts: { chunkSize?: number } = {}): Promise<KpiRowsStream> {
    return openKpiRowsStream(q, { ...(await this.deps(now)), ...opts });
  }

  /**
   * The sources' run records, shared by every call for a moment (each desktop's batch asks): `uncached` reads
   * them now (the alert engine, right after a commit).
   */
  private getSourceFreshness(uncached = false, ch = this.ch) {
    if (uncached) return sourceFreshness(ch);
    return this.cached(
      this.sources,
      SOURCES_TTL_MS,
      () => sourceFreshness(this.ch),
      (c) => (this.sources = c),
    );
  }

  /** Data age per family of the KPIs asked for: the oldest of its sources' complete-up-to times. */
  async freshness(kpiIds: readonly string[], now: number, uncached = false, ch?: ClickHouse): Promise<Freshness[]> {
    const families = [...new Set(kpiIds.map((id) => KPI_BY_ID.get(id)!.family))];
    const fresh = new Map((await this.getSourceFreshness(uncached, ch)).map((f) => [f.source, f]));
    return families.map((id) => {
      const f = FAMILY_BY_ID.get(id)!;
      const times = f.sources.map((s) => fresh.get(s)?.completeUpTo ?? null);
      const oldest = times.some((t) => t === null) ? null : Math.min(...(times as number[]));
      const stale = f.sources.some((s, i) => sourceLateness(s, times[i] ?? null, now, this.since).late);
      return { family: id, dataAsOf: oldest === null ? null : new Date(oldest).toISOString(), stale };
    });
  }

  definitions(params: KpiParams) {
    return KPIS.map((k) => ({ ...describeKpi(k, params), sql: definitionSql(k.id) }));
  }

  async parameters() {
    const rows = await this.db.prisma.kpiParameter.findMany();
    const stored = new Map(rows.map((r) => [r.key, r]));
    const params = resolveParams(rows);
    return PARAM_KEYS.map((key) => ({
      key,
      value: params[key],
      isDefault: !stored.has(key),
      updatedBy: stored.get(key)?.updatedBy ?? null,
      updatedAt: stored.get(key)?.updatedAt.toISOString() ?? null,
    }));
  }

  /** Validates and stores parameter changes with an audit record; rollups that depend on them rebuild. */
  async setParameters(changes: Partial<Record<ParamKey, unknown>>, actor: string): Promise<{ changed: string[] }> {
    const current = await this.getParams();
    const next: Record<string, unknown> = { ...current };
    const errors: string[] = [];
    for (const [key, value] of Object.entries(changes)) {
      const schema = Object.hasOwn(PARAM_SCHEMAS, key) ? PARAM_SCHEMAS[key as ParamKey] : undefined;
      if (!schema) {
        errors.push(`unknown parameter ${key}`);
        continue;
      }
      const parsed = schema.safeParse(value);
      if (parsed.success) next[key] = parsed.data;
      else errors.push(`${key}: ${parsed.error.issues.map((i) => `${i.path.join('.') || 'value'} ${i.message}`).join('; ')}`);
    }
    errors.push(...checkParams(next as KpiParams));
    if (errors.length) throw new KpiParamError(errors);
    const changed = Object.keys(changes).filter((k) => JSON.stringify(next[k]) !== JSON.stringify(current[k as ParamKey]));
    await this.db.prisma.$transaction(async (tx) => {
      for (const key of changed) {
        const value = next[key] as never;
        await tx.kpiParameter.upsert({ where: { key }, create: { key, value, updatedBy: actor }, update: { value, updatedBy: actor } });
        await tx.auditLog.create({
          data: { actor, action: 'kpi.parameter.set', target: key, detail: { before: current[key as ParamKey], after: value } as never },
        });
      }
    });
    this.params = undefined;
    this.results.clear();
    return { changed };
  }

  families() {
    return FAMILIES.map((f) => f.id);
  }
}

export class KpiParamError extends InvalidError {
  constructor(readonly problems: string[]) {
    super(problems.join('; '));
    this.name = 'KpiParamError';
  }
}

/** The naive SQL of a KPI over its family's facts, for the "how is this computed" panel. */
function definitionSql(kpiId: string): string {
  const k = KPI_BY_ID.get(kpiId)!;
  const f = FAMILY_BY_ID.get(k.family)!;
  const ms = [
    ...new Set([
      ...(k.calc.op === 'count' || k.calc.op === 'sum' ? [k.calc.m] : []),
      ...Object.values(k.calc).filter((v) => typeof v === 'string' && v in f.measures),
    ]),
  ];
  const aggs = ms.map((n) => {
    const m = f.measures[n]!;
    return m.kind === 'count'
      ? `countIf(${m.where}) AS ${n}`
      : m.kind === 'uniq'
        ? `uniqExactIf(${m.expr}, ${m.where}) AS ${n}`
        : `${m.kind === 'min_time' ? 'min' : m.kind}If(${m.expr}, ${m.where}) AS ${n}`;
  });
  return `SELECT ${aggs.join(',\n       ')}\nFROM ${f.from.replaceAll('{{where}}', `${f.timeColumn} in the period AND the org node`).replace(/\s+/g, ' ').trim()}`;
}
