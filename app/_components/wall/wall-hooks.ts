'use client';

import { useQuery, useQueryClient, type QueryClient } from '@tanstack/react-query';
import { useEffect, useRef, useState } from 'react';
import { useTRPC } from '@/app/_trpc/client';
import type { ZoneSpec } from '@/server/wall/layout';
import { watchdogVerdict } from '@/server/wall/rotation';
import type { ZoneData } from '@/server/wall/types';
import { unpackZone, type ZoneStatic } from '@/server/wall/zone-pack';
import type { WallLayoutView, ZoneControlState } from './types';

// The screen side of the wall: the layout and its zones' control state kept live by server push (SSE) with a
// polling fallback, the server's clock, the canvas unit, each zone's data (fetched when the server pushes that
// it changed, polled as the fallback), and the heap watchdog.

export type Connection = 'connecting' | 'live' | 'polling';

const STREAM_SILENCE_MS = 12_000; // heartbeats come every 5 s
const POLL_MS = 2_000;

/** The layout and every zone's control state, pushed by the server within a second of a console action. */
export function useWallLive(initial: WallLayoutView, onBanner?: (data: unknown) => void) {
  const layoutId = initial.layout.id;
  const trpc = useTRPC();
  const qc = useQueryClient();
  const layoutQ = useQuery({
    ...trpc.wall.layout.queryOptions({ layoutId }),
    initialData: initial,
    staleTime: Infinity,
    refetchInterval: 5 * 60_000,
  });
  const view = layoutQ.data ?? initial;
  const [controls, setControls] = useState<Record<string, ZoneControlState>>(initial.controls);
  const [offset, setOffset] = useState(0);
  const [connection, setConnection] = useState<Connection>('connecting');
  const versionRef = useRef(initial.version);
  const bannerRef = useRef(onBanner);
  bannerRef.current = onBanner;
  versionRef.current = view.version;

  // A new layout version (an administrator saved): reload it; its controls come with it.
  useEffect(() => setControls(view.controls), [view.controls]);

  useEffect(() => {
    let es: EventSource | null = null;
    let lastMessage = Date.now();
    let live = false;
    let stopped = false;
    const clock = (serverNow: number) => {
      const next = serverNow - Date.now();
      setOffset((o) => (Math.abs(o - next) > 250 ? next : o));
    };
    const seen = () => {
      lastMessage = Date.now();
      if (!live) {
        live = true;
        setConnection('live');
      }
    };
    const refetchLayout = () => void qc.invalidateQueries({ queryKey: trpc.wall.layout.queryKey({ layoutId }) });
    const onVersion = (v: number) => {
      if (v !== versionRef.current) refetchLayout();
    };
    const connect = () => {
      es?.close();
      es = new EventSource(`/api/wall/${encodeURIComponent(layoutId)}/events`);
      es.addEventListener('snapshot', (e) => {
        const d = JSON.parse((e as MessageEvent<string>).data) as {
          controls: Record<string, ZoneControlState>;
          version: number;
          serverNow: number;
        };
        seen();
        clock(d.serverNow);
        setControls(d.controls);
        onVersion(d.version);
      });
      es.addEventListener('control', (e) => {
        const d = JSON.parse((e as MessageEvent<string>).data) as {
          zoneId: string;
          control: ZoneControlState;
          updatedBy: string;
          at: number;
          serverNow: number;
        };
        seen();
        clock(d.serverNow);
        setControls((c) => ({ ...c, [d.zoneId]: { ...d.control, updatedBy: d.updatedBy, updatedAt: new Date(d.at).toISOString() } }));
      });
      es.addEventListener('layout', (e) => {
        seen();
        onVersion((JSON.parse((e as MessageEvent<string>).data) as { version: number }).version);
      });
      // A zone's answer was recomputed after data committed: the screens showing that zone and scene fetch it
      // now, unless they hold that very answer already.
      es.addEventListener('zone', (e) => {
        seen();
        const d = JSON.parse((e as MessageEvent<string>).data) as { zoneId: string; scene: string | null; seq: number };
        void qc.invalidateQueries({
          queryKey: zoneQueryKey(layoutId, d.zoneId, d.scene),
          exact: true,
          predicate: (query) => (query.state.data as ZoneData | undefined)?.seq !== d.seq,
        });
      });
      // A red alert for a unit on this wall (AlertBanner shows it).
      es.addEventListener('banner', (e) => {
        seen();
        bannerRef.current?.(JSON.parse((e as MessageEvent<string>).data));
      });
      es.addEventListener('heartbeat', (e) => {
        seen();
        clock((JSON.parse((e as MessageEvent<string>).data) as { serverNow: number }).serverNow);
      });
      // Revoked (the screen's display token, or the person disabled): stop and ask for pairing or sign-in again.
      es.addEventListener('revoked', (e) => {
        stopped = true;
        es?.close();
        const { reason } = JSON.parse((e as MessageEvent<string>).data) as { reason: string };
        window.location.href = reason === 'token-revoked' ? '/wall/pair?revoked=1' : '/sign-in';
      });
      es.onerror = () => {
        live = false;
        setConnection('polling');
        // The browser retries by itself while the stream is CONNECTING; a CLOSED one (the server refused) we reopen.
        if (es?.readyState === EventSource.CLOSED) window.setTimeout(() => !stopped && connect(), 3_000);
      };
    };
    connect();

    // A stream can die silently (a proxy, a suspended network): no heartbeat for 12 s means reconnect.
    const silence = window.setInterval(() => {
      if (Date.now() - lastMessage > STREAM_SILENCE_MS) {
        live = false;
        setConnection('polling');
        lastMessage = Date.now();
        connect();
      }
    }, 2_000);

    // While the stream is down, poll the control state (cheap: one small relational read).
    const poll = window.setInterval(async () => {
      if (live) return;
      try {
        const s = await qc.fetchQuery({ ...trpc.wall.state.queryOptions({ layoutId }), staleTime: 0 });
        clock(s.serverNow);
        setControls(s.controls);
        onVersion(s.version);
      } catch (err) {
        // Signed out or revoked while the stream was down: the same as a `revoked` event.
        if ((err as { data?: { code?: string } } | null)?.data?.code === 'UNAUTHORIZED') {
          stopped = true;
          // eslint-disable-next-line @next/next/no-location-assign-relative-destination -- a full load on purpose: no cached data of the ended session may survive
          window.location.href = '/wall/pair?revoked=1';
        }
        // Otherwise the server is unreachable: the screens keep what they have; the panels say so.
      }
    }, POLL_MS);

    return () => {
      stopped = true;
      es?.close();
      window.clearInterval(silence);
      window.clearInterval(poll);
    };
  }, [layoutId, qc, trpc]);

  return { view, controls, offset, connection };
}

