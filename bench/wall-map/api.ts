// What the bench page (page.ts) exposes on window for bench/wall-map.ts to drive it through page.evaluate.

/** Which points the map draws on top of the counties. */
export type MapScene = { kind: 'points'; points: number } | { kind: 'panel' };

export interface SceneInfo {
  /** Call circles + hall dots deck.gl reports as instances of the two point layers, once drawn. */
  instances: number;
}

export interface WallMapBench {
  /** Resolves once the county GeoJSON is loaded and the first frame with the county layer is drawn. */
  ready: Promise<{ counties: number; width: number; height: number; renderer: string }>;
  show(scene: MapScene): Promise<SceneInfo>;
  /**
   * performance.now() of every frame deck.gl draws (the view keeps panning, so each one is a real redraw),
   * until `minMs` have passed and `minFrames` were drawn, or `maxMs` have passed.
   */
  measure(minMs: number, minFrames: number, maxMs: number): Promise<number[]>;
  /** First error deck.gl reported, if any. */
  error(): string | null;
}

declare global {
  interface Window {
    __wallMapBench?: WallMapBench;
  }
}
