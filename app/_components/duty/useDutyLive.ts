'use client';

import { useQueryClient } from '@tanstack/react-query';
import { useCallback, useEffect, useRef, useState } from 'react';
import { useTRPC } from '@/app/_trpc/client';
import type { Translate } from '../../_i18n/locale';
import { subscribeDutyStream } from '../toast/duty-stream';
import { MUTE_KEY, parseDutyEvent, shouldRing, type DutyEventLike } from './red-alert';

/** How often the desk refetches when the event stream is down. */
export const FALLBACK_REFRESH_MS = 30_000;

/** A short two-tone beep from the Web Audio API (no sound file). */
export function beep(): void {
  try {
    const Ctx = window.AudioContext ?? (window as unknown as { webkitAudioContext?: typeof AudioContext }).webkitAudioContext;
    if (!Ctx) return;
    const ctx = new Ctx();
    const gain = ctx.createGain();
    gain.gain.value = 0.15;
    gain.connect(ctx.destination);
    [880, 660, 880].forEach((freq, i) => {
      const osc = ctx.createOscillator();
      osc.type = 'square';
      osc.frequency.value = freq;
      osc.connect(gain);
      const t0 = ctx.currentTime + i * 0.22;
      osc.start(t0);
      osc.stop(t0 + 0.18);
    });
    setTimeout(() => void ctx.close().catch(() => undefined), 1_000);
  } catch {
    // no audio on this device
  }
}

/**
 * The desk's live link: the tab's one /api/duty/events stream (Server-Sent Events, shared through
 * ../toast/duty-stream). Every `alert` event refreshes the duty queries at once; a red alert that has just
 * fired rings (unless muted) and shows a desktop notification (when granted). `live` is false while the
 * stream is down: the queries then refetch every 30 s.
 */
export function useDutyLive(t: Translate, locale: string) {
  const trpc = useTRPC();
  const qc = useQueryClient();
  const [live, setLive] = useState(false);
  const [muted, setMutedState] = useState(false);
  const [permission, setPermission] = useState<NotificationPermission | 'unsupported'>('default');
  const mutedRef = useRef(false);
  const rung = useRef(new Set<string>());
  const textRef = useRef({ t, locale });

  useEffect(() => {
    textRef.current = { t, locale };
  }, [t, locale]);

  useEffect(() => {
    const m = window.localStorage.getItem(MUTE_KEY) === '1';
    mutedRef.current = m;
    setMutedState(m);
    setPermission(typeof Notification === 'undefined' ? 'unsupported' : Notification.permission);
  }, []);

  const setMuted = useCallback((m: boolean) => {
    mutedRef.current = m;
    setMutedState(m);
    try {
      window.localStorage.setItem(MUTE_KEY, m ? '1' : '0');
    } catch {
      // storage unavailable: the toggle lasts for this page
    }
  }, []);

  const askPermission = useCallback(async () => {
    if (typeof Notification === 'undefined') return;
    setPermission(await Notification.requestPermission());
  }, []);

  useEffect(() => {
    let refreshTimer: ReturnType<typeof setTimeout> | null = null;
    const refresh = () => {
      // Several events in a burst: one refresh.
      if (refreshTimer) return;
      refreshTimer = setTimeout(() => {
        refreshTimer = null;
        void qc.invalidateQueries({ queryKey: trpc.duty.pathKey() });
        void qc.invalidateQueries({ queryKey: trpc.supervision.pathKey() });
      }, 150);
    };
    // The tab's one stream, shared with the alert toasts.
    const unsubscribe = subscribeDutyStream(
      (event, data) => {
        if (event !== 'alert') return;
        // The stream hands the payload parsed; parseDutyEvent validates it from its text.
        const e = parseDutyEvent(JSON.stringify(data));
        if (!e) return;
        refresh();
        if (shouldRing(e, mutedRef.current, rung.current)) ring(e, textRef.current.t, textRef.current.locale);
      },
      { onStatus: setLive },
    );
    return () => {
      unsubscribe();
      if (refreshTimer) clearTimeout(refreshTimer);
    };
  }, [qc, trpc]);

  return { live, muted, setMuted, permission, askPermission };
}

function ring(e: DutyEventLike, t: Translate, locale: string) {
  beep();
  if (typeof Notification === 'undefined' || Notification.permission !== 'granted') return;
  try {
    const title = t('duty.notify.title', { org: e.orgName ?? '' });
    const n = new Notification(title, { body: (locale === 'en' && e.titleEn) || e.title, tag: `duty-${e.eventId}` });
    n.onclick = () => {
      window.focus();
      n.close();
    };
  } catch {
    // some browsers allow notifications only from a service worker
  }
}
