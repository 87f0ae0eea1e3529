import { InvalidError } from '@/core/errors';
import type { PanelSpec, ZoneControl, ZoneSpec } from './layout';

// Rotation and console control of one zone, as pure functions of (zone, control state, now). Every screen of
// a zone computes the page it shows from the same stored state {scene, pinned, paused, index, since} and the
// panels' durations, so all of them show the same panel at the same time without talking to each other; the
// server only stores and pushes the state when the console changes it. No clocks are read here.

export const DEFAULT_CONTROL: ZoneControl = { scene: null, pinned: null, paused: false, index: 0, since: 0 };

/** The panel list the zone shows: the scene's when a (still existing) scene is set, else the zone's own. */
export function activePanels(zone: Pick<ZoneSpec, 'panels' | 'scenes'>, scene: string | null): PanelSpec[] {
  if (scene) {
    const s = zone.scenes.find((x) => x.id === scene);
    if (s) return s.panels;
  }
  return zone.panels;
}

/** Pages of `columns` panels side by side; each page stays as long as its longest panel asks. */
export function pagesOf(panels: readonly PanelSpec[], columns: number): { panels: PanelSpec[]; durationMs: number }[] {
  const c = Math.max(1, columns);
  const pages: { panels: PanelSpec[]; durationMs: number }[] = [];
  for (let i = 0; i < panels.length; i += c) {
    const chunk = panels.slice(i, i + c);
    pages.push({ panels: chunk, durationMs: Math.max(...chunk.map((p) => p.durationSec)) * 1000 });
  }
  return pages;
}

export interface RotationView {
  /** Scene in effect (null = the zone's own panels; a scene removed from the layout falls back to null). */
  scene: string | null;
  /** Page shown now (0-based) and how many there are. */
  page: number;
  pages: number;
  /** Panels on the page shown now. */
  panels: PanelSpec[];
  /** Pinned panel in effect (null when none, or when the pinned panel left the list). */
  pinned: string | null;
  paused: boolean;
  /** When the page shown now started, and when the next one starts (null: pinned, paused or a single page). */
  pageStartedAt: number;
  nextAt: number | null;
}

const mod = (a: number, n: number) => ((a % n) + n) % n;

/** What a zone shows at `now`, from its stored control state. Deterministic: same inputs, same page. */
export function rotationAt(zone: Pick<ZoneSpec, 'panels' | 'scenes' | 'columns'>, control: ZoneControl, now: number): RotationView {
  const scene = control.scene && zone.scenes.some((s) => s.id === control.scene) ? control.scene : null;
  const list = activePanels(zone, scene);
  const pages = pagesOf(list, zone.columns);
  const n = pages.length;
  const pinnedAt = control.pinned ? list.findIndex((p) => p.id === control.pinned) : -1;
  const base = { scene, pages: n, paused: control.paused };
  if (pinnedAt >= 0) {
    const page = Math.floor(pinnedAt / Math.max(1, zone.columns));
    return { ...base, page, panels: pages[page]!.panels, pinned: control.pinned, pageStartedAt: control.since, nextAt: null };
  }
  const start = mod(control.index, n);
  if (control.paused || n === 1) {
    return { ...base, page: start, panels: pages[start]!.panels, pinned: null, pageStartedAt: control.since, nextAt: null };
  }
  // Walk the cycle from page `start` at `since`. A clock behind `since` (a screen whose time lags the server's)
  // shows the start page rather than guessing backwards.
  const cycle = pages.reduce((s, p) => s + p.durationMs, 0);
  const elapsed = Math.max(0, now - control.since);
  let t = control.since + Math.floor(elapsed / cycle) * cycle;
  let page = start;
  let rest = elapsed % cycle;
  while (rest >= pages[page]!.durationMs) {
    rest -= pages[page]!.durationMs;
    t += pages[page]!.durationMs;
    page = (page + 1) % n;
  }
  return { ...base, page, panels: pages[page]!.panels, pinned: null, pageStartedAt: t, nextAt: t + pages[page]!.durationMs };
}

export type ControlAction =
  | { type: 'pin'; panelId: string }
  | { type: 'unpin' }
  | { type: 'advance'; step?: number }
  | { type: 'pause' }
  | { type: 'resume' }
  | { type: 'scene'; sceneId: string | null }
  | { type: 'reset' };

export class ControlError extends InvalidError {
  constructor(message: string) {
    super(message);
    this.name = 'ControlError';
  }
}

/**
 * The console's actions as state transitions. Each one re-anchors `since` at `now`, so the page shown right
 * after an action gets its full duration and every screen agrees on what follows.
 */