/** Server time, ticking every second (rotation and clocks run on the server's clock, not the screen's). */
export function useServerNow(offset: number, periodMs = 1000): number {
  // 0 until mounted: the server render and the first browser render must agree (no clock text in the HTML).
  const [now, setNow] = useState(0);
  useEffect(() => {
    setNow(Date.now() + offset);
    let timer = 0;
    const tick = () => {
      setNow(Date.now() + offset);
      timer = window.setTimeout(tick, periodMs - (Date.now() % periodMs) + 5);
    };
    timer = window.setTimeout(tick, periodMs - (Date.now() % periodMs) + 5);
    return () => window.clearTimeout(timer);
  }, [offset, periodMs]);
  return now;
}

export type ScaleMode = 'exact' | 'fit' | 'auto';

/**
 * CSS px per canvas px. `exact`: one canvas pixel is one device pixel (1 / devicePixelRatio), what a screen of
 * the canvas's own size shows, sharp under any OS display scaling. `fit`: the box fills the window (layout at
 * that size, never a transform). `auto`: exact when the box fits the window at device pixels, else fit.
 * Follows window resizes and devicePixelRatio changes (a window moved to another screen). Null until mounted.
 */
export function useCanvasUnit(width: number, height: number, mode: ScaleMode): number | null {
  const [unit, setUnit] = useState<number | null>(null);
  useEffect(() => {
    let mq: MediaQueryList | null = null;
    const compute = () => {
      const dpr = window.devicePixelRatio || 1;
      const vw = window.innerWidth;
      const vh = window.innerHeight;
      const exact = 1 / dpr;
      const fit = Math.min(vw / width, vh / height);
      setUnit(mode === 'exact' ? exact : mode === 'fit' ? fit : width * exact <= vw + 1 && height * exact <= vh + 1 ? exact : fit);
    };
    const watchDpr = () => {
      mq?.removeEventListener('change', onDpr);
      mq = window.matchMedia(`(resolution: ${window.devicePixelRatio || 1}dppx)`);
      mq.addEventListener('change', onDpr);
    };
    const onDpr = () => {
      compute();
      watchDpr();
    };
    compute();
    watchDpr();
    window.addEventListener('resize', compute);
    return () => {
      window.removeEventListener('resize', compute);
      mq?.removeEventListener('change', onDpr);
    };
  }, [width, height, mode]);
  return unit;
}

/** The query key of a zone's data on a screen (decoded ZoneData), per layout, zone and scene. */
export const zoneQueryKey = (layoutId: string, zoneId: string, scene: string | null) =>
  ['wall.zoneData', { layoutId, zoneId, scene }] as const;

/**
 * A zone's data: the server's stored answer, fetched packed (wall.zoneDataPacked: figures as columns, the
 * static part of org names and hall places only when the one held here is not current) and decoded into the
 * ZoneData the panels read. Fetched at once when the push stream says the answer changed (useWallLive), and
 * every refresh interval as the fallback.
 */
