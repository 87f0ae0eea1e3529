import { describe, expect, it } from 'vitest';
import { zoneSchema, type ZoneSpec } from '@/server/wall/layout';
import {
  activePanels,
  applyControl,
  burnInShift,
  ControlError,
  DEFAULT_CONTROL,
  pagesOf,
  rotationAt,
  watchdogVerdict,
} from '@/server/wall/rotation';

// The zone rotation is a pure function of the stored control state and the clock: every screen of a zone
// computes the same page; console actions are state transitions anchored at "now".

const zone: ZoneSpec = zoneSchema.parse({
  id: 'monitoring',
  kind: 'monitoring',
  name: { zh: '监控区', en: 'Monitoring' },
  rect: { x: 0, y: 0, w: 1920, h: 1080 },
  panels: [
    { id: 'a', type: 'kpi_tiles', durationSec: 10 },
    { id: 'b', type: 'alert_list', durationSec: 20 },
    { id: 'c', type: 'freshness', durationSec: 30 },
  ],
  scenes: [
    {
      id: 'storm',
      name: { zh: '风暴应急', en: 'Storm' },
      panels: [
        { id: 's1', type: 'alert_list', durationSec: 15 },
        { id: 's2', type: 'kpi_tiles', durationSec: 15 },
      ],
    },
  ],
});
const T0 = Date.UTC(2026, 10, 30, 2, 0, 0);
const S = 1000;
const ids = (v: { panels: { id: string }[] }) => v.panels.map((p) => p.id).join(',');

describe('rotationAt', () => {
  it('walks the panels by their own durations and wraps around', () => {
    const c = { ...DEFAULT_CONTROL, since: T0 };
    expect(ids(rotationAt(zone, c, T0))).toBe('a');
    expect(ids(rotationAt(zone, c, T0 + 9_999))).toBe('a');
    expect(ids(rotationAt(zone, c, T0 + 10 * S))).toBe('b');
    expect(ids(rotationAt(zone, c, T0 + 29 * S))).toBe('b');
    expect(ids(rotationAt(zone, c, T0 + 30 * S))).toBe('c');
    const wrapped = rotationAt(zone, c, T0 + 60 * S + 12 * S); // one cycle (60 s) later, 12 s in: b
    expect(ids(wrapped)).toBe('b');
    expect(wrapped.pageStartedAt).toBe(T0 + 70 * S);
    expect(wrapped.nextAt).toBe(T0 + 90 * S);
  });

  it('is the same on every screen at the same instant, whenever it started rendering', () => {
    const c = { ...DEFAULT_CONTROL, index: 1, since: T0 };
    const at = T0 + 123_456_789;
    expect(rotationAt(zone, c, at)).toEqual(rotationAt(zone, structuredClone(c), at));
    // Starting at page 1 (b, 20 s): b, c, a, b …
    expect(ids(rotationAt(zone, c, T0 + 20 * S))).toBe('c');
    expect(ids(rotationAt(zone, c, T0 + 50 * S))).toBe('a');
  });

  it('groups panels into pages of `columns`, each as long as its longest panel', () => {
    const two = { ...zone, columns: 2 };
    expect(pagesOf(zone.panels, 2).map((p) => [p.panels.map((x) => x.id).join(''), p.durationMs])).toEqual([
      ['ab', 20_000],
      ['c', 30_000],
    ]);
    const c = { ...DEFAULT_CONTROL, since: T0 };
    expect(ids(rotationAt(two, c, T0 + 19 * S))).toBe('a,b');
    expect(ids(rotationAt(two, c, T0 + 20 * S))).toBe('c');
    expect(rotationAt(two, c, T0).pages).toBe(2);
  });

  it('holds a pinned panel and a paused page; a clock behind `since` shows the start page', () => {
    expect(ids(rotationAt(zone, { ...DEFAULT_CONTROL, pinned: 'c', since: T0 }, T0 + 999 * S))).toBe('c');
    const paused = rotationAt(zone, { ...DEFAULT_CONTROL, paused: true, index: 1, since: T0 }, T0 + 999 * S);
    expect([ids(paused), paused.nextAt]).toEqual(['b', null]);
    expect(ids(rotationAt(zone, { ...DEFAULT_CONTROL, index: 2, since: T0 }, T0 - 5 * S))).toBe('c');
  });

  it('falls back to the zone panels for a scene or a pin that left the layout', () => {
    const v = rotationAt(zone, { ...DEFAULT_CONTROL, scene: 'gone', pinned: 'zz', since: T0 }, T0);
    expect([v.scene, v.pinned, ids(v)]).toEqual([null, null, 'a']);
    expect(activePanels(zone, 'storm').map((p) => p.id)).toEqual(['s1', 's2']);
  });
});

