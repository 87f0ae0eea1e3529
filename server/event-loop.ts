import { monitorEventLoopDelay, type IntervalHistogram } from 'node:perf_hooks';

// How long the process's event loop was held by synchronous work (a big JSON body, SQLite's synchronous driver,
// a transform loop): every request, SSE push and cron tick waits that long. Health reports it per minute, so
// background work that starves the screens shows as a number, not a feeling.

export interface EventLoopDelay {
  /** The window the figures describe (the last full minute, or the minute so far just after start). */
  windowSeconds: number;
  meanMs: number;
  p99Ms: number;
  maxMs: number;
}

interface Monitor {
  histogram: IntervalHistogram;
  windowStart: number;
  last: EventLoopDelay | null;
}

const WINDOW_MS = 60_000;
// One monitor per process: Next bundles this module apart from the custom server, and both copies ask.
const KEY = Symbol.for('yingxiao.event-loop-monitor');

function monitor(): Monitor {
  const g = globalThis as { [KEY]?: Monitor };
  if (!g[KEY]) {
    const histogram = monitorEventLoopDelay({ resolution: 10 });
    histogram.enable();
    const m: Monitor = { histogram, windowStart: Date.now(), last: null };
    setInterval(() => {
      m.last = summarise(m.histogram, (Date.now() - m.windowStart) / 1000);
      m.histogram.reset();
      m.windowStart = Date.now();
    }, WINDOW_MS).unref();
    g[KEY] = m;
  }
  return g[KEY];
}

const ms = (ns: number) => Math.round(ns / 1e4) / 100;

function summarise(h: IntervalHistogram, seconds: number): EventLoopDelay {
  const n = h.count;
  return {
    windowSeconds: Math.round(seconds),
    meanMs: n ? ms(h.mean) : 0,
    p99Ms: n ? ms(h.percentile(99)) : 0,
    maxMs: n ? ms(h.max) : 0,
  };
}

/** Starts watching (call at boot, so the first minute is measured too). */
export const watchEventLoop = (): void => void monitor();

/** The last full minute's delays, or the current minute's before one has passed. */
export function eventLoopDelay(): EventLoopDelay {
  const m = monitor();
  return m.last ?? summarise(m.histogram, (Date.now() - m.windowStart) / 1000);
}
