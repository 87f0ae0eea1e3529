import { createHash } from 'node:crypto';
import { z } from 'zod';
import { chTime, localParts } from '@/core/time';
import type { ClickHouse } from '@/core/clickhouse/client';
import { chNumber } from '@/core/clickhouse/row-types';
import { FAMILIES } from '../families';
import type { Family, Grain } from '../families/types';
import type { KpiParams } from '../params';
import type { CompileContext } from '../query/compile';
import { hasCountyRollup, rollupTable, rollupTables } from './columns';
import { compileRefreshCounty, compileRefreshDays, compileRefreshFromFacts } from './refresh-sql';

// Keeps the rollups equal to the facts. Fact inserts leave marks in kpi_dirty (materialized views); each
// pass recomputes the marked buckets from the facts, then their business days. A family whose parameters
// or definition changed is rebuilt from scratch, and until that finishes queries read the facts directly
// (slower, never wrong).
//
// A pass reads the marks from a minute before the newest one it has handled (a mark can become visible after
// a newer one). It recomputes only the marks it has not handled yet: passes follow every commit, a few
// seconds apart, and recomputing the whole minute each time kept the engine busy with the same buckets.

const OVERLAP_MS = 60_000;
const CHUNK = 240;

const stateRow = z.object({ family: z.string(), params_hash: z.string(), complete: chNumber, dirty_mark: z.string() });
const markRow = z.object({ b: z.string(), key: z.string(), last: z.string(), ats: z.array(z.string()) });
const windowRow = z.object({ n: chNumber, last: z.string() });
const bucketRow = z.object({ bucket: z.string() });

export interface FamilyState {
  hash: string;
  complete: boolean;
  dirtyMark: string;
}

/** Changes whenever what a rollup column means changes: parameters, time zone, or the family's SQL. */
export function familyHash(f: Family, params: KpiParams, tz: string): string {
  return createHash('sha1')
    .update(JSON.stringify([tz, f.params(params), f.from, f.measures, f.dims, f.extraKeys ?? []]))
    .digest('hex');
}

export async function readRollupStates(ch: ClickHouse): Promise<Map<string, FamilyState>> {
  const rows = await ch.query(
    'kpi.rollup.state',
    'SELECT family, params_hash, complete, toString(dirty_mark) AS dirty_mark FROM kpi_rollup_state FINAL',
    {},
    stateRow,
  );
  return new Map(rows.map((r) => [r.family, { hash: r.params_hash, complete: r.complete === 1, dirtyMark: r.dirty_mark }]));
}

export interface RefreshStats {
  family: string;
  rebuilt: boolean;
  buckets: number;
  ms: number;
}

/** Marks by bucket and key: how many at each time (two inserts can mark the same bucket in the same ms). */
type MarkCounts = Map<string, Map<string, number>>;

const markId = (m: { b: string; key: string }) => `${m.b}|${m.key}`;

function countsOf(ats: readonly string[]): Map<string, number> {
  const out = new Map<string, number>();
  for (const at of ats) out.set(at, (out.get(at) ?? 0) + 1);
  return out;
}

/** Whether every mark in `ats` was among the ones handled. */
function handled(before: Map<string, number> | undefined, ats: readonly string[]): boolean {
  if (!before) return false;
  for (const [at, n] of countsOf(ats)) if ((before.get(at) ?? 0) < n) return false;
  return true;
}

export class RollupRefresher {
  private version = 0;
  /** Per family, the marks of the last pass's window, all handled (recomputed after they were visible). */
  private readonly handledMarks = new Map<string, MarkCounts>();
  /**
   * Per family, the size of its marks' window once every mark in it was handled. Marks are only added (the TTL
   * takes days-old ones), so a window of the same start, count and newest mark holds nothing new: the pass
   * skips reading and grouping it. A large batch's marks (a billing load marks every bill it pays) otherwise
   * stayed in the window, read again every pass, until the family's next insert.
   */
  private readonly quietWindows = new Map<string, string>();
  private running: Promise<RefreshStats[]> | undefined;
  private again = false;

  constructor(
    private readonly ch: ClickHouse,
    private readonly ctx: () => Promise<CompileContext>,
  ) {}

  /** One pass over every family; concurrent calls coalesce into one follow-up pass. */
  refresh(): Promise<RefreshStats[]> {
    if (this.running) {
      this.again = true;
      return this.running;
    }
    this.running = (async () => {
      try {
        let stats = await this.pass();
        while (this.again) {
          this.again = false;
          stats = stats.concat(await this.pass());
        }
        return stats;
      } finally {
        this.running = undefined;
      }
    })();
    return this.running;
  }

  private nextVersion(): number {
    // Two versions per write (zero rows, fresh rows), always increasing even within a millisecond.
    this.version = Math.max(Date.now() * 4, this.version + 4);
    return this.version;
  }

  private async pass(): Promise<RefreshStats[]> {
    const ctx = await this.ctx();
    const states = await readRollupStates(this.ch);
    const out: RefreshStats[] = [];
    for (const f of FAMILIES) {
      if (f.grains.length === 0) continue;
      const started = Date.now();
      const hash = familyHash(f, ctx.params, ctx.cal.tz);
      const st = states.get(f.id);
      if (!st || st.hash !== hash || !st.complete) {
        const buckets = await this.rebuild(f, hash, ctx);
        out.push({ family: f.id, rebuilt: true, buckets, ms: Date.now() - started });
      } else {
        const buckets = await this.refreshDirty(f, st, ctx);
        if (buckets > 0) out.push({ family: f.id, rebuilt: false, buckets, ms: Date.now() - started });
      }
    }
    return out;
  }

