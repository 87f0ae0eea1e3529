import { hostname } from 'node:os';
import { LeaseKeeper, readLease, releaseLease } from '../db/lease';
import type { Runtime } from '../runtime';
import { Scheduler } from './scheduler';

const LEASE = 'scheduler';
const TTL_MS = 30_000;

/**
 * Schedules jobs only while this process holds the scheduler lease, so two workers (or a worker and a
 * misconfigured web server) never run the same ETL at once. Losing the lease stops the schedules.
 */
export async function startScheduling(rt: Runtime, role: 'web' | 'worker'): Promise<{ stop(): Promise<void> }> {
  const scheduler = new Scheduler(rt);
  const holder = `${role}@${hostname()}:${process.pid}`;
  rt.jobs.role = role;
  const keeper = new LeaseKeeper({
    prisma: rt.db.prisma,
    name: LEASE,
    holder,
    ttlMs: TTL_MS,
    onAcquired: () => {
      console.log(`[scheduler] lease acquired by ${holder}`);
      void scheduler.start().catch((err: unknown) => console.error('[scheduler] start failed:', err));
    },
    onLost: (reason) => {
      if (reason !== 'stopped') console.warn(`[scheduler] lease ${reason} for ${holder}: stopping schedules`);
      void scheduler.stop();
    },
    onError: (err) => console.error('[scheduler] lease:', err instanceof Error ? err.message : err),
  });
  await releaseIfHolderDied(rt, holder);
  await keeper.start();
  if (!keeper.isHeld()) console.log(`[scheduler] another process holds the scheduler lease; ${holder} stands by`);
  return {
    async stop() {
      await scheduler.stop();
      await keeper.stop();
    },
  };
}

/**
 * A holder on this host whose process is gone (kill -9, power cut) cannot renew; releasing its lease lets a
 * restarted process schedule at once instead of waiting out the TTL. Holders on other hosts just expire.
 */
async function releaseIfHolderDied(rt: Runtime, self: string): Promise<void> {
  const lease = await readLease(rt.db.prisma, LEASE);
  if (!lease?.live || lease.holder === self) return;
  const m = /@(.+):(\d+)$/.exec(lease.holder);
  if (!m || m[1] !== hostname()) return;
  try {
    process.kill(Number(m[2]), 0);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ESRCH' && (await releaseLease(rt.db.prisma, LEASE, lease.holder))) {
      console.log(`[scheduler] released the lease of ${lease.holder}, which is no longer running`);
    }
  }
}
