import type { SessionUser } from '@/server/trpc/context';
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

/** A province duty officer, for in-process callers that need a principal but test something else. */
export const PROVINCE_DUTY: SessionUser = { id: 'duty-wang', name: '王值班', role: 'duty_officer', orgCode: '53', kind: 'user' };
