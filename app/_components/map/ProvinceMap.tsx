'use client';

import { MapView, WebMercatorViewport, type MapViewState, type PickingInfo } from '@deck.gl/core';
import DeckGL from '@deck.gl/react';
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { isNum } from '../../_i18n/format';
import { useT } from '../../_i18n/LocaleProvider';
import type { HomeView } from '../home/home-batch';
import styles from './ProvinceMap.module.css';
import {
  buildQueueMapLayers,
  computeBounds,
  countiesOf,
  countyFill,
  drillTarget,
  HALL_COLORS,
  mapLabels,
  mapTooltip,
  placeHalls,
  type CountyCollection,
  type CountyFeature,
} from './queue-map-layers';

export const DEFAULT_COUNTIES_URL = '/geo/yunnan-counties.json';

export interface ProvinceMapProps {
  /** The home's figures: the node's counties and halls with the statuses the KPI layer gave them. */
  view: Pick<HomeView, 'org' | 'counties' | 'halls' | 'thresholds'>;
  /** Hall code → [lon, lat]; a hall without a place (or null: none known) is drawn at its county's centre. */
  hallPlaces: Record<string, [number, number]> | null;
  /** A click on a county goes one level down (its city from the province, the county from a city). */
  onSelectOrg?: (code: string) => void;
  /** County boundaries (FeatureCollection with properties {code, name, cityCode}); served from public/. */
  geoUrl?: string;
  className?: string;
}

// No base map, no tiles: the county polygons are the map (the wall is offline). Static view fitted to the
// org node's counties; hover picks counties and halls, a click on a county drills down.
const MAP_VIEW = new MapView({ id: 'province', repeat: false, controller: false });
const LABEL_FONT = `600 16px 'Noto Sans SC Variable'`;
/** Room kept under the map for the legend strip (ProvinceMap.module.css .legend). */
const LEGEND_PX = 40;

type GeoState = { url: string; fc: CountyCollection } | { url: string; error: string };

const rgba = (c: readonly number[]) => `rgba(${c[0]}, ${c[1]}, ${c[2]}, ${((c[3] ?? 255) / 255).toFixed(2)})`;

export function ProvinceMap({ view, hallPlaces, onSelectOrg, geoUrl = DEFAULT_COUNTIES_URL, className }: ProvinceMapProps) {
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

  const org = view.org.code;
  const all = geo && 'fc' in geo && geo.url === geoUrl ? geo.fc : null;
  const counties = useMemo(() => (all ? countiesOf(all, org) : null), [all, org]);
  // Unit names are drawn into a glyph atlas once: first load the CJK web font subsets that hold their
  // characters, so that the atlas is not drawn with fallback glyphs (tofu boxes on a machine without CJK fonts).
  const labelText = useMemo(
    () =>
      counties
        ? mapLabels(counties, org)
            .map((l) => l.name)
            .join('')
        : '',
    [counties, org],
  );
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

  const loadError = geo && 'error' in geo && geo.url === geoUrl ? geo.error : null;
  const bounds = useMemo(() => computeBounds(counties), [counties]);

  const viewState = useMemo<MapViewState | null>(() => {
    if (!bounds || !size || size.width < 64 || size.height < 64) return null;
    const padding = Math.round(Math.min(size.width, size.height) * 0.04) + 8;
    const fitted = new WebMercatorViewport({ width: size.width, height: size.height }).fitBounds(bounds, {
      padding: { top: padding, left: padding, right: padding, bottom: padding + LEGEND_PX },
    });
    return { longitude: fitted.longitude, latitude: fitted.latitude, zoom: fitted.zoom, pitch: 0, bearing: 0 };
  }, [bounds, size]);

  const halls = useMemo(() => (counties ? placeHalls(view.halls, hallPlaces, counties) : []), [view.halls, hallPlaces, counties]);
  const band = view.thresholds.wait;
  const layers = useMemo(
    () => (counties ? buildQueueMapLayers({ counties, orgCode: org, countyRows: view.counties, halls, band, labels: fontReady }) : []),
    [counties, org, view.counties, halls, band, fontReady],
  );

  const getTooltip = useCallback((info: PickingInfo) => mapTooltip(info, view.counties, t, org), [view.counties, t, org]);
  const onClick = useCallback(
    (info: PickingInfo) => {
      if (info.layer?.id !== 'county-wait' || !info.object || !onSelectOrg) return;
      const to = drillTarget(info.object as CountyFeature, org);
      if (to) onSelectOrg(to);
    },
    [onSelectOrg, org],
  );
  const getCursor = useCallback(
    ({ isHovering }: { isHovering: boolean }) =>
      isHovering && onSelectOrg && view.org.level !== 'county' && view.org.level !== 'hall' ? 'pointer' : 'default',
    [onSelectOrg, view.org.level],
  );
  const onError = useCallback((error: Error) => {
    console.error('[ProvinceMap] deck.gl error', error);
    if (/webgl|context|device/i.test(error.message)) setGlError(error.message);
  }, []);

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
          getCursor={getCursor}
          onClick={onClick}
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
          <span className={styles.swatch} style={{ background: rgba(countyFill(null, 'none', band)) }} />
          {t('map.legend.noData')}
        </li>
        {isNum(band.warn) ? (
          <li>
            <span className={styles.swatch} style={{ background: rgba(countyFill(band.warn / 2, 'ok', band)) }} />
            {t('map.legend.ok', { warn: band.warn })}
          </li>
        ) : null}
        {isNum(band.warn) && isNum(band.alarm) ? (
          <li>
            <span className={styles.swatch} style={{ background: rgba(countyFill((band.warn + band.alarm) / 2, 'warn', band)) }} />
            {t('map.legend.warn', { warn: band.warn, alarm: band.alarm })}
          </li>
        ) : null}
        {isNum(band.alarm) ? (
          <li>
            <span className={styles.swatch} style={{ background: rgba(countyFill(band.alarm * 1.2, 'alarm', band)) }} />
            {t('map.legend.alarm', { alarm: band.alarm })}
          </li>
        ) : null}
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
