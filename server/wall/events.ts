import { EventEmitter } from 'node:events';
import type { ZoneControl } from './layout';

// The in-process feed of wall changes: the console's tRPC call and the zone answers (zone-answers.ts) publish, every open SSE stream of that layout
// (app/api/wall/[layout]/events) forwards it to its screen. One per runtime (server/runtime.ts), so the tRPC
// route, the SSE route and the scheduler all reach the same feed.

export type WallEvent =
  | { type: 'control'; layoutId: string; zoneId: string; control: ZoneControl; updatedBy: string; at: number }
  | { type: 'layout'; layoutId: string; version: number; at: number }
  /** A zone's answer was recomputed after data committed: screens showing that zone and scene fetch it now. */
  | { type: 'zone'; layoutId: string; zoneId: string; scene: string | null; version: number; seq: number; at: number };

export class WallEvents {
  private readonly emitter = new EventEmitter();

  constructor() {
    // One listener per open screen: a hall can have many.
    this.emitter.setMaxListeners(0);
  }

  publish(e: WallEvent): void {
    this.emitter.emit(`layout:${e.layoutId}`, e);
  }

  /** Calls `fn` for every change of the layout until the returned function is called. */
  subscribe(layoutId: string, fn: (e: WallEvent) => void): () => void {
    const name = `layout:${layoutId}`;
    this.emitter.on(name, fn);
    return () => this.emitter.off(name, fn);
  }

  subscriberCount(layoutId: string): number {
    return this.emitter.listenerCount(`layout:${layoutId}`);
  }
}
