import { performance } from 'node:perf_hooks';
import type { PrismaClient } from './generated/client';

// A lease is a row in scheduler_leases with an expiry. Every decision about expiry is taken by the database
// clock (now()), so processes on hosts with skewed clocks still agree; locally only a monotonic clock is used,
// to stop believing we hold a lease once it may have expired.

type LeaseClient = Pick<PrismaClient, '$queryRaw' | '$executeRaw'>;

/**
 * Takes the lease `name` for `holder` for `ttlMs`, in one atomic statement: inserts it if absent, takes it
 * over if it has expired, or renews it if `holder` already holds it. Returns whether `holder` holds it now.
 */
export async function acquireLease(prisma: LeaseClient, name: string, holder: string, ttlMs: number): Promise<boolean> {
  if (!(ttlMs > 0) || !Number.isFinite(ttlMs)) throw new RangeError(`lease ttlMs must be a positive number, got ${ttlMs}`);
  // Concurrent inserts of an absent row serialise on the primary key: the loser re-evaluates the WHERE
  // against the winner's committed row and gets no row back.
  const rows = await prisma.$queryRaw<{ holder: string }[]>`
    INSERT INTO scheduler_leases AS l (name, holder, acquired_at, expires_at)
    VALUES (${name}, ${holder}, now(), now() + ${ttlMs}::double precision * interval '1 millisecond')
    ON CONFLICT (name) DO UPDATE
      SET holder = EXCLUDED.holder,
          acquired_at = CASE WHEN l.holder = EXCLUDED.holder THEN l.acquired_at ELSE EXCLUDED.acquired_at END,
          expires_at = EXCLUDED.expires_at
      WHERE l.expires_at <= now() OR l.holder = EXCLUDED.holder
    RETURNING l.holder`;
  return rows.length === 1;
}

/** Gives the lease up if `holder` holds it. Returns whether it did. */
export async function releaseLease(prisma: LeaseClient, name: string, holder: string): Promise<boolean> {
  const n = await prisma.$executeRaw`DELETE FROM scheduler_leases WHERE name = ${name} AND holder = ${holder}`;
  return n > 0;
}

export interface LeaseInfo {
  name: string;
  holder: string;
  acquiredAt: Date;
  expiresAt: Date;
  /** Whether it is still valid by the database clock. */
  live: boolean;
}

/** Who holds the lease (for status pages and logs); null if nobody ever took it or it was released. */
export async function readLease(prisma: LeaseClient, name: string): Promise<LeaseInfo | null> {
  const rows = await prisma.$queryRaw<{ holder: string; acquired_at: Date; expires_at: Date; live: boolean }[]>`
    SELECT holder, acquired_at, expires_at, expires_at > now() AS live FROM scheduler_leases WHERE name = ${name}`;
  const r = rows[0];
  return r ? { name, holder: r.holder, acquiredAt: r.acquired_at, expiresAt: r.expires_at, live: r.live } : null;
}

export type LeaseLossReason = 'taken' | 'expired' | 'stopped';

export interface LeaseKeeperOptions {
  prisma: LeaseClient;
  name: string;
  /** Unique per process, e.g. `${hostname}:${pid}:${random}`. */
  holder: string;
  ttlMs: number;
  /** How often to try to acquire or renew; default ttl/3, so two renewals may fail before the lease lapses. */
  intervalMs?: number;
  onAcquired?: () => void;
  /** 'taken': another holder has it; 'expired': renewals failed until it may have lapsed; 'stopped': stop(). */
  onLost?: (reason: LeaseLossReason) => void;
  /** Database errors while acquiring or renewing (the keeper keeps trying). */
  onError?: (err: unknown) => void;
  /** The local monotonic clock in ms; default performance.now (a test seam). */
  now?: () => number;
}

/**
 * Keeps trying to acquire the lease and, once held, renews it, so that exactly one process at a time runs
 * the scheduler. Callers start their jobs in onAcquired, stop them in onLost, and check isHeld() before
 * each run (it turns false as soon as the lease may have expired, even if the event loop was blocked).
 */
export class LeaseKeeper {
  private held = false;
  /** Time on the local monotonic clock (`now`) after which the lease may have expired server-side. */
  private deadline = 0;
  private timer: NodeJS.Timeout | undefined;
  private inFlight: Promise<void> | undefined;
  private stopped = false;
  private readonly intervalMs: number;

  private readonly prisma: LeaseClient;
  private readonly now: () => number;

  constructor(private readonly opts: LeaseKeeperOptions) {
    this.prisma = opts.prisma;
    this.now = opts.now ?? (() => performance.now());
    if (!(opts.ttlMs > 0)) throw new RangeError(`lease ttlMs must be positive, got ${opts.ttlMs}`);
    this.intervalMs = opts.intervalMs ?? Math.max(1, Math.floor(opts.ttlMs / 3));
    if (this.intervalMs >= opts.ttlMs)
      throw new RangeError('lease intervalMs must be shorter than ttlMs, or the lease lapses between renewals');
  }

  /** First attempt now, then every intervalMs. Resolves with whether the lease is held after the first attempt. */
  async start(): Promise<boolean> {
    if (this.stopped) throw new Error('LeaseKeeper was stopped; create a new one');
    if (!this.timer && !this.inFlight) await this.tick();
    return this.isHeld();
  }

  isHeld(): boolean {
    if (this.held && this.now() >= this.deadline) this.lose('expired');
    return this.held;
  }

  /** Stops renewing and releases the lease if held, so another process can take over at once. */
  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    clearTimeout(this.timer);
    this.timer = undefined;
    await this.inFlight;
    if (this.held) {
      this.lose('stopped');
      try {
        await releaseLease(this.prisma, this.opts.name, this.opts.holder);
      } catch (err) {
        // It expires by itself within ttlMs.
        this.report(err);
      }
    }
  }

  private tick(): Promise<void> {
    this.inFlight = this.attempt().finally(() => {
      this.inFlight = undefined;
      if (!this.stopped) {
        this.timer = setTimeout(() => void this.tick(), this.intervalMs);
        // The keeper must not be what keeps a finished process (or test run) alive.
        this.timer.unref();
      }
    });
    return this.inFlight;
  }

  private async attempt(): Promise<void> {
    // Measured before sending: the database computes expiry from its own now(), which is no earlier.
    const sentAt = this.now();
    let ok: boolean;
    try {
      ok = await acquireLease(this.prisma, this.opts.name, this.opts.holder, this.opts.ttlMs);
    } catch (err) {
      this.report(err);
      this.isHeld(); // drops the lease if the last successful renewal is now too old
      return;
    }
    if (this.stopped) {
      if (ok) await releaseLease(this.prisma, this.opts.name, this.opts.holder).catch((err: unknown) => this.report(err));
      return;
    }
    if (ok) {
      this.deadline = sentAt + this.opts.ttlMs;
      if (!this.held) {
        this.held = true;
        this.call(() => this.opts.onAcquired?.());
      }
    } else if (this.held) {
      this.lose('taken');
    }
  }

  private lose(reason: LeaseLossReason): void {
    if (!this.held) return;
    this.held = false;
    this.call(() => this.opts.onLost?.(reason));
  }

  private call(fn: () => void): void {
    try {
      fn();
    } catch (err) {
      this.report(err);
    }
  }

  private report(err: unknown): void {
    try {
      if (this.opts.onError) return this.opts.onError(err);
    } catch (cbErr) {
      err = cbErr;
    }
    console.error(`[lease ${this.opts.name}]`, err instanceof Error ? err.message : err);
  }
}
