import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '@/server/db/client';
import { acquireLease, LeaseKeeper, type LeaseLossReason, readLease, releaseLease } from '@/server/db/lease';
import { BACKENDS, createTestDb, type TestDb } from './helpers';

// No real-time ceilings here: expiry on the database clock is brought about by a 1 ms ttl and waited for,
// the keepers' own ttl is a minute (so a slow machine never lets a lease lapse between renewals), their
// local clock is injected where a test is about it, and every wait is for an event with a generous timeout.

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Waits until `cond` holds; the timeout only turns a hang into a failure, it is no bound on speed. */
async function waitFor(cond: () => boolean | Promise<boolean>, what: string, timeoutMs = 30_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!(await cond())) {
    if (Date.now() > end) throw new Error(`${what}: not within ${timeoutMs} ms`);
    await sleep(20);
  }
}

/** The keeper's client, counting its acquire/renew attempts (acquireLease is its only $queryRaw). */
function counted(prisma: Db['prisma']): { prisma: Db['prisma']; attempts: () => number } {
  let n = 0;
  const client = {
    $queryRaw: (...args: unknown[]) => {
      n++;
      return Reflect.apply(prisma.$queryRaw, prisma, args) as unknown;
    },
    $executeRaw: (...args: unknown[]) => Reflect.apply(prisma.$executeRaw, prisma, args) as unknown,
  };
  return { prisma: client as unknown as Db['prisma'], attempts: () => n };
}

const MINUTE = 60_000;

