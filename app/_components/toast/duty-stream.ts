import { backoffMs } from './toast-queue';

// One server-push stream of duty events per tab (/api/duty/events), shared by every subscriber (the toasts,
// and any page that wants the same events). Opened with the first subscriber, closed with the last; after a
// failure it reopens with back-off (1 s doubling to 60 s); a `revoked` event ends it for good. Subscribers may
// also follow whether it is up (`onStatus`), e.g. to poll while it is down.

export type DutyStreamListener = (event: string, data: unknown) => void;
/** Told whether the stream is up: true once it opens or hears from the server, false while it is down. */
export type DutyStreamStatusListener = (live: boolean) => void;

const EVENTS = ['hello', 'alert', 'heartbeat', 'revoked'] as const;
const SILENCE_MS = 45_000; // heartbeats come every 15 s

interface StreamState {
  listeners: Set<DutyStreamListener>;
  statusListeners: Set<DutyStreamStatusListener>;
  live: boolean;
  es: EventSource | null;
  failures: number;
  retry: number | null;
  watchdog: number | null;
  lastMessage: number;
  revoked: boolean;
}

// Kept on window so that a hot reload or a second copy of this module still shares the one stream.
const KEY = '__yingxiaoDutyStream';
function state(): StreamState {
  const w = window as unknown as Record<string, StreamState | undefined>;
  const s = (w[KEY] ??= {
    listeners: new Set(),
    statusListeners: new Set(),
    live: false,
    es: null,
    failures: 0,
    retry: null,
    watchdog: null,
    lastMessage: 0,
    revoked: false,
  });
  // A state left by an older copy of this module (hot reload) lacks the status fields.
  s.statusListeners ??= new Set();
  s.live ??= false;
  return s;
}

function setLive(s: StreamState, live: boolean) {
  if (s.live === live) return;
  s.live = live;
  for (const l of [...s.statusListeners]) {
    try {
      l(live);
    } catch (err) {
      console.error('[duty-stream] status listener failed:', err);
    }
  }
}

function emit(s: StreamState, event: string, data: unknown) {
  for (const l of [...s.listeners]) {
    try {
      l(event, data);
    } catch (err) {
      console.error('[duty-stream] listener failed:', err);
    }
  }
}

function close(s: StreamState) {
  s.es?.close();
  s.es = null;
  if (s.retry !== null) window.clearTimeout(s.retry);
  if (s.watchdog !== null) window.clearInterval(s.watchdog);
  s.retry = null;
  s.watchdog = null;
  setLive(s, false);
}

function scheduleReconnect(s: StreamState) {
  s.es?.close();
  s.es = null;
  setLive(s, false);
  if (s.retry !== null || s.revoked || s.listeners.size === 0) return;
  const delay = backoffMs(s.failures++);
  s.retry = window.setTimeout(() => {
    s.retry = null;
    open(s);
  }, delay);
}

function open(s: StreamState) {
  if (s.es || s.revoked || s.listeners.size === 0 || typeof EventSource === 'undefined') return;
  const es = new EventSource('/api/duty/events');
  s.es = es;
  s.lastMessage = Date.now();
  for (const name of EVENTS) {
    es.addEventListener(name, (e) => {
      if (s.es !== es) return;
      s.lastMessage = Date.now();
      if (name !== 'revoked') setLive(s, true);
      let data: unknown = null;
      try {
        data = JSON.parse((e as MessageEvent<string>).data);
      } catch {
        return;
      }
      if (name === 'hello') s.failures = 0;
      if (name === 'revoked') {
        s.revoked = true;
        close(s);
      }
      emit(s, name, data);
    });
  }
  es.onopen = () => {
    if (s.es === es) setLive(s, true);
  };
  // We reconnect ourselves (with back-off), rather than the browser's fixed 3 s retry.
  es.onerror = () => {
    if (s.es === es) scheduleReconnect(s);
  };
  s.watchdog ??= window.setInterval(() => {
    if (s.es && Date.now() - s.lastMessage > SILENCE_MS) scheduleReconnect(s);
  }, 5_000);
}

/**
 * Subscribes to the tab's duty event stream; returns the unsubscribe. `onStatus` is told the stream's state
 * at once and on every change (up / down).
 */
export function subscribeDutyStream(listener: DutyStreamListener, opts: { onStatus?: DutyStreamStatusListener } = {}): () => void {
  const s = state();
  const { onStatus } = opts;
  s.listeners.add(listener);
  if (onStatus) s.statusListeners.add(onStatus);
  open(s);
  onStatus?.(s.live);
  return () => {
    s.listeners.delete(listener);
    if (onStatus) s.statusListeners.delete(onStatus);
    if (s.listeners.size === 0) close(s);
  };
}
