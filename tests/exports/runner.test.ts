import { afterAll, describe, expect, it } from 'vitest';
import type { Db } from '@/server/db/client';
import type { ExportJob } from '@/server/db/generated/client';
import { ExportRunner, INTERRUPTED_AFTER_MS } from '@/server/exports/runner';
import { BACKENDS, createTestDb, type TestDb } from '../db/helpers';

// Background exports are claimed FOR UPDATE SKIP LOCKED: two runners (two processes on PostgreSQL, two
// runners on one PGlite) racing over the same queue run every job exactly once.

const NOW = Date.parse('2026-12-06T02:00:00Z');
const opened: TestDb[] = [];
afterAll(async () => {
  await Promise.allSettled(opened.map((t) => t.dispose()));
});

async function queue(db: Db, n: number): Promise<string[]> {
  const ids: string[] = [];
  for (let i = 0; i < n; i++) {
    const job = await db.prisma.exportJob.create({
      data: {
        requestedBy: 'km-li',
        orgCode: '5301',
        format: 'csv',
        request: {},
        title: `t${i}`,
        createdAt: new Date(NOW - (n - i) * 1000),
      },
    });
    ids.push(job.id);
  }
  return ids;
}

function runner(db: Db, ran: string[]) {
  return new ExportRunner({
    db,
    now: () => NOW,
    prune: async () => undefined,
    run: async (job: ExportJob) => {
      ran.push(job.id);
      // Work that takes a moment, so the other runner claims while this one holds its job.
      await new Promise((r) => setTimeout(r, 20));
      await db.prisma.exportJob.update({ where: { id: job.id }, data: { status: 'ready', finishedAt: new Date(NOW) } });
    },
  });
}

describe.each(BACKENDS)('export runners on %s', (backend) => {
  it('run every queued job exactly once between them', async () => {
    const t = await createTestDb(backend);
    opened.push(t);
    const other = backend === 'postgresql' ? await t.openAnother() : t.db;
    const ids = await queue(t.db, 6);
    const ran: string[] = [];
    const a = runner(t.db, ran);
    const b = runner(other, ran);
    // Both claim at once, over and over, until neither finds work.
    for (;;) {
      const [x, y] = await Promise.all([a.tick(NOW), b.tick(NOW)]);
      if (x === null && y === null) break;
      if (x !== null && y !== null) expect(x).not.toBe(y);
    }
    expect([...ran].sort()).toEqual([...ids].sort());
    expect(new Set(ran).size).toBe(6);
    const jobs = await t.db.prisma.exportJob.findMany();
    expect(jobs.every((j) => j.status === 'ready' && j.startedAt?.getTime() === NOW)).toBe(true);
  });

  it('fails a job a stopped process left running, and claims nothing twice', async () => {
    const t = await createTestDb(backend);
    opened.push(t);
    const [stuck] = await queue(t.db, 1);
    const ran: string[] = [];
    const first = runner(t.db, ran);
    // Claimed by a process that then stopped: it never finishes.
    const claimed = await first.claim(NOW - INTERRUPTED_AFTER_MS - 1000);
    expect(claimed?.id).toBe(stuck);
    expect(await first.claim(NOW)).toBeNull();
    expect(await runner(t.db, ran).tick(NOW)).toBeNull();
    expect(ran).toEqual([]);
    const job = await t.db.prisma.exportJob.findUniqueOrThrow({ where: { id: stuck! } });
    expect(job.status).toBe('failed');
    expect(job.error).toContain('interrupted');
  });
});