export function applyControl(
  zone: Pick<ZoneSpec, 'id' | 'panels' | 'scenes' | 'columns'>,
  control: ZoneControl,
  action: ControlAction,
  now: number,
): ZoneControl {
  const view = rotationAt(zone, control, now);
  const columns = Math.max(1, zone.columns);
  switch (action.type) {
    case 'pin': {
      const at = activePanels(zone, view.scene).findIndex((p) => p.id === action.panelId);
      if (at < 0)
        throw new ControlError(`区域 ${zone.id} 当前没有面板 ${action.panelId} (no panel ${action.panelId} in zone ${zone.id} now)`);
      return { ...control, scene: view.scene, pinned: action.panelId, index: Math.floor(at / columns), since: now };
    }
    case 'unpin':
      return { ...control, scene: view.scene, pinned: null, index: view.page, since: now };
    case 'advance': {
      const step = action.step ?? 1;
      return { ...control, scene: view.scene, pinned: null, index: mod(view.page + step, view.pages), since: now };
    }
    case 'pause':
      return { ...control, scene: view.scene, paused: true, index: view.page, since: now };
    case 'resume':
      return { ...control, scene: view.scene, paused: false, index: view.page, since: now };
    case 'scene': {
      if (action.sceneId !== null && !zone.scenes.some((s) => s.id === action.sceneId)) {
        throw new ControlError(`区域 ${zone.id} 没有场景 ${action.sceneId} (no scene ${action.sceneId} in zone ${zone.id})`);
      }
      return { ...control, scene: action.sceneId, pinned: null, index: 0, since: now };
    }
    case 'reset':
      return { ...DEFAULT_CONTROL, since: now };
  }
}

// Burn-in care: the static parts of a screen (headers, frames, labels) move by a few canvas pixels every few
// minutes, along a small loop, the same on every screen at the same time.
export const BURN_IN_PERIOD_MS = 180_000;
const BURN_IN_STEPS: readonly [number, number][] = [
  [0, 0],
  [3, 0],
  [3, 3],
  [0, 3],
  [-3, 3],
  [-3, 0],
  [-3, -3],
  [0, -3],
  [3, -3],
];

/** Offset in canvas pixels at `now`, and when it next changes. */
export function burnInShift(now: number): { x: number; y: number; nextAt: number } {
  const step = Math.floor(now / BURN_IN_PERIOD_MS);
  const [x, y] = BURN_IN_STEPS[mod(step, BURN_IN_STEPS.length)]!;
  return { x, y, nextAt: (step + 1) * BURN_IN_PERIOD_MS };
}

/**
 * The client watchdog's decision from heap samples (one a minute, `performance.memory` where the browser has
 * it). A healthy page's heap saws up and down around a level; a leaking one keeps rising. Reload when the heap
 * is near its limit, or when the lowest heap of the last window is well above the lowest after warm-up — the
 * floor itself grew, which garbage collection would have brought down had it been collectable.
 */
export function watchdogVerdict(
  samples: readonly { at: number; used: number }[],
  limit: number | null,
  opts: { warmupMs?: number; windowMs?: number; growth?: number; minBytes?: number } = {},
): { reload: boolean; reason: string | null } {
  const warmupMs = opts.warmupMs ?? 10 * 60_000;
  const windowMs = opts.windowMs ?? 20 * 60_000;
  const growth = opts.growth ?? 1.5;
  const minBytes = opts.minBytes ?? 64 * 1024 * 1024;
  const last = samples[samples.length - 1];
  if (!last) return { reload: false, reason: null };
  if (limit && last.used > 0.85 * limit) return { reload: true, reason: `heap ${mb(last.used)} of ${mb(limit)} limit` };
  const first = samples[0]!;
  const early = samples.filter((s) => s.at >= first.at + warmupMs && s.at < first.at + warmupMs + windowMs);
  const recent = samples.filter((s) => s.at > last.at - windowMs);
  // Need a full baseline window and a recent window that does not overlap it.
  if (early.length < 3 || recent.length < 3 || recent[0]!.at < first.at + warmupMs + windowMs) return { reload: false, reason: null };
  const floorEarly = Math.min(...early.map((s) => s.used));
  const floorNow = Math.min(...recent.map((s) => s.used));
  if (floorNow > floorEarly * growth && floorNow - floorEarly > minBytes) {
    return { reload: true, reason: `heap floor grew from ${mb(floorEarly)} to ${mb(floorNow)}` };
  }
  return { reload: false, reason: null };
}

const mb = (b: number) => `${Math.round(b / 1048576)} MB`;
