'use client';

import { MapView, WebMercatorViewport, type MapViewState, type PickingInfo } from '@deck.gl/core';
import DeckGL from '@deck.gl/react';
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { shortDivisionName } from '../../_i18n/format';
import { useT } from '../../_i18n/LocaleProvider';
import type { QueueOverviewData } from '../queue-overview/types';
import styles from './ProvinceMap.module.css';
import { buildQueueMapLayers, computeBounds, countyFill, HALL_COLORS, mapTooltip, type CountyCollection } from './queue-map-layers';

export const DEFAULT_COUNTIES_URL = '/geo/yunnan-counties.json';

export interface ProvinceMapProps {
  data: QueueOverviewData;
  /** County boundaries (FeatureCollection with properties {code, name, cityCode}); served from public/. */
  geoUrl?: string;
  className?: string;
}

// No base map, no tiles: the county polygons are the map (the wall is offline). Static view fitted to the
// province; hover still picks counties and halls.
const MAP_VIEW = new MapView({ id: 'province', repeat: false, controller: false });
const LABEL_FONT = `600 16px 'Noto Sans SC Variable'`;

type GeoState = { url: string; fc: CountyCollection } | { url: string; error: string };

const rgba = (c: readonly number[]) => `rgba(${c[0]}, ${c[1]}, ${c[2]}, ${((c[3] ?? 255) / 255).toFixed(2)})`;

export function ProvinceMap({ data, geoUrl = DEFAULT_COUNTIES_URL, className }: ProvinceMapProps) {
  const t = useT();
  const containerRef = useRef<HTMLDivElement>(null);
  const [size, setSize] = useState<{ width: number; height: number } | null>(null);
  const [geo, setGeo] = useState<GeoState | null>(null);
  const [fontReady, setFontReady] = useState(false);
  const [deckReady, setDeckReady] = useState(false);
  const [glError, setGlError] = useState<string | null>(null);

  useEffect(() => {
    const ctrl = new AbortController();
    fetch(geoUrl, { signal: ctrl.signal })
      .then((res) => {
        if (!res.ok) throw new Error(`HTTP ${res.status}`);
        return res.json() as Promise<CountyCollection>;
      })
      .then((fc) => setGeo({ url: geoUrl, fc }))
      .catch((err: unknown) => {
        if (ctrl.signal.aborted) return;
        setGeo({ url: geoUrl, error: err instanceof Error ? err.message : String(err) });
      });
    return () => ctrl.abort();
  }, [geoUrl]);

  useEffect(() => {
    const el = containerRef.current;
    if (!el) return;
    const measure = () => {
      const width = Math.round(el.clientWidth);
      const height = Math.round(el.clientHeight);
      setSize((prev) => (prev && prev.width === width && prev.height === height ? prev : { width, height }));
    };
    measure();
    const observer = new ResizeObserver(measure);
    observer.observe(el);
    return () => observer.disconnect();
  }, []);

  // City labels are drawn into a glyph atlas once: first load the CJK web font subsets that hold their
  // characters, so that the atlas is not drawn with fallback glyphs (tofu boxes on a machine without CJK fonts).
  const labelText = useMemo(() => data.byCity.map((c) => shortDivisionName(c.name)).join(''), [data.byCity]);
  useEffect(() => {
    let alive = true;
    const done = () => {
      if (alive) setFontReady(true);
    };
    if (typeof document === 'undefined' || !document.fonts) done();
    else document.fonts.load(LABEL_FONT, labelText || '云南').then(done, done);
    return () => {
      alive = false;
    };
  }, [labelText]);

  const counties = geo && 'fc' in geo && geo.url === geoUrl ? geo.fc : null;
  const loadError = geo && 'error' in geo && geo.url === geoUrl ? geo.error : null;
  const bounds = useMemo(() => computeBounds(counties), [counties]);

  const viewState = useMemo<MapViewState | null>(() => {
    if (!bounds || !size || size.width < 64 || size.height < 64) return null;
    const padding = Math.round(Math.min(size.width, size.height) * 0.04) + 8;
    const fitted = new WebMercatorViewport({ width: size.width, height: size.height }).fitBounds(bounds, { padding });
    return { longitude: fitted.longitude, latitude: fitted.latitude, zoom: fitted.zoom, pitch: 0, bearing: 0 };
  }, [bounds, size]);

  const layers = useMemo(
    () => (counties ? buildQueueMapLayers({ counties, data, thresholds: data.thresholds, labels: fontReady }) : []),
    [counties, data, fontReady],
  );

  const getTooltip = useCallback((info: PickingInfo) => mapTooltip(info, data, t), [data, t]);
  const onError = useCallback((error: Error) => {
    console.error('[ProvinceMap] deck.gl error', error);
    if (/webgl|context|device/i.test(error.message)) setGlError(error.message);
  }, []);

  const th = data.thresholds;
  const state = loadError || glError ? 'error' : counties && deckReady ? 'ready' : 'loading';

  return (
    <div ref={containerRef} className={`${styles.map}${className ? ` ${className}` : ''}`} data-testid="province-map" data-state={state}>
      {viewState && !glError ? (
        <DeckGL
          views={MAP_VIEW}
          viewState={viewState}
          layers={layers}
          controller={false}
          useDevicePixels
          getTooltip={getTooltip}
          onLoad={() => setDeckReady(true)}
          onError={onError}
          style={{ position: 'absolute', inset: '0' }}
        />
      ) : null}
      {state === 'loading' ? <div className={styles.message}>{t('map.loading')}</div> : null}
      {loadError ? <div className={styles.message}>{t('map.loadError', { message: loadError })}</div> : null}
      {glError ? <div className={styles.message}>{t('map.webglError')}</div> : null}
      <ul className={styles.legend} aria-label={t('map.title')}>
        <li>
          <span className={styles.swatch} style={{ background: rgba(countyFill(null, th)) }} />
          {t('map.legend.noData')}
        </li>
        <li>
          <span className={styles.swatch} style={{ background: rgba(countyFill(th.waitWarnMin / 2, th)) }} />
          {t('map.legend.ok', { warn: th.waitWarnMin })}
        </li>
        <li>
          <span className={styles.swatch} style={{ background: rgba(countyFill((th.waitWarnMin + th.waitAlarmMin) / 2, th)) }} />
          {t('map.legend.warn', { warn: th.waitWarnMin, alarm: th.waitAlarmMin })}
        </li>
        <li>
          <span className={styles.swatch} style={{ background: rgba(countyFill(th.waitAlarmMin * 1.2, th)) }} />
          {t('map.legend.alarm', { alarm: th.waitAlarmMin })}
        </li>
        <li>
          <span className={styles.dots}>
            <span className={styles.dot} style={{ background: rgba(HALL_COLORS.ok), width: 8, height: 8 }} />
            <span className={styles.dot} style={{ background: rgba(HALL_COLORS.warn), width: 12, height: 12 }} />
            <span className={styles.dot} style={{ background: rgba(HALL_COLORS.alarm), width: 16, height: 16 }} />
          </span>
          {t('map.legend.hall')}
        </li>
      </ul>
    </div>
  );
}

export default ProvinceMap;
