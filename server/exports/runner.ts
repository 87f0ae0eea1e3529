import { hostname } from 'node:os';
import type { Db } from '../db/client';
import type { ExportJob } from '../db/generated/client';

// Background exports: claims one queued job at a time (FOR UPDATE SKIP LOCKED, so two processes never run the
// same job), has it written, and prunes old files and rows. Every web process may run one; the claim keeps
// each job single. A job still "running" long after it started was cut off by a stopped process: failed.

export interface ExportRunnerOptions {
  db: Db;
  /** Writes the job's file and marks it ready (or failed); must not throw for a failed export. */
  run: (job: ExportJob, now: number) => Promise<void>;
  /** Removes files and rows past their keep time. */
  prune: (now: number) => Promise<void>;
  now?: () => number;
}

/** A job running longer than this was interrupted (its process stopped); it is marked failed. */
export const INTERRUPTED_AFTER_MS = 2 * 3_600_000;
const PRUNE_EVERY_MS = 10 * 60_000;

export class ExportRunner {
  readonly worker = `${hostname()}:${process.pid}:${Math.random().toString(36).slice(2, 8)}`;
  private running: Promise<string | null> | undefined;
  private timer: NodeJS.Timeout | undefined;
  private prunedAt = Number.NEGATIVE_INFINITY;
  private readonly now: () => number;

  constructor(private readonly o: ExportRunnerOptions) {
    this.now = o.now ?? Date.now;
  }

  /** Looks for work every `everyMs` until stopped. */
  start(everyMs = 2000): void {
    if (this.timer) return;
    this.timer = setInterval(() => void this.kick(), everyMs);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    await this.running?.catch(() => undefined);
  }

  /** One round now unless one is in progress (one job at a time per process); the id of the job it ran. */
  kick(): Promise<string | null> {
    this.running ??= this.tick(this.now())
      .catch((err: unknown) => {
        console.error('[exports] round failed:', err instanceof Error ? err.message : err);
        return null;
      })
      .finally(() => {
        this.running = undefined;
      });
    return this.running;
  }

  /** Claims the oldest queued job and runs it; prunes now and then. Returns the job's id, or null when none. */
  async tick(now: number): Promise<string | null> {
    if (now - this.prunedAt >= PRUNE_EVERY_MS) {
      this.prunedAt = now;
      await this.failInterrupted(now);
      await this.o.prune(now);
    }
    const job = await this.claim(now);
    if (!job) return null;
    await this.o.run(job, now);
    return job.id;
  }

  /** Moves the oldest queued job to running, atomically: a job locked by another claimer is skipped. */
  async claim(now: number): Promise<ExportJob | null> {
    const rows = await this.o.db.prisma.$queryRaw<{ id: string }[]>`
      UPDATE export_jobs SET status = 'running', started_at = ${new Date(now)}
      WHERE id = (
        SELECT id FROM export_jobs WHERE status = 'queued' ORDER BY created_at, id LIMIT 1 FOR UPDATE SKIP LOCKED
      ) AND status = 'queued'
      RETURNING id`;
    const id = rows[0]?.id;
    return id ? this.o.db.prisma.exportJob.findUnique({ where: { id } }) : null;
  }

  private async failInterrupted(now: number): Promise<void> {
    await this.o.db.prisma.exportJob.updateMany({
      where: { status: 'running', startedAt: { lt: new Date(now - INTERRUPTED_AFTER_MS) } },
      data: {
        status: 'failed',
        error: '导出中断（服务重启），请重新导出 (interrupted by a restart; export again)',
        finishedAt: new Date(now),
      },
    });
  }
}
