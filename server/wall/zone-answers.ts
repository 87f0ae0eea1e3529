import type { WallEvents } from './events';
import { forScreen, packZone, type PackedZone, type ZoneStatic } from './zone-pack';
import type { ZoneData } from './types';

// The zones' stored answers. A zone's figures change only when data commits (an ETL batch, a rollup refresh,
// an alert round) or with the clock (live figures, lateness, the business day), so the answer is computed
// then, not when a screen asks:
// - a commit (`committed`) recomputes, once per short window however many commits fall in it, the answers
//   screens have asked for lately, and pushes a `zone` event per answer so the screens fetch it at once;
// - while screens of a layout hold its push stream (`watch`), its answers are recomputed on the clock a little
//   before they reach their zone's refresh interval, so an asking screen finds one;
// - a request serves the stored answer; one older than the refresh interval is served while a recompute
//   follows, one older than twice that (nobody kept it fresh) or from an ended business day is computed.
// One recompute per zone at a time: a commit during one asks for one more after it. A failed recompute keeps
// the last good answer, marked stale and degraded, as the zone's answer.

/** Commits within this window after the first make one recompute. */
export const COMMIT_WINDOW_MS = 300;
/** An answer asked for within this time is kept fresh (commits, the clock). */
const LIVE_MS = 120_000;
/** At most this many answers are kept fresh; the most recently asked win. */
const MAX_LIVE = 48;
/** An answer not asked for this long is dropped. */
const DROP_MS = 600_000;
/** The clock pass of watched layouts. */
const TICK_MS = 1_000;

export interface AnswerKey {
  layoutId: string;
  zoneId: string;
  scene: string | null;
  /** Layout version the zone spec is of. */
  version: number;
  refreshSec: number;
}

interface Stored {
  data: ZoneData;
  /** Date.now() when computed. */
  at: number;
  /** End of the business day the answer describes: at the reset time a stored "today" is yesterday. */
  dayEnd: number;
  packed?: PackedZone & { st: ZoneStatic };
}

interface Entry {
  key: AnswerKey;
  id: string;
  answer?: Stored;
  /** A failure without a last good answer, shared for the refresh interval like an answer. */
  failed?: { at: number; error: unknown };
  running?: Promise<Stored>;
  /** A commit came while a recompute ran: one more after it, then a push. */
  again: boolean;
  askedAt: number;
  /** The asking clock minus Date.now(): background recomputes ask for the same "now" as the screens. */
  offset: number;
  /** The commit topics the answer is made of (null: every commit; undefined: not known yet, every commit). */
  topics?: ReadonlySet<string> | null;
}

export type ComputeZone = (key: AnswerKey, now: number, opts: { fresh: boolean }) => Promise<ZoneData>;
/**
 * What a zone's answer is made of, as commit topics (its sources, its KPI families, `alerts`); null when any
 * commit concerns it (the freshness panel shows every source).
 */
export type TopicsOf = (key: AnswerKey) => Promise<ReadonlySet<string> | null>;

export class ZoneAnswers {
  private entries = new Map<string, Entry>();
  private lastGood = new Map<string, ZoneData>();
  private seq = 0;
  private commitTimer: NodeJS.Timeout | null = null;
  /** Topics committed in the open window; null when one commit named none (everything may have changed). */
  private pending: Set<string> | null = new Set();
  private watched = new Map<string, number>();
  private ticker: NodeJS.Timeout | null = null;
  /** Recomputes started, by cause (the bench and the tests read them). */
  readonly counts = { request: 0, commit: 0, clock: 0 };

  constructor(
    private readonly compute: ComputeZone,
    private readonly events: Pick<WallEvents, 'publish'> | null,
    private readonly topicsOf: TopicsOf | null = null,
  ) {}

  /** The zone's answer for a request at `now` (the asking clock): stored, else computed once and stored. */
  async get(key: AnswerKey, now: number): Promise<ZoneData> {
    return (await this.stored(key, now)).data;
  }

  /** The same, packed for a screen that holds static part `have`. */
  async packed(key: AnswerKey, now: number, have: string | null): Promise<PackedZone> {
    const s = await this.stored(key, now);
    s.packed ??= packZone(s.data);
    return forScreen(s.packed, have);
  }

  private async stored(key: AnswerKey, now: number): Promise<Stored> {
    const e = this.entry(key);
    e.askedAt = Date.now();
    e.offset = now - Date.now();
    const refreshMs = key.refreshSec * 1000;
    const a = e.answer;
    if (a && now < a.dayEnd) {
      const age = Date.now() - a.at;
      if (age < refreshMs) return a;
      if (age < 2 * refreshMs) {
        if (!e.running) void this.run(e, now, 'request').catch(() => {});
        return a;
      }
    }
    if (!e.running && e.failed && Date.now() - e.failed.at < refreshMs) throw e.failed.error;
    const s = await this.run(e, now, 'request');
    // Joined a recompute begun before the business day ended: this request wants the new day.
    if (now >= s.dayEnd) return this.run(e, now, 'request');
    return s;
  }

  private entry(key: AnswerKey): Entry {
    const id = `${key.layoutId}@${key.version}/${key.zoneId}/${key.scene ?? ''}`;
    let e = this.entries.get(id);
    if (!e) {
      // A new layout version replaces the zone's answers of older versions (their last good answer stays).
      for (const [k, old] of this.entries)
        if (old.key.layoutId === key.layoutId && old.key.zoneId === key.zoneId && old.key.version < key.version) this.entries.delete(k);
      const entry: Entry = { key, id, again: false, askedAt: Date.now(), offset: 0 };
      e = entry;
      this.entries.set(id, e);
      this.topicsOf?.(key).then(
        (t) => (entry.topics = t),
        () => (entry.topics = null),
      );
      this.sweep();
    }
    return e;
  }