export function useZoneData(layoutId: string, zone: ZoneSpec, scene: string | null, serverNow: number) {
  const trpc = useTRPC();
  const qc = useQueryClient();
  // The static part held per scene: the only state of the decoder.
  const statics = useRef(new Map<string, ZoneStatic>());
  const q = useQuery({
    queryKey: zoneQueryKey(layoutId, zone.id, scene),
    queryFn: async (): Promise<ZoneData> => {
      const slot = scene ?? '';
      const held = statics.current.get(slot) ?? null;
      const ask = (staticVersion: string | null) =>
        qc.fetchQuery({
          ...trpc.wall.zoneDataPacked.queryOptions({ layoutId, zoneId: zone.id, scene, staticVersion }),
          staleTime: 0,
          gcTime: 0,
          retry: 0,
        });
      let packed = await ask(held?.v ?? null);
      // Another process answered with another static version than the one held: ask once more for it whole.
      if (!packed.st && packed.sv !== held?.v) packed = await ask(null);
      if (packed.st) statics.current.set(slot, packed.st);
      return unpackZone(packed, packed.st ?? held);
    },
    refetchInterval: zone.refreshSec * 1000,
    refetchIntervalInBackground: true,
    staleTime: 0,
    retry: 0,
  });
  const data = q.data;
  const dayEnd = data ? Date.parse(data.businessDay.to) : NaN;
  const rollingOver = Number.isFinite(dayEnd) && serverNow >= dayEnd;
  // At the business calendar's reset time, ask at once rather than at the next refresh: "today" is a new day.
  const { refetch } = q;
  useEffect(() => {
    if (!Number.isFinite(dayEnd)) return;
    const wait = dayEnd - serverNow + 500;
    if (wait <= 0) {
      const t = window.setTimeout(() => void refetch(), 2_000);
      return () => window.clearTimeout(t);
    }
    const t = window.setTimeout(() => void refetch(), Math.min(wait, 2 ** 31 - 1));
    return () => window.clearTimeout(t);
    // serverNow ticks each second; only the day's end matters for the timer.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [dayEnd, refetch, rollingOver]);
  // No good answer for two refreshes (and at least 20 s): the server or the network is down.
  const lastOk = q.dataUpdatedAt;
  const offline = lastOk > 0 ? Date.now() - lastOk > Math.max(2 * zone.refreshSec, 20) * 1000 : q.isError;
  return { data, offline, rollingOver, error: q.error, lastOk };
}

const STASH_KEY = 'wall:stash';

/** Before a soft reload: the zone data on screen, so the page comes back showing it (with its true age). */
export function stashZoneData(qc: QueryClient) {
  const entries = qc
    .getQueryCache()
    .findAll()
    .filter((q) => q.queryKey[0] === zoneQueryKey('', '', null)[0] && q.state.data)
    .map((q) => [q.queryKey, q.state.data, q.state.dataUpdatedAt]);
  try {
    sessionStorage.setItem(STASH_KEY, JSON.stringify({ at: Date.now(), entries }));
  } catch {
    // Storage full or disabled: the page reloads without it and asks the server.
  }
}

/** After a soft reload: put the stashed zone data back (once), if it is recent. */
export function restoreZoneData(qc: QueryClient) {
  try {
    const raw = sessionStorage.getItem(STASH_KEY);
    if (!raw) return;
    sessionStorage.removeItem(STASH_KEY);
    const stash = JSON.parse(raw) as { at: number; entries: [unknown[], ZoneData, number][] };
    if (Date.now() - stash.at > 10 * 60_000) return;
    for (const [key, data, at] of stash.entries) qc.setQueryData(key, data, { updatedAt: at });
  } catch {
    // A bad stash is ignored.
  }
}

interface ChromeMemory {
  usedJSHeapSize: number;
  jsHeapSizeLimit: number;
}

/**
 * Samples the JS heap once a minute (performance.memory, Chromium) and soft-reloads the page when the heap
 * keeps growing (see watchdogVerdict). The zone state lives on the server and the data on screen is stashed,
 * so the screen comes back where it was.
 */
export function useHeapWatchdog(qc: QueryClient) {
  useEffect(() => {
    const mem = (performance as Performance & { memory?: ChromeMemory }).memory;
    if (!mem) return;
    const samples: { at: number; used: number }[] = [];
    const id = window.setInterval(() => {
      const m = (performance as Performance & { memory?: ChromeMemory }).memory!;
      samples.push({ at: Date.now(), used: m.usedJSHeapSize });
      if (samples.length > 24 * 60) samples.splice(0, samples.length - 24 * 60);
      const v = watchdogVerdict(samples, m.jsHeapSizeLimit);
      if (v.reload) {
        console.warn(`[wall] watchdog: ${v.reason}; soft reload`);
        stashZoneData(qc);
        window.location.reload();
      }
    }, 60_000);
    return () => window.clearInterval(id);
  }, [qc]);
}
