'use client';

import { useMutation } from '@tanstack/react-query';
import Link from 'next/link';
import { useMemo, useState } from 'react';
import { useTRPC } from '@/app/_trpc/client';
import type { ZoneSpec } from '@/server/wall/layout';
import { activePanels, rotationAt, type ControlAction } from '@/server/wall/rotation';
import { formatClock } from '../../_i18n/format';
import { useLocale } from '../../_i18n/LocaleProvider';
import { LocaleSwitch } from '../../_i18n/LocaleSwitch';
import { AppNav } from '../nav/AppNav';
import type { CatalogView, WallLayoutView, ZoneControlState } from './types';
import { useServerNow, useWallLive, type Connection } from './wall-hooks';
import { wallT, type WallT } from './wall-text';
import styles from './console.module.css';

/**
 * The wall console (desktop or tablet): each zone with the panel it shows now and its rotation; pin a panel,
 * step back or on, pause and resume, switch the zone to a scene, reset. Every action goes to the server, which
 * pushes it to every screen of the zone; this page follows the same push, so two consoles agree.
 */
export function ControlConsole({ initial }: { initial: WallLayoutView }) {
  const locale = useLocale();
  const t = useMemo(() => wallT(locale), [locale]);
  const { view, controls, offset, connection } = useWallLive(initial);
  const now = useServerNow(offset);
  const layout = view.layout;
  const name = (n: { zh: string; en: string }) => (locale === 'en' ? n.en : n.zh);
  return (
    <div className={styles.root} data-testid="wall-console" data-connection={connection}>
      <header className={styles.header}>
        <h1 className={styles.title}>
          {t('console')} · {name(layout.name)}
        </h1>
        <span className={styles.conn} data-state={connection}>
          {connection === 'live' ? t('live') : t('polling')}
          {now ? ` · ${formatClock(new Date(now).toISOString())}` : ''}
        </span>
        <Link className={styles.linkButton} href={`/wall/${layout.id}`} target="_blank">
          {t('openWall')}
        </Link>
        <AppNav />
        <LocaleSwitch className={styles.small} />
      </header>
      <p className={styles.hint}>{t('consoleHint')}</p>
      <div className={styles.zones}>
        {layout.zones.map((z) => (
          <ZoneCard
            key={z.id}
            layoutId={layout.id}
            zone={z}
            control={controls[z.id]}
            catalog={view.catalog}
            now={now}
            t={t}
            name={name}
            connection={connection}
          />
        ))}
      </div>
    </div>
  );
}