  private async writeState(f: Family, hash: string, complete: boolean, dirtyMark: string): Promise<void> {
    await this.ch.insert('kpi.rollup.state', 'kpi_rollup_state', [
      { family: f.id, params_hash: hash, complete: complete ? 1 : 0, dirty_mark: dirtyMark, updated_at: chTime(Date.now()) },
    ]);
  }

  private async rebuild(f: Family, hash: string, ctx: CompileContext): Promise<number> {
    const mark = chTime(Date.now() - OVERLAP_MS);
    this.handledMarks.delete(f.id);
    this.quietWindows.delete(f.id);
    await this.writeState(f, hash, false, mark);
    for (const t of rollupTables(f))
      await this.ch.command(`kpi.rollup.truncate.${f.id}`, `TRUNCATE TABLE IF EXISTS ${rollupTable(f, t.grain, t.county)}`);
    const bucketSql =
      f.timeType === 'date'
        ? `SELECT DISTINCT toString(${f.timeColumn}) AS bucket FROM ${f.sourceTables[0]} ORDER BY bucket`
        : `SELECT DISTINCT toString(toStartOfHour(${f.timeColumn})) AS bucket FROM ${f.sourceTables[0]} ORDER BY bucket`;
    const buckets = (await this.ch.query(`kpi.rollup.buckets.${f.id}`, bucketSql, {}, bucketRow)).map((r) => r.bucket);
    await this.recompute(f, buckets, ctx);
    await this.writeState(f, hash, true, mark);
    return buckets.length;
  }

  private async refreshDirty(f: Family, st: FamilyState, ctx: CompileContext): Promise<number> {
    const since = chTime(Date.parse(st.dirtyMark.replace(' ', 'T') + 'Z') - OVERLAP_MS);
    const [size] = await this.ch.query(
      `kpi.rollup.window.${f.id}`,
      `SELECT count() AS n, toString(max(at)) AS last FROM kpi_dirty WHERE family = {family:String} AND at > {since:DateTime64(3, 'UTC')}`,
      { family: f.id, since },
      windowRow,
    );
    const windowId = `${since}|${size?.n ?? 0}|${size?.last ?? ''}`;
    if (this.quietWindows.get(f.id) === windowId) return 0;
    const marks = await this.ch.query(
      `kpi.rollup.marks.${f.id}`,
      `SELECT toString(bucket) AS b, key, toString(max(at)) AS last, groupArray(toString(at)) AS ats FROM kpi_dirty
       WHERE family = {family:String} AND at > {since:DateTime64(3, 'UTC')}
       GROUP BY b, key`,
      { family: f.id, since },
      markRow,
    );
    const before = this.handledMarks.get(f.id);
    const window: MarkCounts = new Map(marks.map((m) => [markId(m), countsOf(m.ats)]));
    const fresh = marks.filter((m) => !handled(before?.get(markId(m)), m.ats));
    if (fresh.length === 0) {
      this.handledMarks.set(f.id, window);
      this.quietWindows.set(f.id, windowId);
      return 0;
    }
    const buckets = new Set<string>();
    const keys: string[] = [];
    for (const m of fresh) {
      if (m.key === '') buckets.add(f.timeType === 'date' ? m.b.slice(0, 10) : m.b);
      else keys.push(m.key);
    }
    if (keys.length && f.resolveKeys) {
      for (let i = 0; i < keys.length; i += 5000) {
        const rows = await this.ch.query(
          `kpi.rollup.resolve.${f.id}`,
          `SELECT toString(bucket) AS bucket FROM (${f.resolveKeys})`,
          { keys: keys.slice(i, i + 5000) },
          bucketRow,
        );
        for (const r of rows) buckets.add(r.bucket);
      }
    }
    await this.recompute(f, [...buckets].sort(), ctx);
    const newest = marks.reduce((a, m) => (m.last > a ? m.last : a), st.dirtyMark);
    await this.writeState(f, familyHash(f, ctx.params, ctx.cal.tz), true, newest);
    this.handledMarks.set(f.id, window);
    return buckets.size;
  }

  /** Recomputes the given finest-grain buckets, then the business days they fall in. */
  private async recompute(f: Family, buckets: readonly string[], ctx: CompileContext): Promise<void> {
    const finest = f.grains[0]!;
    const days = new Set<string>();
    for (let i = 0; i < buckets.length; i += CHUNK) {
      const chunk = buckets.slice(i, i + CHUNK);
      const { sql, params } = compileRefreshFromFacts(f, finest, chunk, this.nextVersion(), ctx);
      await this.ch.command(`kpi.rollup.refresh.${f.id}`, sql, params);
      await this.refreshCounty(f, finest, chunk);
      if (finest === 'hour') {
        for (const b of chunk) {
          const p = localParts(Date.parse(b.replace(' ', 'T') + 'Z'), ctx.cal.tz);
          days.add(`${p.year}-${String(p.month).padStart(2, '0')}-${String(p.day).padStart(2, '0')}`);
        }
      }
    }
    if (!f.grains.includes('day') || days.size === 0) return;
    const list = [...days].sort();
    for (let i = 0; i < list.length; i += CHUNK) {
      const chunk = list.slice(i, i + CHUNK);
      const { sql, params } = compileRefreshDays(f, chunk, this.nextVersion(), ctx);
      await this.ch.command(`kpi.rollup.days.${f.id}`, sql, params);
      await this.refreshCounty(f, 'day', chunk);
    }
  }

  /** The county table of a grain follows its full table, bucket for bucket. */
  private async refreshCounty(f: Family, grain: Grain, buckets: readonly string[]): Promise<void> {
    if (!hasCountyRollup(f)) return;
    const { sql, params } = compileRefreshCounty(f, grain, buckets, this.nextVersion());
    await this.ch.command(`kpi.rollup.county.${f.id}`, sql, params);
  }
}
