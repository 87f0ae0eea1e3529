'use client';

import { MapView, WebMercatorViewport, type MapViewState, type PickingInfo } from '@deck.gl/core';
import DeckGL from '@deck.gl/react';
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { createTranslator } from '../../../_i18n/locale';
import { computeBounds, type CountyCollection } from '../../map/queue-map-layers';
import { DEFAULT_COUNTIES_URL } from '../../map/ProvinceMap';
import { lastDayLabel } from './business-day';
import {
  callCloud,
  countyOutageLayer,
  labelLayer,
  pointLayers,
  countyCentroids,
  HALL_STATUS_COLORS,
  hallCloud,
  hallSiteCloud,
  NO_OUTAGE,
  outageFill,
  outageLabels,
  outageMapData,
  outageMapTooltip,
} from './outage-map-layers';
import styles from './panels.module.css';
import type { PanelProps } from './types';
import { usePanelSize } from './usePanelSize';

const MAP_VIEW = new MapView({ id: 'outage-map', repeat: false, controller: false });
const LABEL_FONT = `600 16px 'Noto Sans SC Variable'`;

// The county file is fetched and parsed once per page, not on every rotation back to this panel.
const geoCache = new Map<string, Promise<CountyCollection>>();
function loadCounties(url: string): Promise<CountyCollection> {
  let p = geoCache.get(url);
  if (!p) {
    p = fetch(url).then((res) => {
      if (!res.ok) throw new Error(`HTTP ${res.status}`);
      return res.json() as Promise<CountyCollection>;
    });
    p.catch(() => geoCache.delete(url));
    geoCache.set(url, p);
  }
  return p;
}

const rgba = (c: readonly number[]) => `rgba(${c[0]}, ${c[1]}, ${c[2]}, ${((c[3] ?? 255) / 255).toFixed(2)})`;

/**
 * outage_map: counties filled by customers affected by outages, 95598 calls per county as circles, and each hall
 * as a dot at its own place coloured by its queue status (a hall without a place at its county's centroid). In a
 * visitor zone the server sends no hall positions: there each county's halls are one dot coloured by the worst
 * hall status, so the zone shows aggregates only (see the panel catalog). At night (today no ticket yet) the halls
 * are coloured by the last business day's average wait, and the legend names that day.
 */
