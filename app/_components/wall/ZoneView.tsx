'use client';

import { memo, useEffect, useMemo, useRef, useState, type CSSProperties } from 'react';
import type { PanelSpec, PanelType, ZoneSpec } from '@/server/wall/layout';
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

// Panels holding a WebGL context (deck.gl) stay mounted once shown, hidden while rotated away: deck.gl does not
// give a context's memory back on unmount (visgl/deck.gl#9264, #10355), and a wall rotates its map back all day.
const KEEP_MOUNTED: ReadonlySet<PanelType> = new Set<PanelType>(['outage_map']);

/** Every panel the zone can show (its own list and its scenes'), by id. */
function zonePanels(zone: ZoneSpec): Map<string, PanelSpec> {
  const all = new Map<string, PanelSpec>();
  for (const p of zone.panels) all.set(p.id, p);
  for (const s of zone.scenes) for (const p of s.panels) if (!all.has(p.id)) all.set(p.id, p);
  return all;
}

/** One zone: header (name, scene, business day, server clock, push state, pages) and the panels on screen. */
export function ZoneView({ layoutId, zone, control, catalog, now, locale, connection, at }: ZoneViewProps) {
  const t = useMemo(() => wallT(locale), [locale]);
  const view = rotationAt(zone, control, now);
  const { data, offline, rollingOver } = useZoneData(layoutId, zone, view.scene, now);
  const shift = burnInShift(now);
  const scene = view.scene ? zone.scenes.find((s) => s.id === view.scene) : null;

  // Keep-mounted panels seen so far (ids); those not on the page now are rendered hidden after the shown ones,
  // all in one keyed list so React moves them rather than remounting.
  const [kept, setKept] = useState<readonly string[]>([]);
  const shownIds = view.panels.map((p) => p.id).join(',');
  useEffect(() => {
    const add = view.panels.filter((p) => KEEP_MOUNTED.has(p.type)).map((p) => p.id);
    setKept((k) => (add.every((id) => k.includes(id)) ? k : [...new Set([...k, ...add])]));
    // view.panels is a new array each render; its ids are what matters.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [shownIds]);
  const byId = useMemo(() => zonePanels(zone), [zone]);
  const frames = [
    ...view.panels.map((p) => ({ panel: p, hidden: false })),
    ...kept
      .filter((id) => !view.panels.some((p) => p.id === id))
      .flatMap((id) => {
        const p = byId.get(id);
        return p && KEEP_MOUNTED.has(p.type) ? [{ panel: p, hidden: true }] : [];
      }),
  ];
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
          {frames.map(({ panel: p, hidden }) => (
            <PanelFrame
              key={p.id}
              panel={p}
              hidden={hidden}
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
  /** A keep-mounted panel rotated away: laid out at its last size, invisible, its data held as it was. */
  hidden: boolean;
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
const PanelFrame = memo(function PanelFrame({
  panel,
  hidden,
  data: incoming,
  fallbackTitle,
  locale,
  t,
  offline,
  degraded,
  rollingOver,
  now,
}: FrameProps) {
  const title = panel.title ? (locale === 'en' ? panel.title.en : panel.title.zh) : fallbackTitle;
  const Component = panelComponent(panel.type);
  // While hidden the panel keeps the data it last showed: no redraw of an invisible map on every refresh.
  const [held, setHeld] = useState(incoming);
  if (!hidden && held !== incoming) setHeld(incoming);
  const data = hidden ? held : incoming;
  const body = useMemo(() => <Component panel={panel} data={data} locale={locale} />, [Component, panel, data, locale]);
  // Its last size on screen (CSS px), so a hidden panel keeps its layout and its canvas is not resized.
  const ref = useRef<HTMLElement>(null);
  const [size, setSize] = useState<{ width: number; height: number } | null>(null);
  useEffect(() => {
    const el = ref.current;
    if (!el || hidden) return;
    const measure = () =>
      setSize((s) =>
        s && s.width === el.offsetWidth && s.height === el.offsetHeight ? s : { width: el.offsetWidth, height: el.offsetHeight },
      );
    measure();
    const ro = new ResizeObserver(measure);
    ro.observe(el);
    return () => ro.disconnect();
  }, [hidden]);
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
      ref={ref}
      className={styles.panel}
      style={hidden ? { position: 'absolute', left: 0, top: 0, visibility: 'hidden', pointerEvents: 'none', ...size } : undefined}
      aria-hidden={hidden || undefined}
      data-hidden={hidden || undefined}
      data-testid={hidden ? `kept-${panel.id}` : `frame-${panel.id}`}
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