describe('applyControl', () => {
  it('pins a panel of the current list; unpin resumes rotation from there with a full duration', () => {
    const pinned = applyControl(zone, { ...DEFAULT_CONTROL, since: T0 }, { type: 'pin', panelId: 'c' }, T0 + 5 * S);
    expect(pinned).toMatchObject({ pinned: 'c', index: 2, since: T0 + 5 * S });
    const later = T0 + 500 * S;
    expect(ids(rotationAt(zone, pinned, later))).toBe('c');
    const unpinned = applyControl(zone, pinned, { type: 'unpin' }, later);
    expect(ids(rotationAt(zone, unpinned, later + 29 * S))).toBe('c');
    expect(ids(rotationAt(zone, unpinned, later + 30 * S))).toBe('a');
    expect(() => applyControl(zone, pinned, { type: 'pin', panelId: 's1' }, later)).toThrow(ControlError);
  });

  it('advances from the page shown now (forwards and back), releasing a pin', () => {
    const c = { ...DEFAULT_CONTROL, since: T0 };
    const now = T0 + 15 * S; // showing b
    expect(ids(rotationAt(zone, applyControl(zone, c, { type: 'advance' }, now), now))).toBe('c');
    expect(ids(rotationAt(zone, applyControl(zone, c, { type: 'advance', step: -1 }, now), now))).toBe('a');
    expect(ids(rotationAt(zone, applyControl(zone, c, { type: 'advance', step: -2 }, now), now))).toBe('c');
    const fromPin = applyControl(zone, { ...c, pinned: 'a' }, { type: 'advance' }, now);
    expect([fromPin.pinned, ids(rotationAt(zone, fromPin, now))]).toEqual([null, 'b']);
  });

  it('pauses on the page shown and resumes it with a full duration', () => {
    const c = { ...DEFAULT_CONTROL, since: T0 };
    const paused = applyControl(zone, c, { type: 'pause' }, T0 + 35 * S); // showing c
    expect(ids(rotationAt(zone, paused, T0 + 3600 * S))).toBe('c');
    const resumed = applyControl(zone, paused, { type: 'resume' }, T0 + 3600 * S);
    expect(ids(rotationAt(zone, resumed, T0 + 3629 * S))).toBe('c');
    expect(ids(rotationAt(zone, resumed, T0 + 3630 * S))).toBe('a');
    // Advancing a paused zone moves the held page and stays paused.
    const stepped = applyControl(zone, paused, { type: 'advance' }, T0 + 40 * S);
    expect([stepped.paused, ids(rotationAt(zone, stepped, T0 + 999 * S))]).toEqual([true, 'a']);
  });

  it('switches to a scene from its first panel and back; an unknown scene is refused', () => {
    const storm = applyControl(zone, { ...DEFAULT_CONTROL, pinned: 'b', since: T0 }, { type: 'scene', sceneId: 'storm' }, T0 + S);
    expect(storm).toMatchObject({ scene: 'storm', pinned: null, index: 0 });
    expect(ids(rotationAt(zone, storm, T0 + 16 * S))).toBe('s2');
    const back = applyControl(zone, storm, { type: 'scene', sceneId: null }, T0 + 20 * S);
    expect(ids(rotationAt(zone, back, T0 + 20 * S))).toBe('a');
    expect(() => applyControl(zone, storm, { type: 'scene', sceneId: 'nope' }, T0)).toThrow(/no scene nope/);
    expect(applyControl(zone, storm, { type: 'reset' }, T0 + 50 * S)).toEqual({ ...DEFAULT_CONTROL, since: T0 + 50 * S });
  });
});

describe('burn-in and watchdog', () => {
  it('moves static elements a few pixels every 3 minutes, in step on every screen', () => {
    const a = burnInShift(T0);
    const b = burnInShift(T0 + 180_000);
    expect(Math.max(Math.abs(a.x), Math.abs(a.y), Math.abs(b.x), Math.abs(b.y))).toBeLessThanOrEqual(4);
    expect([a.x, a.y]).not.toEqual([b.x, b.y]);
    expect(burnInShift(a.nextAt - 1)).toEqual(a);
    const seen = new Set(
      Array.from({ length: 9 }, (_, i) => JSON.stringify([burnInShift(T0 + i * 180_000).x, burnInShift(T0 + i * 180_000).y])),
    );
    expect(seen.size).toBe(9);
  });

  const MB = 1024 * 1024;
  const series = (minutes: number, heap: (m: number) => number) =>
    Array.from({ length: minutes }, (_, m) => ({ at: T0 + m * 60_000, used: heap(m) }));

  it('leaves a heap that saws around a level alone, however long it runs', () => {
    const healthy = series(24 * 60, (m) => 80 * MB + (m % 7) * 10 * MB);
    expect(watchdogVerdict(healthy, 4096 * MB).reload).toBe(false);
  });

  it('reloads when the heap floor keeps rising, or near the limit', () => {
    const leaking = series(120, (m) => 80 * MB + m * 1.5 * MB + (m % 5) * 8 * MB);
    const v = watchdogVerdict(leaking, 4096 * MB);
    expect(v.reload).toBe(true);
    expect(v.reason).toMatch(/floor grew/);
    expect(
      watchdogVerdict(
        series(40, (m) => 80 * MB + m * 1.5 * MB),
        4096 * MB,
      ).reload,
    ).toBe(false); // too early to tell
    expect(watchdogVerdict([{ at: T0, used: 3900 * MB }], 4096 * MB)).toMatchObject({ reload: true });
  });
});
