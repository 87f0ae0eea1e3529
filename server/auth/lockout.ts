// Back-off after failed sign-ins: after 5 failures in a row an account is locked for 15 minutes, doubling
// with every further 5 (up to a day); a successful sign-in resets the count. The built-in rate limit
// (10 sign-in attempts a minute per address) bounds guessing across accounts; this bounds it per account.

export const FAILURES_BEFORE_LOCK = 5;
const BASE_LOCK_MS = 15 * 60_000;
const MAX_LOCK_MS = 24 * 3600_000;

/** When the account unlocks after its `failures`-th failure in a row, or null when it stays open. */
export function lockUntil(failures: number, now: number): Date | null {
  if (failures < FAILURES_BEFORE_LOCK || failures % FAILURES_BEFORE_LOCK !== 0) return null;
  const round = failures / FAILURES_BEFORE_LOCK - 1;
  return new Date(now + Math.min(BASE_LOCK_MS * 2 ** round, MAX_LOCK_MS));
}
