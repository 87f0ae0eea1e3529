import { TRPCError } from '@trpc/server';
import { expect } from 'vitest';

/** The TRPCError a call rejects with; fails the test when it resolves or rejects with anything else. */
export async function trpcError(p: Promise<unknown>): Promise<TRPCError> {
  const err = await p.then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(TRPCError);
  return err as TRPCError;
}
