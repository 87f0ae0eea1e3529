// Browser entry of the outage-map bench (bundled by bench/wall-map.ts with esbuild, served on 127.0.0.1).
// A deck.gl Deck on one canvas with the wall panel's own layers (countyOutageLayer over the real county
// GeoJSON, pointLayers from buildPointCloud) and the panel's view (MapView fitted to the province with the
// panel's padding). The view pans a little every animation frame, so every frame is a real redraw.
import { Deck, MapView, WebMercatorViewport, type Layer, type MapViewState } from '@deck.gl/core';
import { computeBounds, type CountyCollection } from '@/app/_components/map/queue-map-layers';
import { buildPointCloud, countyCentroids, countyOutageLayer, pointLayers } from '@/app/_components/wall/panels/outage-map-layers';
import type { MapScene, SceneInfo, WallMapBench } from './api';
import { panelClouds, syntheticAffected, syntheticItems } from './points';

const params = new URLSearchParams(location.search);
const WIDTH = Number(params.get('w') ?? 1920);
const HEIGHT = Number(params.get('h') ?? 1080);
const GEO_URL = params.get('geo') ?? '';
/** Pan amplitude in degrees of longitude (about 10 px at the fitted zoom) and period. */
const PAN_DEG = 0.1;
const PAN_PERIOD_MS = 4000;

// As OutageMapPanel.
const MAP_VIEW = new MapView({ id: 'outage-map', repeat: false, controller: false });
const SCALE = Math.min(4, Math.max(0.75, Math.min(WIDTH, HEIGHT) / 1000));

let firstError: string | null = null;
const frameListeners = new Set<(t: number) => void>();

function nextFrame(): Promise<number> {
  return new Promise((resolve) => {
    const f = (t: number) => {
      frameListeners.delete(f);
      resolve(t);
    };
    frameListeners.add(f);
  });
}

function rendererName(): string {
  const gl = document.createElement('canvas').getContext('webgl2');
  if (!gl) return 'no WebGL2';
  const ext = gl.getExtension('WEBGL_debug_renderer_info');
  return String(gl.getParameter(ext ? ext.UNMASKED_RENDERER_WEBGL : gl.RENDERER));
}

let deck: Deck<MapView> | null = null;
let countyLayer: Layer | null = null;
let counties: CountyCollection | null = null;

const ready = (async () => {
  const res = await fetch(GEO_URL);
  if (!res.ok) throw new Error(`${GEO_URL}: HTTP ${res.status}`);
  counties = (await res.json()) as CountyCollection;
  const bounds = computeBounds(counties);
  if (!bounds) throw new Error('county GeoJSON without coordinates');
  const padding = Math.round(Math.min(WIDTH, HEIGHT) * 0.04) + 8;
  const fitted = new WebMercatorViewport({ width: WIDTH, height: HEIGHT }).fitBounds(bounds, { padding });
  const base: MapViewState = { longitude: fitted.longitude, latitude: fitted.latitude, zoom: fitted.zoom, pitch: 0, bearing: 0 };
  countyLayer = countyOutageLayer(counties, syntheticAffected(counties));
  const canvas = document.getElementById('map') as HTMLCanvasElement;
  const d = new Deck<MapView>({
    canvas,
    width: WIDTH,
    height: HEIGHT,
    views: MAP_VIEW,
    viewState: base,
    controller: false,
    useDevicePixels: true,
    layers: [countyLayer, ...pointLayers(buildPointCloud([]), buildPointCloud([]), SCALE)],
    onAfterRender: () => {
      const t = performance.now();
      for (const f of [...frameListeners]) f(t);
    },
    onError: (e) => {
      firstError ??= e instanceof Error ? e.message : String(e);
    },
  });
  deck = d;
  const pan = (t: number) => {
    d.setProps({ viewState: { ...base, longitude: base.longitude + PAN_DEG * Math.sin((2 * Math.PI * t) / PAN_PERIOD_MS) } });
    requestAnimationFrame(pan);
  };
  requestAnimationFrame(pan);
  await nextFrame();
  if (!countyLayer.isLoaded) throw new Error('county layer not loaded after the first frame');
  return { counties: counties.features.length, width: WIDTH, height: HEIGHT, renderer: rendererName() };
})();

async function show(scene: MapScene): Promise<SceneInfo> {
  await ready;
  if (!deck || !counties || !countyLayer) throw new Error('not ready');
  let clouds;
  if (scene.kind === 'panel') clouds = panelClouds(counties, countyCentroids(counties), SCALE);
  else {
    const items = syntheticItems(counties, scene.points, SCALE);
    clouds = { calls: buildPointCloud(items.calls), halls: buildPointCloud(items.halls) };
  }
  const points = pointLayers(clouds.calls, clouds.halls, SCALE);
  // Keep the same county layer instance, as the panel does: deck.gl skips it, only the points are new.
  deck.setProps({ layers: [countyLayer, ...points] });
  await nextFrame();
  await nextFrame(); // the new instances hold their state once they were drawn
  return { instances: points.reduce((s, l) => s + l.getNumInstances(), 0) };
}

function measure(minMs: number, minFrames: number, maxMs: number): Promise<number[]> {
  return new Promise((resolve) => {
    const frames: number[] = [];
    const start = performance.now();
    const done = () => {
      frameListeners.delete(onFrame);
      clearTimeout(guard);
      resolve(frames);
    };
    const onFrame = (t: number) => {
      frames.push(t);
      if ((t - start >= minMs && frames.length >= minFrames) || t - start >= maxMs) done();
    };
    // If deck.gl stops drawing, answer anyway with the frames seen (the caller reports the shortfall).
    const guard = setTimeout(done, maxMs + 30_000);
    frameListeners.add(onFrame);
  });
}

const api: WallMapBench = { ready, show, measure, error: () => firstError };
window.__wallMapBench = api;