export function OutageMapPanel({ panel, data, locale }: PanelProps) {
  const t = useMemo(() => createTranslator(locale), [locale]);
  const ref = useRef<HTMLDivElement>(null);
  const size = usePanelSize(ref);
  const [counties, setCounties] = useState<CountyCollection | null>(null);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    let alive = true;
    loadCounties(DEFAULT_COUNTIES_URL).then(
      (fc) => alive && setCounties(fc),
      (e: unknown) => alive && setError(e instanceof Error ? e.message : String(e)),
    );
    return () => {
      alive = false;
    };
  }, []);

  const centroids = useMemo(() => (counties ? countyCentroids(counties) : new Map<string, [number, number]>()), [counties]);
  const names = useMemo(() => new Map((counties?.features ?? []).map((f) => [f.properties.code, f.properties.name])), [counties]);
  const bounds = useMemo(() => computeBounds(counties), [counties]);
  const d = useMemo(() => outageMapData(data), [data]);
  const scale = size ? Math.min(4, Math.max(0.75, Math.min(size.width, size.height) / 1000)) : 1;
  const clouds = useMemo(
    () => ({
      calls: callCloud(d.calls, centroids, 30 * scale),
      // ~600 halls at their places get smaller dots than ~130 county dots.
      halls: d.sites ? hallSiteCloud(d.sites, centroids, 8 * scale) : hallCloud(d.halls, centroids, 11 * scale),
    }),
    [d, centroids, scale],
  );
  const labels = useMemo(() => (counties ? outageLabels(counties, d.affected, centroids) : []), [counties, d.affected, centroids]);
  // The labels' identity: a refresh with the same counties keeps the same label data, so the TextLayer keeps its
  // glyph atlas (regenerating it reads pixels back from a canvas: seconds on a software-rendered wall).
  const labelKey = labels.map((l) => `${l.text}@${l.position.join(',')}`).join('|');
  const latestLabels = useRef(labels);
  latestLabels.current = labels;

  // Labels are drawn into a glyph atlas: load the CJK web font subsets holding their characters first (every
  // time the labels change: another county's name may need another subset), keeping the previous labels until
  // then, or the atlas would hold blank glyphs.
  const [shownLabels, setShownLabels] = useState<typeof labels>([]);
  useEffect(() => {
    let alive = true;
    const next = latestLabels.current;
    const show = () => {
      if (alive) setShownLabels(next);
    };
    if (typeof document === 'undefined' || !document.fonts) show();
    else document.fonts.load(LABEL_FONT, next.map((l) => l.text).join('') || '云南').then(show, show);
    return () => {
      alive = false;
    };
  }, [labelKey]);

  // Likewise the county colours: recomputed (every polygon vertex) only when a county's figure changed.
  const affectedKey = useMemo(() => JSON.stringify([...d.affected]), [d.affected]);
  const affectedRef = useRef(d.affected);
  if (JSON.stringify([...affectedRef.current]) !== affectedKey) affectedRef.current = d.affected;

  // Each part is rebuilt only when its own input changed: deck.gl skips a layer instance it has seen.
  // eslint-disable-next-line react-hooks/exhaustive-deps
  const countyLayer = useMemo(() => (counties ? countyOutageLayer(counties, affectedRef.current) : null), [counties, affectedKey]);
  const points = useMemo(() => pointLayers(clouds.calls, clouds.halls, scale), [clouds, scale]);
  const text = useMemo(() => labelLayer(shownLabels, scale), [shownLabels, scale]);
  const layers = useMemo(() => (countyLayer ? [countyLayer, ...points, ...(text ? [text] : [])] : []), [countyLayer, points, text]);

  const viewState = useMemo<MapViewState | null>(() => {
    if (!bounds || !size || size.width < 64 || size.height < 64) return null;
    const padding = Math.round(Math.min(size.width, size.height) * 0.04) + 8;
    const fitted = new WebMercatorViewport({ width: size.width, height: size.height }).fitBounds(bounds, { padding });
    return { longitude: fitted.longitude, latitude: fitted.latitude, zoom: fitted.zoom, pitch: 0, bearing: 0 };
  }, [bounds, size]);

  const getTooltip = useCallback((info: PickingInfo) => outageMapTooltip(info, d, clouds, names, t), [d, clouds, names, t]);

  const max = Math.max(0, ...[...d.affected.values()].filter((v): v is number => typeof v === 'number'));
  return (
    <div
      ref={ref}
      className={styles.panel}
      data-testid={`panel-${panel.id}`}
      data-panel-type="outage_map"
      data-state={counties ? 'ready' : 'loading'}
    >
      {viewState ? (
        <div className={styles.mapCanvas}>
          <DeckGL
            views={MAP_VIEW}
            viewState={viewState}
            layers={layers}
            controller={false}
            useDevicePixels
            getTooltip={getTooltip}
            style={{ position: 'absolute', inset: '0' }}
          />
        </div>
      ) : null}
      {error ? <div className={styles.empty}>{t('map.loadError', { message: error })}</div> : null}
      <ul className={styles.mapLegend}>
        <li>
          <span
            className={styles.ramp}
            style={{
              background: `linear-gradient(90deg, ${rgba(outageFill(1, Math.max(2, max)))}, ${rgba(outageFill(Math.max(2, max), Math.max(2, max)))})`,
            }}
          />
          {t('wallp.map.outage')}
        </li>
        <li>
          <span className={styles.ramp} style={{ background: rgba(NO_OUTAGE), width: '1.6em' }} />
          {t('wallp.map.outageNone')}
        </li>
        <li>
          {(['ok', 'warn', 'alarm'] as const).map((s) => (
            <span key={s} className={styles.legendDot} style={{ background: rgba(HALL_STATUS_COLORS[s]) }} />
          ))}
          {d.previousDay ? (
            // At night the halls' colours are the last business day's average wait, named as on the queue board.
            <b className={styles.period} data-testid="period">
              {t('wallp.map.hallsDay', { day: lastDayLabel(d.day, t) })}
            </b>
          ) : d.sites ? (
            t('wallp.map.hallSites')
          ) : (
            t('wallp.map.halls')
          )}
        </li>
        <li>
          <span
            className={styles.legendDot}
            style={{ background: 'rgba(58, 184, 255, 0.3)', border: '2px solid rgba(120, 210, 255, 0.8)', width: '1.2em', height: '1.2em' }}
          />
          {t('wallp.map.calls')}
        </li>
      </ul>
    </div>
  );
}
