'use client';

import { useQuery } from '@tanstack/react-query';
import Link from 'next/link';
import { usePathname } from 'next/navigation';
import { useCallback, useEffect, useRef, useState } from 'react';
import { useTRPC } from '@/app/_trpc/client';
import { formatClock } from '../../_i18n/format';
import { useLocale, useT } from '../../_i18n/LocaleProvider';
import { subscribeDutyStream } from './duty-stream';
import { expireToasts, extendToasts, nextExpiry, pushToast, toastFromEvent, toastsAllowedOn, type Toast } from './toast-queue';
import styles from './toast.module.css';

/**
 * Alert toasts on every signed-in page (mounted by PageShell): each alert that fires or escalates in the
 * user's org scope shows top right for 12 s (red until closed), with a link to it on the duty desk. Only for
 * users with alerts.read (what the stream itself demands); never on the wall or the acknowledgement page.
 * `enabled` lets a server component decide; without it, the signed-in user's permissions (auth.me) decide.
 */
export function AlertToasts({ enabled }: { enabled?: boolean }) {
  const trpc = useTRPC();
  const path = usePathname();
  const me = useQuery({ ...trpc.auth.me.queryOptions(), staleTime: 60_000, enabled: enabled === undefined });
  const allowed = (enabled ?? (me.data?.permissions ?? []).includes('alerts.read')) && toastsAllowedOn(path);
  return allowed ? <ToastStack /> : null;
}

/**
 * Where the stack starts: under the page's header, whose height depends on the language (the English navigation
 * wraps to two rows) and the window width; a fixed offset covered the sign-out and language switch.
 */
function useHeaderBottom(): number | undefined {
  const [bottom, setBottom] = useState<number>();
  useEffect(() => {
    const header = document.querySelector('header');
    if (!header) return;
    const measure = () => setBottom(header.offsetTop + header.offsetHeight + 12);
    measure();
    const ro = new ResizeObserver(measure);
    ro.observe(header);
    return () => ro.disconnect();
  }, []);
  return bottom;
}

function ToastStack() {
  const t = useT();
  const top = useHeaderBottom();
  const locale = useLocale();
  const [toasts, setToasts] = useState<readonly Toast[]>([]);
  const held = useRef(false);

  useEffect(
    () =>
      subscribeDutyStream((event, data) => {
        if (event !== 'alert') return;
        const toast = toastFromEvent(data, Date.now());
        if (toast) setToasts((list) => pushToast(list, toast));
      }),
    [],
  );

  // One timer for the next toast to go; none while the pointer or focus holds the stack.
  const [tick, setTick] = useState(0);
  useEffect(() => {
    const next = nextExpiry(toasts);
    if (next === null) return;
    const id = window.setTimeout(
      () => {
        if (held.current) setTick((n) => n + 1);
        else setToasts((list) => expireToasts(list, Date.now()));
      },
      Math.max(50, next - Date.now()),
    );
    return () => window.clearTimeout(id);
  }, [toasts, tick]);

  const hold = useCallback(() => {
    held.current = true;
  }, []);
  const release = useCallback(() => {
    held.current = false;
    setToasts((list) => extendToasts(list, Date.now()));
  }, []);
  const close = (key: string) => setToasts((list) => list.filter((x) => x.key !== key));
  const closeAll = () => setToasts([]);

  return (
    <section
      className={styles.stack}
      style={top === undefined ? undefined : { top }}
      aria-label={t('toast.region')}
      aria-live="polite"
      onPointerEnter={hold}
      onPointerLeave={release}
      onFocus={hold}
      onBlur={(e) => {
        if (!e.currentTarget.contains(e.relatedTarget as Node | null)) release();
      }}
      data-testid="alert-toasts"
    >
      {toasts.length > 1 ? (
        // Red toasts stay until closed: a burst of them would cover the page's own controls until each is
        // closed one by one. Older toasts fold to one line, and one click clears the stack.
        <div className={styles.bar}>
          <span>{t('toast.count', { n: toasts.length })}</span>
          <button type="button" className={styles.closeAll} onClick={closeAll} data-testid="alert-toasts-close-all">
            {t('toast.closeAll')}
          </button>
        </div>
      ) : null}
      {toasts.map((x, i) => {
        const title = locale === 'en' ? x.titleEn : x.title;
        return (
          <div
            key={x.key}
            className={styles.toast}
            data-compact={i > 0 ? '' : undefined}
            data-severity={x.severity}
            role={x.severity === 'red' ? 'alert' : 'status'}
            data-testid="alert-toast"
            data-event-id={x.eventId}
          >
            <div className={styles.head}>
              <span className={styles.badge}>{t(`severity.${x.severity}`)}</span>
              <span className={styles.change}>{t(x.change === 'escalated' ? 'toast.escalated' : 'toast.fired')}</span>
              <time className={styles.time} dateTime={new Date(x.at).toISOString()}>
                {formatClock(new Date(x.at).toISOString())}
              </time>
              <button
                type="button"
                className={styles.close}
                data-testid="alert-toast-close"
                aria-label={t('toast.closeLabel', { title })}
                onClick={() => close(x.key)}
              >
                ×
              </button>
            </div>
            <div className={styles.unit}>{x.orgName}</div>
            <div className={styles.title}>{title}</div>
            <Link href={`/duty?alert=${encodeURIComponent(x.eventId)}`} className={styles.link} onClick={() => close(x.key)}>
              {t('toast.open')} →
            </Link>
          </div>
        );
      })}
    </section>
  );
}
