import { TRPCError } from '@trpc/server';
import { notFound } from 'next/navigation';
import { serverCaller } from '../_trpc/server';
import type { ScaleMode } from '../_components/wall/wall-hooks';

/** The layout with its zones' control state, for the first paint of a wall page; 404 when there is none. */
export async function loadWall(layoutId: string) {
  if (!/^[a-z0-9][a-z0-9-]{0,39}$/.test(layoutId)) notFound();
  const caller = await serverCaller();
  try {
    return await caller.wall.layout({ layoutId });
  } catch (err) {
    if (err instanceof TRPCError && err.code === 'NOT_FOUND') notFound();
    throw err;
  }
}

export function scaleMode(v: string | string[] | undefined, fallback: ScaleMode): ScaleMode {
  return v === 'exact' || v === 'fit' || v === 'auto' ? v : fallback;
}
