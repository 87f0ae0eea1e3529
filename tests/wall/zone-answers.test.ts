import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { WallEvent } from '@/server/wall/events';
import type { ZoneData } from '@/server/wall/types';
import { COMMIT_WINDOW_MS, ZoneAnswers, type AnswerKey } from '@/server/wall/zone-answers';

// The stored zone answers (server/wall/zone-answers.ts) on a controlled clock and a counted computation:
// served without recomputing, one recompute and one push per window of commits, never two at once, the clock
// and the business day, the last good answer when the store fails.

const T0 = Date.parse('2026-11-30T02:00:00.000Z');
const DAY_END = Date.parse('2026-11-30T16:00:00.000Z');
const KEY: AnswerKey = { layoutId: 'demo', zoneId: 'monitoring', scene: null, version: 1, refreshSec: 10 };

function answer(now: number, n: number): ZoneData {
  const end = now >= DAY_END ? DAY_END + 86_400_000 : DAY_END;
  return {
    asOf: new Date(now).toISOString(),
    layoutId: 'demo',
    zoneId: 'monitoring',
    version: 1,
    scene: null,
    businessDay: { date: '2026-11-30', from: new Date(end - 86_400_000).toISOString(), to: new Date(end).toISOString() },
    refreshSec: 10,
    degraded: null,
    panels: {
      tiles: { kpi: [], dataAsOf: new Date(now).toISOString(), stale: false, alertCounts: { red: n, orange: 0, yellow: 0, blue: 0 } },
    },
  };
}

/** A computation that counts its calls, how many run at once, and can be held open or made to fail. */
function harness(topics?: (key: AnswerKey) => ReadonlySet<string> | null) {
  const s = {
    calls: 0,
    running: 0,
    maxRunning: 0,
    fresh: [] as boolean[],
    fail: null as Error | null,
    hold: null as Promise<void> | null,
    events: [] as WallEvent[],
  };
  const answers = new ZoneAnswers(
    async (_key, now, opts) => {
      s.calls++;
      s.fresh.push(opts.fresh);
      s.running++;
      s.maxRunning = Math.max(s.maxRunning, s.running);
      try {
        await (s.hold ?? Promise.resolve());
        if (s.fail) throw s.fail;
        return answer(now, s.calls);
      } finally {
        s.running--;
      }
    },
    { publish: (e) => s.events.push(e) },
    topics ? async (key) => topics(key) : null,
  );
  return { s, answers };
}

const flush = async () => {
  for (let i = 0; i < 10; i++) await Promise.resolve();
};

beforeEach(() => {
  vi.useFakeTimers({ now: T0 });
});
afterEach(() => {
  vi.useRealTimers();
  vi.restoreAllMocks();
});