function ZoneCard({
  layoutId,
  zone,
  control,
  catalog,
  now,
  t,
  name,
}: {
  layoutId: string;
  zone: ZoneSpec;
  control: ZoneControlState | undefined;
  catalog: CatalogView;
  now: number;
  t: WallT;
  name: (n: { zh: string; en: string }) => string;
  connection: Connection;
}) {
  const trpc = useTRPC();
  const [error, setError] = useState<string | null>(null);
  const act = useMutation({
    ...trpc.wall.control.mutationOptions(),
    onError: (e) => setError(e.message),
    onSuccess: () => setError(null),
  });
  const c = control ?? { scene: null, pinned: null, paused: false, index: 0, since: 0, updatedBy: null, updatedAt: null };
  const view = rotationAt(zone, c, now);
  const list = activePanels(zone, view.scene);
  const title = (id: string) => {
    const p = list.find((x) => x.id === id);
    return p ? (p.title ? name(p.title) : name(catalog[p.type]?.label ?? { zh: p.type, en: p.type })) : id;
  };
  const send = (action: ControlAction) => act.mutate({ layoutId, zoneId: zone.id, action });
  const busy = act.isPending;
  const current = new Set(view.panels.map((p) => p.id));
  return (
    <section className={styles.card} data-testid={`console-zone-${zone.id}`} data-panels={view.panels.map((p) => p.id).join(',')}>
      <header className={styles.cardHeader}>
        <h2 className={styles.cardTitle}>{name(zone.name)}</h2>
        <Link className={styles.linkButton} href={`/wall/${layoutId}/${zone.id}`} target="_blank">
          {t('openZone')}
        </Link>
      </header>
      <div className={styles.now}>
        <span className={styles.nowLabel}>{t('current')}</span>
        <strong data-testid={`console-current-${zone.id}`}>{view.panels.map((p) => title(p.id)).join(' · ')}</strong>
        <span className={styles.muted}>
          {view.pinned
            ? t('pinned')
            : view.paused
              ? t('paused')
              : !now
                ? ''
                : view.nextAt
                  ? t('nextIn', { s: Math.max(0, Math.ceil((view.nextAt - now) / 1000)) })
                  : t('rotationStopped')}
        </span>
      </div>
      <div className={styles.row}>
        <button
          type="button"
          className={styles.button}
          disabled={busy}
          onClick={() => send({ type: 'advance', step: -1 })}
          data-testid={`prev-${zone.id}`}
        >
          ◀ {t('prev')}
        </button>
        <button
          type="button"
          className={styles.button}
          disabled={busy}
          onClick={() => send({ type: 'advance', step: 1 })}
          data-testid={`next-${zone.id}`}
        >
          {t('next')} ▶
        </button>
        {view.paused ? (
          <button
            type="button"
            className={styles.button}
            disabled={busy}
            onClick={() => send({ type: 'resume' })}
            data-testid={`resume-${zone.id}`}
          >
            ▶ {t('resume')}
          </button>
        ) : (
          <button
            type="button"
            className={styles.button}
            disabled={busy}
            onClick={() => send({ type: 'pause' })}
            data-testid={`pause-${zone.id}`}
          >
            ❚❚ {t('pause')}
          </button>
        )}
        <button
          type="button"
          className={styles.buttonGhost}
          disabled={busy}
          onClick={() => send({ type: 'reset' })}
          data-testid={`reset-${zone.id}`}
        >
          {t('reset')}
        </button>
      </div>
      <div className={styles.row} role="group" aria-label={t('scene')}>
        <span className={styles.nowLabel}>{t('scene')}</span>
        <button
          type="button"
          className={styles.sceneButton}
          aria-pressed={view.scene === null}
          disabled={busy}
          onClick={() => send({ type: 'scene', sceneId: null })}
          data-testid={`scene-${zone.id}-default`}
        >
          {t('defaultScene')}
        </button>
        {zone.scenes.map((s) => (
          <button
            key={s.id}
            type="button"
            className={styles.sceneButton}
            aria-pressed={view.scene === s.id}
            disabled={busy}
            onClick={() => send({ type: 'scene', sceneId: s.id })}
            data-testid={`scene-${zone.id}-${s.id}`}
          >
            {name(s.name)}
          </button>
        ))}
      </div>
      <ol className={styles.panels} aria-label={t('panels')}>
        {list.map((p) => (
          <li key={p.id} className={styles.panelRow} data-current={current.has(p.id)}>
            <span className={styles.panelName}>
              {title(p.id)} <span className={styles.muted}>· {p.durationSec}s</span>
            </span>
            {view.pinned === p.id ? (
              <button
                type="button"
                className={styles.pinButton}
                aria-pressed="true"
                disabled={busy}
                onClick={() => send({ type: 'unpin' })}
                data-testid={`unpin-${zone.id}-${p.id}`}
              >
                📌 {t('unpin')}
              </button>
            ) : (
              <button
                type="button"
                className={styles.pinButton}
                disabled={busy}
                onClick={() => send({ type: 'pin', panelId: p.id })}
                data-testid={`pin-${zone.id}-${p.id}`}
              >
                {t('pin')}
              </button>
            )}
          </li>
        ))}
      </ol>
      {c.updatedBy && c.updatedAt ? (
        <p className={styles.muted}>{t('updatedBy', { who: c.updatedBy, time: formatClock(c.updatedAt) })}</p>
      ) : null}
      {error ? (
        <p className={styles.error} role="alert">
          {error}
        </p>
      ) : null}
    </section>
  );
}
