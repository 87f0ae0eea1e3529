import { EventEmitter } from 'node:events';
import type { ZoneControl } from './layout';

// The in-process feed of wall changes: the console's tRPC call publishes, every open SSE stream of that layout
// (app/api/wall/[layout]/events) forwards it to its screen. Kept on globalThis because Next bundles the tRPC
// route and the SSE route separately (like the runtime in server/runtime.ts): both must share one emitter.

export type WallEvent =
  | { type: 'control'; layoutId: string; zoneId: string; control: ZoneControl; updatedBy: string; at: number }
  | { type: 'layout'; layoutId: string; version: number; at: number };

const KEY = Symbol.for('yingxiao.wall.events');
type Holder = { [KEY]?: EventEmitter };

function emitter(): EventEmitter {
  const g = globalThis as Holder;
  if (!g[KEY]) {
    g[KEY] = new EventEmitter();
    // One listener per open screen: a hall can have many.
    g[KEY].setMaxListeners(0);
  }
  return g[KEY];
}

export function publishWallEvent(e: WallEvent): void {
  emitter().emit(`layout:${e.layoutId}`, e);
}

/** Calls `fn` for every change of the layout until the returned function is called. */
export function subscribeWall(layoutId: string, fn: (e: WallEvent) => void): () => void {
  const name = `layout:${layoutId}`;
  emitter().on(name, fn);
  return () => emitter().off(name, fn);
}

export function wallSubscriberCount(layoutId: string): number {
  return emitter().listenerCount(`layout:${layoutId}`);
}
