import type { WallEvents } from './events';
import { WallLayouts } from './layouts';
import type { ControlAction } from './rotation';
import { ZoneControls } from './zone-control';
import { ZoneDataService, type CommitTopics, type ZoneDataRuntime } from './zone-data';

// The wall's services behind one face: layouts (layouts.ts: versioned, audited, checked against the panel
// catalog), zone control (zone-control.ts: the console's actions and the watchers feeding the screens' push
// stream) and zone data (zone-data.ts: one KPI batch per zone, stored and recomputed when data commits
// (zone-answers.ts), packed for the screens (zone-pack.ts), last good data on failure). The layouts are built
// once here and handed to the other two.

export interface WallRuntime extends ZoneDataRuntime {
  events: WallEvents;
}

export class WallService {
  readonly layouts: WallLayouts;
  readonly zoneControls: ZoneControls;
  readonly zones: ZoneDataService;

  constructor(rt: WallRuntime) {
    this.layouts = new WallLayouts(rt);
    this.zoneControls = new ZoneControls(rt, this.layouts);
    this.zones = new ZoneDataService(rt, this.layouts);
  }

  // ---- layouts ----

  listLayouts() {
    return this.layouts.listLayouts();
  }

  getLayout(id: string) {
    return this.layouts.getLayout(id);
  }

  requireLayout(id: string) {
    return this.layouts.requireLayout(id);
  }

  requireZone(layoutId: string, zoneId: string) {
    return this.layouts.requireZone(layoutId, zoneId);
  }

  saveLayout(input: unknown, expectedVersion: number | null, actor: string, note?: string) {
    return this.layouts.saveLayout(input, expectedVersion, actor, note);
  }

  seedDemoLayouts(actor?: string) {
    return this.layouts.seedDemoLayouts(actor);
  }

  // ---- zone control ----

  controls(layoutId: string) {
    return this.zoneControls.controls(layoutId);
  }

  control(layoutId: string, zoneId: string, action: ControlAction, actor: string, now: number) {
    return this.zoneControls.control(layoutId, zoneId, action, actor, now);
  }

  watch(layoutId: string) {
    return this.zoneControls.watch(layoutId);
  }

  // ---- zone data ----

  zoneData(layoutId: string, zoneId: string, scene: string | null, now: number) {
    return this.zones.zoneData(layoutId, zoneId, scene, now);
  }

  zoneDataPacked(layoutId: string, zoneId: string, scene: string | null, now: number, staticVersion: string | null) {
    return this.zones.zoneDataPacked(layoutId, zoneId, scene, now, staticVersion);
  }

  /** Data committed (ETL batch, rollup refresh, alert changes): the zones' stored answers are recomputed and pushed. */
  dataCommitted(what?: CommitTopics) {
    this.zones.dataCommitted(what);
  }
}