describe.each(BACKENDS)('scheduler lease on %s', (backend) => {
  let t: TestDb;
  let db: Db;
  /** A second process: its own connection pool on PostgreSQL; the same single connection on PGlite. */
  let other: Db;

  beforeAll(async () => {
    t = await createTestDb(backend);
    db = t.db;
    other = backend === 'postgresql' ? await t.openAnother() : db;
  });
  afterAll(async () => {
    await t?.dispose();
  });

  it('lets exactly one of several racing holders win each lease', async () => {
    for (let round = 0; round < 10; round++) {
      const name = `race-${round}`;
      const contenders = ['a', 'b', 'c', 'd'];
      const results = await Promise.all(contenders.map((h, i) => acquireLease((i % 2 ? other : db).prisma, name, h, 60_000)));
      expect(results.filter(Boolean)).toHaveLength(1);
      const winner = contenders[results.indexOf(true)];
      expect((await readLease(db.prisma, name))?.holder).toBe(winner);
    }
  });

  it('renews for the holder, keeps others out, and keeps the original acquisition time', async () => {
    expect(await acquireLease(db.prisma, 'renew', 'A', 60_000)).toBe(true);
    const first = (await readLease(db.prisma, 'renew'))!;
    await sleep(20);
    expect(await acquireLease(other.prisma, 'renew', 'B', 60_000)).toBe(false);
    expect(await acquireLease(db.prisma, 'renew', 'A', 120_000)).toBe(true);
    const renewed = (await readLease(db.prisma, 'renew'))!;
    expect(renewed).toMatchObject({ holder: 'A', live: true });
    expect(renewed.acquiredAt.getTime()).toBe(first.acquiredAt.getTime());
    // now() + 120 s at the renewal against now() + 60 s at the first take: at least 60 s later, however slow.
    expect(renewed.expiresAt.getTime()).toBeGreaterThanOrEqual(first.expiresAt.getTime() + 60_000);
  });

  it('lets another holder take over once the lease has expired, and the old holder cannot renew', async () => {
    expect(await acquireLease(db.prisma, 'expiry', 'A', MINUTE)).toBe(true);
    expect(await acquireLease(other.prisma, 'expiry', 'B', MINUTE)).toBe(false);
    // A renews for 1 ms; the database clock runs past it.
    expect(await acquireLease(db.prisma, 'expiry', 'A', 1)).toBe(true);
    await waitFor(async () => (await readLease(db.prisma, 'expiry'))?.live === false, 'lease expired');
    expect(await acquireLease(other.prisma, 'expiry', 'B', 60_000)).toBe(true);
    expect(await acquireLease(db.prisma, 'expiry', 'A', 60_000)).toBe(false);
    expect((await readLease(db.prisma, 'expiry'))?.holder).toBe('B');
  });

  it('frees the lease on release by its holder only', async () => {
    expect(await acquireLease(db.prisma, 'release', 'A', 60_000)).toBe(true);
    expect(await releaseLease(other.prisma, 'release', 'B')).toBe(false);
    expect(await acquireLease(other.prisma, 'release', 'B', 60_000)).toBe(false);
    expect(await releaseLease(db.prisma, 'release', 'A')).toBe(true);
    expect(await readLease(db.prisma, 'release')).toBeNull();
    expect(await acquireLease(other.prisma, 'release', 'B', 60_000)).toBe(true);
  });

  it('rejects a non-positive ttl', async () => {
    await expect(acquireLease(db.prisma, 'bad', 'A', 0)).rejects.toThrow(RangeError);
  });

  it('LeaseKeeper: one of two keepers holds it; stopping it hands over to the other', async () => {
    const events: string[] = [];
    const keeper = (prisma: Db['prisma'], holder: string) =>
      new LeaseKeeper({
        prisma,
        name: 'keeper-handover',
        holder,
        ttlMs: MINUTE,
        intervalMs: 100,
        onAcquired: () => events.push(`${holder}:acquired`),
        onLost: (reason: LeaseLossReason) => events.push(`${holder}:lost:${reason}`),
      });
    const ca = counted(db.prisma);
    const cb = counted(other.prisma);
    const a = keeper(ca.prisma, 'A');
    const b = keeper(cb.prisma, 'B');
    try {
      expect(await a.start()).toBe(true);
      expect(await b.start()).toBe(false);
      // Several renewals by A, several failed attempts by B.
      await waitFor(() => ca.attempts() >= 4 && cb.attempts() >= 4, 'renewals and attempts');
      expect([a.isHeld(), b.isHeld()]).toEqual([true, false]);
      expect(events).toEqual(['A:acquired']);

      await a.stop();
      expect(a.isHeld()).toBe(false);
      expect((await readLease(db.prisma, 'keeper-handover'))?.holder).not.toBe('A'); // released, not left to lapse
      // B takes it at one of its next attempts, long before A's last minute-long ttl could have run out.
      await waitFor(() => b.isHeld(), 'B holds the lease');
      expect(events).toEqual(['A:acquired', 'A:lost:stopped', 'B:acquired']);
      expect((await readLease(db.prisma, 'keeper-handover'))?.holder).toBe('B');
    } finally {
      await a.stop();
      await b.stop();
    }
    expect(await readLease(db.prisma, 'keeper-handover')).toBeNull();
  });

  it('LeaseKeeper: reports the loss when another holder has taken the lease', async () => {
    const lost: LeaseLossReason[] = [];
    const k = new LeaseKeeper({
      prisma: db.prisma,
      name: 'keeper-taken',
      holder: 'A',
      ttlMs: MINUTE, // A's own deadline is far away: the only way to lose it here is to find it taken
      intervalMs: 100,
      onLost: (r) => lost.push(r),
    });
    try {
      expect(await k.start()).toBe(true);
      // As if A had stalled past its ttl and B had legitimately taken over.
      await db.prisma
        .$executeRaw`UPDATE scheduler_leases SET holder = 'B', expires_at = now() + interval '1 minute' WHERE name = 'keeper-taken'`;
      await waitFor(() => !k.isHeld(), 'A notices');
      expect(lost).toEqual(['taken']);
      expect((await readLease(db.prisma, 'keeper-taken'))?.holder).toBe('B');
    } finally {
      await k.stop();
    }
    // stop() must not release a lease that someone else holds
    expect((await readLease(db.prisma, 'keeper-taken'))?.holder).toBe('B');
  });

  it('LeaseKeeper: stops claiming the lease as soon as it may have expired, even if renewals could not run', async () => {
    const lost: LeaseLossReason[] = [];
    let clock = 1_000; // the keeper's monotonic clock, moved by hand
    const k = new LeaseKeeper({
      prisma: db.prisma,
      name: 'keeper-stall',
      holder: 'A',
      ttlMs: 300,
      intervalMs: 100,
      onLost: (r) => lost.push(r),
      now: () => clock,
    });
    try {
      expect(await k.start()).toBe(true); // sent at 1000: may have expired from 1300 on
      // No await from here on: as on a blocked event loop, no timer (and so no renewal) can run.
      clock += 299;
      expect(k.isHeld()).toBe(true);
      expect(lost).toEqual([]);
      clock += 1;
      expect(k.isHeld()).toBe(false);
      expect(lost).toEqual(['expired']);
    } finally {
      await k.stop();
    }
  });
});
