'use client';

import { useEffect, useState } from 'react';
import { formatClock } from '../../_i18n/format';
import { useT } from '../../_i18n/LocaleProvider';
import styles from './pair.module.css';

type Pairing = { code: string; pollKey: string; expiresAt: string };
type Poll = { status: 'pending' | 'expired' } | { status: 'paired'; layoutId: string; zoneId: string | null };

const POLL_MS = 3_000;

/** Shows a pairing code in large type and polls until an administrator approves it, then opens the wall. */
export function PairScreen({ revoked }: { revoked: boolean }) {
  const t = useT();
  const [pairing, setPairing] = useState<Pairing | null>(null);
  const [note, setNote] = useState<string | null>(revoked ? t('pair.revoked') : null);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    let stopped = false;
    let timer: number | undefined;
    let current: Pairing | null = null;
    const start = async () => {
      try {
        const res = await fetch('/api/screens/pair', { method: 'POST' });
        if (!res.ok) throw new Error(((await res.json().catch(() => null)) as { error?: string } | null)?.error ?? `HTTP ${res.status}`);
        current = (await res.json()) as Pairing;
        setPairing(current);
        setError(null);
      } catch (err) {
        setError(err instanceof Error ? err.message : String(err));
      }
    };
    const poll = async () => {
      if (stopped) return;
      if (!current) await start();
      else {
        try {
          const res = await fetch('/api/screens/pair/poll', {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body: JSON.stringify({ pollKey: current.pollKey }),
          });
          const p = (await res.json()) as Poll;
          if (p.status === 'paired') {
            stopped = true;
            setNote(t('pair.paired'));
            // eslint-disable-next-line @next/next/no-location-assign-relative-destination -- a full load, so the new display cookie reaches the server
            window.location.href = `/wall/${p.layoutId}${p.zoneId ? `/${p.zoneId}` : ''}`;
            return;
          }
          if (p.status === 'expired') {
            setNote(t('pair.expired'));
            current = null;
          }
        } catch {
          // The server is restarting or unreachable: keep the code and try again.
        }
      }
      timer = window.setTimeout(() => void poll(), POLL_MS);
    };
    void poll();
    return () => {
      stopped = true;
      window.clearTimeout(timer);
    };
  }, [t]);

  return (
    <main className={styles.page} data-testid="pair-screen">
      <h1 className={styles.title}>
        {t('app.title')} · {t('pair.title')}
      </h1>
      {note && <p className={styles.note}>{note}</p>}
      <p className={styles.instructions}>{t('pair.instructions')}</p>
      <div className={styles.code} data-testid="pair-code" aria-live="polite">
        {pairing ? pairing.code : '······'}
      </div>
      {pairing && <p className={styles.expires}>{t('pair.expires', { time: formatClock(pairing.expiresAt) })}</p>}
      {error && (
        <p className={styles.error} role="alert">
          {error}
        </p>
      )}
    </main>
  );
}
