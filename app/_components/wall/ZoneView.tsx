'use client';

import { memo, useMemo, type CSSProperties } from 'react';
import type { PanelSpec, ZoneSpec } from '@/server/wall/layout';
import { burnInShift, rotationAt } from '@/server/wall/rotation';
import type { PanelData } from '@/server/wall/types';
import { formatAge, formatClock } from '../../_i18n/format';
import { createTranslator, type Locale } from '../../_i18n/locale';
import { panelComponent } from './panel-registry';
import type { CatalogView, ZoneControlState } from './types';
import { useZoneData, type Connection } from './wall-hooks';
import { wallT, type WallT } from './wall-text';
import styles from './wall.module.css';

export interface ZoneViewProps {
  layoutId: string;
  zone: ZoneSpec;
  control: ZoneControlState;
  catalog: CatalogView;
  /** Server time (ms), ticking each second. */
  now: number;
  locale: Locale;
  connection: Connection;
  /** Where the zone sits, in canvas px (its rect on the whole canvas, or 0,0 on its own screen). */
  at: { x: number; y: number };
}

const px = (n: number): string => `calc(var(--u) * ${n})`;

/** One zone: header (name, scene, business day, server clock, push state, pages) and the panels on screen. */
export function ZoneView({ layoutId, zone, control, catalog, now, locale, connection, at }: ZoneViewProps) {
  const t = useMemo(() => wallT(locale), [locale]);
  const view = rotationAt(zone, control, now);
  const { data, offline, rollingOver } = useZoneData(layoutId, zone, view.scene, now);
  const shift = burnInShift(now);
  const scene = view.scene ? zone.scenes.find((s) => s.id === view.scene) : null;
  const name = (n: { zh: string; en: string }) => (locale === 'en' ? n.en : n.zh);
  const day = data?.businessDay.date.split('-').map(Number);
  const dayLabel = day
    ? locale === 'en'
      ? `${day[0]}-${String(day[1]).padStart(2, '0')}-${String(day[2]).padStart(2, '0')}`
      : `${day[1]}月${day[2]}日`
    : '';

  const style: CSSProperties = { left: px(at.x), top: px(at.y), width: px(zone.rect.w), height: px(zone.rect.h) };
  return (
    <section
      className={styles.zone}
      style={style}
      data-testid={`zone-${zone.id}`}
      data-zone-kind={zone.kind}
      data-scene={view.scene ?? ''}
      data-page={view.page}
      data-panels={view.panels.map((p) => p.id).join(',')}
      data-pinned={view.pinned ?? ''}
      data-paused={view.paused}
      aria-label={name(zone.name)}
    >
      {/* Burn-in care: the whole zone content moves a few canvas px every 3 minutes, the same on every screen. */}
      <div className={styles.zoneInner} style={{ left: px(shift.x), top: px(shift.y) }}>
        <header className={styles.zoneHeader}>
          <span className={styles.zoneName}>{name(zone.name)}</span>
          {scene ? (
            <span className={styles.chipWarn} data-testid={`zone-${zone.id}-scene`}>
              {t('scene')} · {name(scene.name)}
            </span>
          ) : null}
          {view.pinned ? <span className={styles.chip}>{t('pinned')}</span> : null}
          {view.paused && !view.pinned ? <span className={styles.chip}>{t('paused')}</span> : null}
          <span className={styles.spacer} />
          {view.pages > 1 ? (
            <span className={styles.dots} aria-hidden="true">
              {Array.from({ length: view.pages }, (_, i) => (
                <span key={i} className={styles.dot} data-current={i === view.page} />
              ))}
            </span>
          ) : null}
          <span className={styles.day} data-testid={`zone-${zone.id}-day`}>
            {rollingOver ? t('rollover') : dayLabel ? `${dayLabel} · ${t('today')}` : ''}
          </span>
          <span className={styles.clock}>{formatClock(new Date(now).toISOString())}</span>
          <span className={styles.conn} data-state={connection} title={connection}>
            <span className={styles.connDot} />
            {connection === 'live' ? t('live') : t('polling')}
          </span>
        </header>
        <div className={styles.grid} style={{ gridTemplateColumns: `repeat(${view.panels.length}, minmax(0, 1fr))` }}>
          {view.panels.map((p) => (
            <PanelFrame
              key={p.id}
              panel={p}
              data={data?.panels[p.id]}
              fallbackTitle={name(catalog[p.type]?.label ?? { zh: p.type, en: p.type })}
              locale={locale}
              t={t}
              offline={offline}
              degraded={!!data?.degraded}
              rollingOver={rollingOver}
              now={now}
            />
          ))}
        </div>
      </div>
    </section>
  );
}

interface FrameProps {
  panel: PanelSpec;
  data: PanelData | undefined;
  fallbackTitle: string;
  locale: Locale;
  t: WallT;
  offline: boolean;
  degraded: boolean;
  rollingOver: boolean;
  now: number;
}

/**
 * A panel's frame: its title, the age of its data ("数据时间 HH:mm:ss"), and a clear badge when the data is late,
 * the data store failed or the server cannot be reached — while the last good data stays on screen.
 */
const PanelFrame = memo(function PanelFrame({ panel, data, fallbackTitle, locale, t, offline, degraded, rollingOver, now }: FrameProps) {
  const title = panel.title ? (locale === 'en' ? panel.title.en : panel.title.zh) : fallbackTitle;
  const Component = panelComponent(panel.type);
  const body = useMemo(() => <Component panel={panel} data={data} locale={locale} />, [Component, panel, data, locale]);
  const dataTime = data?.dataAsOf ? formatClock(data.dataAsOf) : null;
  const badge = offline
    ? { kind: 'offline', text: t('offline', { time: dataTime ?? '—' }), title: t('offlineTitle') }
    : degraded
      ? { kind: 'degraded', text: t('degraded'), title: t('offlineTitle') }
      : data?.stale
        ? {
            kind: 'stale',
            text: data.dataAsOf
              ? t('stale', { age: formatAge(now - Date.parse(data.dataAsOf), createTranslator(locale)) })
              : t('staleNoSource'),
            title: t('staleTitle'),
          }
        : rollingOver
          ? { kind: 'rollover', text: t('rollover'), title: t('rollover') }
          : null;
  return (
    <section
      className={styles.panel}
      data-testid={`frame-${panel.id}`}
      data-panel-type={panel.type}
      data-stale={!!badge && badge.kind !== 'rollover'}
      data-offline={offline}
    >
      <header className={styles.panelHeader}>
        <h2 className={styles.panelTitle}>{title}</h2>
        <span className={styles.age} data-testid={`age-${panel.id}`}>
          {data?.refused ? '' : data ? t('dataTime', { time: dataTime ?? '—' }) : t('loading')}
        </span>
        {badge ? (
          <span className={styles.badge} data-kind={badge.kind} data-testid={`badge-${panel.id}`} role="status" title={badge.title}>
            {badge.text}
          </span>
        ) : null}
      </header>
      <div className={styles.panelBody}>{data?.refused ? <div className={styles.refused}>{t(`refused_${data.refused}`)}</div> : body}</div>
    </section>
  );
});