  /** Computes the entry's answer, or joins the computation already running. */
  private run(e: Entry, now: number, cause: keyof ZoneAnswers['counts']): Promise<Stored> {
    if (e.running) return e.running;
    this.counts[cause]++;
    const goodKey = `${e.key.layoutId}/${e.key.zoneId}/${e.key.scene ?? ''}`;
    // Settled before the answer is handed on: whoever awaits it may start the next recompute at once.
    const done = () => {
      if (e.running === running) e.running = undefined;
      if (e.again && this.entries.get(e.id) === e) {
        e.again = false;
        queueMicrotask(() => void this.recompute(e, 'commit'));
      }
    };
    const running: Promise<Stored> = this.compute(e.key, now, { fresh: cause === 'commit' }).then(
      (data) => {
        done();
        this.lastGood.set(goodKey, data);
        return this.store(e, data);
      },
      (err: unknown) => {
        done();
        const last = this.lastGood.get(goodKey);
        if (!last) {
          e.failed = { at: Date.now(), error: err };
          throw err;
        }
        const reason = err instanceof Error ? err.message : String(err);
        console.error(`[wall] ${e.id}: serving the last good data: ${reason}`);
        return this.store(e, {
          ...last,
          degraded: '数据服务暂不可用，显示最近一次成功获取的数据 (data store unavailable: showing the last good data)',
          panels: Object.fromEntries(Object.entries(last.panels).map(([id, p]) => [id, { ...p, stale: true }])),
        });
      },
    );
    e.running = running;
    return running;
  }

  private store(e: Entry, data: ZoneData): Stored {
    const s: Stored = { data: { ...data, seq: ++this.seq }, at: Date.now(), dayEnd: Date.parse(data.businessDay.to) };
    e.answer = s;
    e.failed = undefined;
    return s;
  }

  /** A background recompute; a commit's (and a new business day's) is announced to the layout's screens. */
  private async recompute(e: Entry, cause: 'commit' | 'clock', announce = cause === 'commit'): Promise<void> {
    try {
      const s = await this.run(e, Date.now() + e.offset, cause);
      if (announce)
        this.events?.publish({
          type: 'zone',
          layoutId: e.key.layoutId,
          zoneId: e.key.zoneId,
          scene: e.key.scene,
          version: e.key.version,
          seq: s.data.seq!,
          at: Date.now(),
        });
    } catch {
      // No answer and no last good one: the screens' next request tries again.
    }
  }

  /** The answers kept fresh: asked for lately, the most recent first, at most MAX_LIVE. */
  private live(): Entry[] {
    const since = Date.now() - LIVE_MS;
    return [...this.entries.values()]
      .filter((e) => e.askedAt >= since)
      .sort((a, b) => b.askedAt - a.askedAt)
      .slice(0, MAX_LIVE);
  }

  /**
   * Data committed (an ETL batch of a source, a rollup refresh of families, alerts changed): the live answers
   * made of what it touched (all of them when `topics` is left out) are recomputed once the window closes, then
   * pushed. Commits meanwhile join that recompute.
   */
  committed(topics?: readonly string[]): void {
    if (!topics) this.pending = null;
    else if (this.pending) for (const t of topics) this.pending.add(t);
    if (this.commitTimer) return;
    this.commitTimer = setTimeout(() => {
      this.commitTimer = null;
      const touched = this.pending;
      this.pending = new Set();
      for (const e of this.live()) {
        if (touched && e.topics && ![...touched].some((t) => e.topics!.has(t))) continue;
        if (e.running) e.again = true;
        else void this.recompute(e, 'commit');
      }
    }, COMMIT_WINDOW_MS);
    this.commitTimer.unref?.();
  }

  /** While a layout's screens hold its push stream: its live answers follow the clock. Returns the release. */
  watch(layoutId: string): () => void {
    this.watched.set(layoutId, (this.watched.get(layoutId) ?? 0) + 1);
    if (!this.ticker) {
      this.ticker = setInterval(() => this.tick(), TICK_MS);
      this.ticker.unref?.();
    }
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const n = (this.watched.get(layoutId) ?? 1) - 1;
      if (n > 0) this.watched.set(layoutId, n);
      else this.watched.delete(layoutId);
      if (!this.watched.size && this.ticker) {
        clearInterval(this.ticker);
        this.ticker = null;
      }
    };
  }

  /** The clock pass: answers of watched layouts near their refresh interval, or past their business day. */
  tick(): void {
    for (const e of this.live()) {
      if (!this.watched.has(e.key.layoutId) || e.running || !e.answer) continue;
      const now = Date.now() + e.offset;
      const newDay = now >= e.answer.dayEnd;
      if (newDay || Date.now() - e.answer.at >= 0.8 * e.key.refreshSec * 1000) void this.recompute(e, 'clock', newDay);
    }
  }

  private sweep() {
    if (this.entries.size < 64) return;
    const old = Date.now() - DROP_MS;
    for (const [k, e] of this.entries) if (e.askedAt < old && !e.running) this.entries.delete(k);
  }

  /** Stops the timers (tests, shutdown). */
  stop(): void {
    if (this.commitTimer) clearTimeout(this.commitTimer);
    this.commitTimer = null;
    if (this.ticker) clearInterval(this.ticker);
    this.ticker = null;
    this.watched.clear();
  }
}
