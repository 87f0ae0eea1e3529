import cron, { type ScheduledTask } from 'node-cron';
import type { EtlJob } from '@/etl/runtime/job';
import { runEtlJob } from '@/etl/runtime/run-job';
import type { Runtime } from '../runtime';
import { loadHistory } from './history';
import { etlJobs, startSimulator, type Simulator } from './registry';
import { SerialRunner } from './serial-runner';

/**
 * node-cron schedules for the simulator and the ETL. Each task skips a tick while its previous run is
 * still going (a slow source must not pile up runs), and a failure is recorded, never thrown.
 */
export class Scheduler {
  private tasks: ScheduledTask[] = [];
  private sim: Simulator | undefined;
  private history: Promise<void> | undefined;
  private stopping = false;

  private readonly runner: SerialRunner;

  constructor(private readonly rt: Runtime) {
    this.runner = new SerialRunner((name, outcome) => {
      rt.jobs.lastTick[name] = outcome;
      if (!outcome.ok) console.error(`[scheduler] ${name}: ${outcome.message}`);
    });
  }

  async start(): Promise<void> {
    if (this.tasks.length) return;
    this.stopping = false;
    this.runner.stopped = false;
    const { rt } = this;
    this.sim = await startSimulator(rt.env);
    const jobs = etlJobs(rt.env, this.sim.vars);
    const runJob = (job: EtlJob) =>
      this.record(job.source, async () => {
        const r = await runEtlJob(rt.ch, job);
        if (r.status === 'failed') throw new Error(r.error);
        return `${r.rowsLoaded} loaded, ${r.rowsQuarantined} quarantined`;
      });

    // Each simulated system catches up once, then the jobs it feeds make their first pass at once rather than
    // at their next cron tick, so a fresh start shows data in seconds; systems that answer on demand (HTTP
    // APIs) are pulled straight away. A slow system (a big billing export) delays only its own jobs.
    const fed = new Set<string>();
    const first: Promise<unknown>[] = [];
    for (const sim of this.sim.tasks) {
      const feeds = jobs.filter((j) => sim.feeds?.some((prefix) => j.source.startsWith(prefix)));
      for (const j of feeds) fed.add(j.source);
      first.push(this.record(sim.name, () => sim.tick(Date.now()).then((n) => `${n} rows`)).then(() => Promise.all(feeds.map(runJob))));
      this.tasks.push(
        cron.schedule(sim.schedule, () => this.record(sim.name, () => sim.tick(Date.now()).then((n) => `${n} rows`)), {
          noOverlap: true,
          name: sim.name,
        }),
      );
    }
    for (const job of jobs) {
      if (!fed.has(job.source)) first.push(runJob(job));
      this.tasks.push(cron.schedule(job.schedule, () => runJob(job), { noOverlap: true, name: job.source }));
    }
    if (this.sim.history) {
      const history = this.sim.history;
      this.history = Promise.all(first).then(() =>
        loadHistory(rt, history, jobs, {
          days: rt.env.SIMULATOR_HISTORY_DAYS,
          tz: rt.env.BUSINESS_TZ,
          status: rt.jobs.history,
          stopped: () => this.stopping,
        }),
      );
    }
    rt.jobs.schedulerRunning = true;
    console.log(
      `[scheduler] ${this.sim.tasks.length} simulator task(s), ${jobs.length} ETL job(s): ${jobs.map((j) => j.source).join(', ')}`,
    );
  }

  async stop(): Promise<void> {
    this.stopping = true;
    this.runner.stopped = true;
    for (const t of this.tasks) await t.stop();
    // History commits per day and resumes on the next start: give the current day a moment, never a minute.
    await Promise.race([this.history, new Promise((r) => setTimeout(r, 3000).unref())]);
    this.tasks = [];
    await this.sim?.close();
    this.sim = undefined;
    this.rt.jobs.schedulerRunning = false;
  }

  private record(name: string, fn: () => Promise<string>): Promise<void> {
    return this.runner.run(name, fn);
  }
}