describe('stored zone answers', () => {
  it('serve the stored answer to every request within the refresh interval, computed once', async () => {
    const { s, answers } = harness();
    const first = await Promise.all([answers.get(KEY, T0), answers.get(KEY, T0), answers.packed(KEY, T0, null)]);
    expect(s.calls).toBe(1);
    vi.setSystemTime(T0 + 9_000);
    const later = await answers.get(KEY, T0 + 9_000);
    const packed = await answers.packed(KEY, T0 + 9_000, first[2].sv);
    expect(s.calls).toBe(1);
    expect(later).toBe(first[0]);
    expect(later.seq).toBe(1);
    expect(packed.st).toBeUndefined();
    expect(answers.counts).toEqual({ request: 1, commit: 0, clock: 0 });
  });

  it('recompute once per window of commits, pushing one `zone` event with the new answer’s number', async () => {
    const { s, answers } = harness();
    await answers.get(KEY, T0);
    // Another zone asked long ago (past the live window): not kept fresh.
    await answers.get({ ...KEY, zoneId: 'old' }, T0);
    vi.setSystemTime(T0 + 200_000);
    await answers.get(KEY, T0 + 200_000); // past 2× the refresh: computed on request
    expect(s.calls).toBe(3);
    answers.committed();
    answers.committed();
    await vi.advanceTimersByTimeAsync(COMMIT_WINDOW_MS / 2);
    answers.committed();
    expect(s.calls).toBe(3);
    await vi.advanceTimersByTimeAsync(COMMIT_WINDOW_MS);
    await flush();
    expect(s.calls).toBe(4);
    expect(s.fresh.at(-1)).toBe(true); // past the KPI layer's short result cache
    expect(s.events).toEqual([
      { type: 'zone', layoutId: 'demo', zoneId: 'monitoring', scene: null, version: 1, seq: 4, at: T0 + 200_000 + COMMIT_WINDOW_MS },
    ]);
    // The screen fetching on the push gets that answer, without another computation.
    expect((await answers.get(KEY, T0 + 200_300)).seq).toBe(4);
    expect(s.calls).toBe(4);
  });

  it('recompute only the answers made of what committed; a commit naming nothing concerns all', async () => {
    const { s, answers } = harness((key) => (key.zoneId === 'fresh' ? null : new Set(key.zoneId === 'calls' ? ['cti.calls'] : ['alerts'])));
    for (const zoneId of ['calls', 'alerts', 'fresh']) await answers.get({ ...KEY, zoneId }, T0);
    await flush();
    const recomputed = async (topics?: string[]) => {
      s.events = [];
      answers.committed(topics);
      await vi.advanceTimersByTimeAsync(COMMIT_WINDOW_MS);
      await flush();
      return s.events.map((e) => (e.type === 'zone' ? e.zoneId : '')).sort();
    };
    expect(await recomputed(['cti.calls'])).toEqual(['calls', 'fresh']);
    expect(await recomputed(['billing.bills'])).toEqual(['fresh']);
    expect(await recomputed(['alerts', 'billing.bills'])).toEqual(['alerts', 'fresh']);
    expect(await recomputed()).toEqual(['alerts', 'calls', 'fresh']);
    expect(s.calls).toBe(3 + 2 + 1 + 2 + 3);
  });

  it('never recompute one zone twice at once: a commit during a recompute makes one more after it', async () => {
    const { s, answers } = harness();
    await answers.get(KEY, T0);
    let open!: () => void;
    s.hold = new Promise<void>((r) => (open = r));
    answers.committed();
    await vi.advanceTimersByTimeAsync(COMMIT_WINDOW_MS);
    expect(s.running).toBe(1);
    answers.committed();
    await vi.advanceTimersByTimeAsync(COMMIT_WINDOW_MS);
    answers.committed();
    await vi.advanceTimersByTimeAsync(COMMIT_WINDOW_MS);
    expect(s.calls).toBe(2);
    s.hold = null;
    open();
    await flush();
    await vi.advanceTimersByTimeAsync(0);
    await flush();
    expect(s.calls).toBe(3);
    expect(s.maxRunning).toBe(1);
    expect(s.events.map((e) => (e.type === 'zone' ? e.seq : null))).toEqual([2, 3]);
  });

  it('serve an answer past its interval while a recompute follows; compute one nobody kept fresh', async () => {
    const { s, answers } = harness();
    const a = await answers.get(KEY, T0);
    vi.setSystemTime(T0 + 12_000);
    expect(await answers.get(KEY, T0 + 12_000)).toBe(a); // served at once …
    expect(s.calls).toBe(2); // … the recompute began behind it
    await flush();
    expect((await answers.get(KEY, T0 + 12_000)).seq).toBe(2);
    vi.setSystemTime(T0 + 40_000);
    expect((await answers.get(KEY, T0 + 40_000)).seq).toBe(3); // 28 s old: past twice the interval, computed
    expect(s.events).toEqual([]); // the clock is not a commit: no push
  });

  it('compute a new answer at the business day’s end even within the interval', async () => {
    const { s, answers } = harness();
    await answers.get(KEY, DAY_END - 1_000);
    const next = await answers.get(KEY, DAY_END + 1_000);
    expect(s.calls).toBe(2);
    expect(next.businessDay.to).toBe(new Date(DAY_END + 86_400_000).toISOString());
  });

  it('keep the last good answer, marked stale and degraded, when the store fails; a first failure is shared', async () => {
    const { s, answers } = harness();
    vi.spyOn(console, 'error').mockImplementation(() => {});
    s.fail = new Error('connection refused');
    await expect(answers.get({ ...KEY, zoneId: 'other' }, T0)).rejects.toThrow('connection refused');
    await expect(answers.get({ ...KEY, zoneId: 'other' }, T0)).rejects.toThrow('connection refused');
    expect(s.calls).toBe(1);
    s.fail = null;
    const good = await answers.get(KEY, T0);
    s.fail = new Error('connection refused');
    vi.setSystemTime(T0 + 60_000);
    const bad = await answers.get(KEY, T0 + 60_000);
    expect(bad.degraded).toMatch(/last good data/);
    expect(bad.asOf).toBe(good.asOf);
    expect(Object.values(bad.panels).every((p) => p.stale)).toBe(true);
    // The commit after the failure brings the zone back.
    s.fail = null;
    answers.committed();
    await vi.advanceTimersByTimeAsync(COMMIT_WINDOW_MS);
    await flush();
    expect((await answers.get(KEY, T0 + 60_000)).degraded).toBeNull();
  });

  it('follow the clock only while a layout is watched, a little before the interval ends', async () => {
    const { s, answers } = harness();
    await answers.get(KEY, T0);
    await vi.advanceTimersByTimeAsync(20_000);
    expect(s.calls).toBe(1); // nobody watches: nothing recomputed
    const release = answers.watch('demo');
    await answers.get(KEY, Date.now());
    expect(s.calls).toBe(2);
    await vi.advanceTimersByTimeAsync(8_500);
    expect(s.calls).toBe(3);
    // The screen asking at its interval finds a fresh answer.
    vi.setSystemTime(Date.now() + 1_400);
    await answers.get(KEY, Date.now());
    expect(s.calls).toBe(3);
    release();
    await vi.advanceTimersByTimeAsync(30_000);
    expect(s.calls).toBe(3);
    expect(s.events).toEqual([]);
    answers.stop();
  });
});
