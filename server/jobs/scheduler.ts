import cron, { type ScheduledTask } from 'node-cron';
import { runEtlJob } from '@/etl/runtime/run-job';
import type { Runtime } from '../runtime';
import { etlJobs, startSimulator, type Simulator } from './registry';

/**
 * node-cron schedules for the simulator and the ETL. Each task skips a tick while its previous run is
 * still going (a slow source must not pile up runs), and a failure is recorded, never thrown.
 */
export class Scheduler {
  private tasks: ScheduledTask[] = [];
  private sim: Simulator | undefined;

  constructor(private readonly rt: Runtime) {}

  async start(): Promise<void> {
    if (this.tasks.length) return;
    const { rt } = this;
    this.sim = await startSimulator(rt.env);
    for (const sim of this.sim.tasks) {
      // Catch up once before the ETL's first run, so a fresh start has today's data at once.
      await this.record(sim.name, () => sim.tick(Date.now()).then((n) => `${n} rows`));
      this.tasks.push(
        cron.schedule(sim.schedule, () => this.record(sim.name, () => sim.tick(Date.now()).then((n) => `${n} rows`)), {
          noOverlap: true,
          name: sim.name,
        }),
      );
    }
    const jobs = etlJobs(rt.env, this.sim.vars);
    for (const job of jobs) {
      this.tasks.push(
        cron.schedule(
          job.schedule,
          () =>
            this.record(job.source, async () => {
              const r = await runEtlJob(rt.ch, job);
              if (r.status === 'failed') throw new Error(r.error);
              return `${r.rowsLoaded} loaded, ${r.rowsQuarantined} quarantined`;
            }),
          { noOverlap: true, name: job.source },
        ),
      );
    }
    // First ETL pass right away rather than at the next cron tick.
    for (const job of jobs) void this.record(job.source, () => runEtlJob(rt.ch, job).then((r) => r.status));
    rt.jobs.schedulerRunning = true;
    console.log(
      `[scheduler] ${this.sim.tasks.length} simulator task(s), ${jobs.length} ETL job(s) scheduled: ${jobs.map((j) => j.source).join(', ')}`,
    );
  }

  async stop(): Promise<void> {
    for (const t of this.tasks) await t.stop();
    this.tasks = [];
    await this.sim?.close();
    this.sim = undefined;
    this.rt.jobs.schedulerRunning = false;
  }

  private async record(name: string, fn: () => Promise<string>): Promise<void> {
    try {
      const message = await fn();
      this.rt.jobs.lastTick[name] = { at: Date.now(), ok: true, message };
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      this.rt.jobs.lastTick[name] = { at: Date.now(), ok: false, message };
      console.error(`[scheduler] ${name}: ${message}`);
    }
  }
}
