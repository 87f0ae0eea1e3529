import { TRPCError } from '@trpc/server';
import { notFound, redirect } from 'next/navigation';
import { trpcCode } from '../_auth/server';
import { serverCaller } from '../_trpc/server';
import type { ScaleMode } from '../_components/wall/wall-hooks';

/** The layout with its zones' control state, for the first paint of a wall page; 404 when there is none. */
export async function loadWall(layoutId: string) {
  if (!/^[a-z0-9][a-z0-9-]{0,39}$/.test(layoutId)) notFound();
  const caller = await serverCaller();
  try {
    return await caller.wall.layout({ layoutId });
  } catch (err) {
    if (isNotFound(err)) notFound();
    // Signed out or revoked: people sign in again, screens pair again (the sign-in page links to pairing).
    if (trpcCode(err) === 'UNAUTHORIZED') redirect(`/sign-in?next=${encodeURIComponent(`/wall/${layoutId}`)}`);
    // A layout outside the principal's scope (or a screen paired with another) is not theirs to know of.
    if (trpcCode(err) === 'FORBIDDEN') notFound();
    throw err;
  }
}

/**
 * By shape, not `instanceof` alone: the caller's TRPCError may come from the other bundled copy of
 * @trpc/server, and an unknown layout must be a 404 page, never a 500 with a stack in the log.
 */
function isNotFound(err: unknown): boolean {
  if (err instanceof TRPCError) return err.code === 'NOT_FOUND';
  return (
    typeof err === 'object' &&
    err !== null &&
    ((err as { code?: unknown }).code === 'NOT_FOUND' || (err as { kind?: unknown }).kind === 'not_found')
  );
}

export function scaleMode(v: string | string[] | undefined, fallback: ScaleMode): ScaleMode {
  return v === 'exact' || v === 'fit' || v === 'auto' ? v : fallback;
}
