import cron, { type ScheduledTask } from 'node-cron';
import type { ClickHouse } from '@/core/clickhouse/client';
import type { EtlJob } from '@/etl/runtime/job';
import { runEtlJob } from '@/etl/runtime/run-job';
import type { Env } from '@/core/env';
import { RollupRefresher } from '../kpi/rollup/refresher';
import type { Runtime } from '../runtime';
import { loadHistory } from '@/etl/simulator/history';
import { startSimulatorIsolated } from '@/etl/simulator/in-worker';
import { etlJobs, type Simulator, type SimulatorTask } from '@/etl/simulator/start';
import { SerialRunner } from './serial-runner';
import { seedDemoDuty } from '../duty/demo';
import { seedDemoRoster } from '../duty/roster';
import { ReportService } from '../reports/service';
import type { ReportKind } from '../reports/types';

/**
 * Every task skips a tick while its previous run is still going, by design (a slow source must not pile up
 * runs). node-cron warns at each skipped tick, which under load buried the log's real messages; that one
 * warning is dropped, everything else node-cron says still reaches the log.
 */
export const CRON_LOGGER = {
  info: () => undefined,
  debug: () => undefined,
  warn: (message: string) => {
    if (!message.includes('overlap prevention')) console.warn(`[cron] ${message}`);
  },
  error: (message: string | Error, err?: Error) => console.error(`[cron] ${String(message)}`, err ?? ''),
};
const taskOptions = (name: string, timezone?: string) => ({
  noOverlap: true,
  name,
  logger: CRON_LOGGER,
  ...(timezone ? { timezone } : {}),
});

/** Where the scheduler gets its simulator and jobs; tests substitute their own. */
export interface SchedulerSources {
  startSimulator(e: Env): Promise<Simulator>;
  etlJobs(e: Env, vars: Record<string, string>): EtlJob[];
}

/** The simulated system whose tick writes what `job` reads, if any. */
export function feederOf(job: EtlJob, tasks: SimulatorTask[]): SimulatorTask | undefined {
  return tasks.find((t) => t.feeds?.some((prefix) => job.source.startsWith(prefix)));
}

/**
 * node-cron schedules for the simulator and the ETL. Each task skips a tick while its previous run is
 * still going (a slow source must not pile up runs), and a failure is recorded, never thrown.
 */
export class Scheduler {
  private tasks: ScheduledTask[] = [];
  private sim: Simulator | undefined;
  private history: Promise<void> | undefined;
  /** Bumped by every start and stop: work deferred by an earlier start sees a different value and drops out. */
  private generation = 0;
  private started = false;

  private readonly runner: SerialRunner;
  private readonly rollups: RollupRefresher;
  /** The history back-fill's engine session per simulated system (made once, closed with rt.ch). */
  private readonly historyLanes = new Map<string, ClickHouse>();

  constructor(
    private readonly rt: Runtime,
    private readonly sources: SchedulerSources = { startSimulator: startSimulatorIsolated, etlJobs },
  ) {
    this.runner = new SerialRunner((name, outcome) => {
      rt.jobs.lastTick[name] = outcome;
      if (!outcome.ok) console.error(`[scheduler] ${name}: ${outcome.message}`);
    });
    // Rollup passes on an engine session of their own: a pass after a day of history, or a rebuild after a
    // parameter change, runs beside the ETL's loads instead of between them (both use the second core).
    this.rollups = new RollupRefresher(rt.ch.lane(), () => rt.kpi.context(Date.now()));
  }

  async start(): Promise<void> {
    if (this.started) return;
    this.started = true;
    const generation = ++this.generation;
    this.runner.stopped = false;
    const { rt } = this;
    const sim = await this.sources.startSimulator(rt.env);
    if (generation !== this.generation) {
      // Stopped while the simulator was starting: stop() found nothing to close.
      await sim.close();
      return;
    }
    this.sim = sim;
    const jobs = this.sources.etlJobs(rt.env, sim.vars);
    rt.duty.setWorkOrderApiUrl(sim.vars.SIMULATOR_WORKORDER_URL ?? null);
    if (sim.demoChannels) {
      const seeded = await seedDemoDuty(rt.db, sim.demoChannels, Date.now(), rt.env.BUSINESS_TZ).catch((err: unknown) => {
        console.error('[duty] demo duty set-up failed:', err instanceof Error ? err.message : err);
        return null;
      });
      if (seeded)
        console.log(
          `[duty] demo channels ${seeded.channels}, routing policies written ${seeded.policies}, roster people ${seeded.users}, shifts ${seeded.shifts}`,
        );
      // The demo roster runs two days ahead; topped up every hour.
      this.tasks.push(
        cron.schedule(
          '0 7 * * * *',
          () =>
            this.record('duty.demo-roster', async () => `${(await seedDemoRoster(rt.db, Date.now(), rt.env.BUSINESS_TZ)).shifts} shifts`),
          taskOptions('duty.demo-roster'),
        ),
      );
    }
    // 督办: replies polled from the work-order system, overdue items escalated to the parent unit.
    this.tasks.push(
      cron.schedule(
        '20,50 * * * * *',
        () => this.record('duty.supervision', async () => JSON.stringify(await rt.duty.supervision.tick(Date.now()))),
        taskOptions('duty.supervision'),
      ),
    );
    const runJob = (job: EtlJob) =>
      this.record(job.source, async () => {
        const r = await runEtlJob(rt.chBackground, job);
        if (r.status === 'failed') throw new Error(r.error);
        // The rollups follow each committed batch at once, so the wall sees new data on its next refresh.
        // Then the rules that read this source judge it (DOMAIN.md §3: evaluated the moment data lands).
        // Rules answered from the facts judge at once; rules on business-day figures once the rollups follow.
        if ((r.rowsLoaded ?? 0) > 0) {
          // The wall's stored zone answers follow the commit (figures read from the facts), then the rollups.
          rt.dataCommitted({ sources: [job.source] });
          void this.evaluateAfter(job.source, 'facts');
          void this.refreshRollups().then(() => this.evaluateAfter(job.source, 'rollups'));
        }
        return `${r.rowsLoaded} loaded, ${r.rowsQuarantined} quarantined`;
      });
    // A job's schedule starts with a first pass at once rather than at its next cron tick.
    const scheduleJob = (job: EtlJob): Promise<void> => {
      if (generation !== this.generation) return Promise.resolve();
      this.tasks.push(cron.schedule(job.schedule, () => runJob(job), taskOptions(job.source)));
      return runJob(job);
    };

    // A simulated system's first tick writes everything since its last one (on a fresh start, yesterday and
    // today) in many transactions, not in updated-at order. A job reading meanwhile would see the hall
    // reference table still empty, or move its watermark past rows committed later with older timestamps,
    // so the jobs a system feeds are scheduled only once its first tick has ended (ok or not: a failed tick
    // must not stop the ETL). Systems that answer on demand (HTTP APIs) feed no job and are pulled at once;
    // a slow system (a big billing export) delays only its own jobs.
    const first: Promise<unknown>[] = [];
    for (const task of sim.tasks) {
      // Resolved when the first tick of this start ends, whichever request ran it (a tick still running from
      // before a restart of the schedules makes this one a queued follow-up), not when later follow-ups end.
      let ticked!: () => void;
      const firstTick = new Promise<void>((resolve) => (ticked = resolve));
      const tick = async () => {
        try {
          return `${await task.tick(Date.now())} rows`;
        } finally {
          ticked();
        }
      };
      void this.record(task.name, tick);
      this.tasks.push(cron.schedule(task.schedule, () => this.record(task.name, tick), taskOptions(task.name)));
      const fed = jobs.filter((j) => feederOf(j, sim.tasks) === task);
      first.push(firstTick.then(() => Promise.all(fed.map(scheduleJob))));
    }
    for (const job of jobs) if (!feederOf(job, sim.tasks)) first.push(scheduleJob(job));
    if (sim.history) {
      const history = sim.history;
      const liveNames = jobs.map((j) => j.source);
      this.history = Promise.all(first).then(() =>
        generation !== this.generation
          ? undefined
          : loadHistory({ ch: rt.chBackground }, history, jobs, {
              days: rt.env.SIMULATOR_HISTORY_DAYS,
              tz: rt.env.BUSINESS_TZ,
              status: rt.jobs.history,
              stopped: () => generation !== this.generation,
              exclusive: (name, fn) => this.runner.exclusive(name, fn),
              // Live first: no history step starts while a scheduled ETL run is going or requested.
              yieldToLive: () => this.runner.idle(liveNames),
              laneFor: (system) => {
                let lane = this.historyLanes.get(system);
                if (!lane) this.historyLanes.set(system, (lane = rt.ch.lane()));
                return lane;
              },
            }),
      );
    }
    // 定期报告 (server/reports), for the province and each city, in Beijing time: yesterday's daily at 06:00,
    // last week's on Monday 06:30, last month's on the 1st at 07:00. At start, the missing ones of those
    // periods are caught up: the daily once the first ETL pass has loaded yesterday, the weekly and monthly
    // once the history back-fill has loaded their days (sequential, one KPI batch per report).
    const reports = new ReportService(rt);
    const runReports = (kind: ReportKind, onlyMissing: boolean) =>
      this.record(`reports.${kind}`, async () => {
        const r = await reports.runScheduled(kind, Date.now(), { onlyMissing });
        for (const f of r.failed) console.error(`[reports] ${kind} ${r.period.start} ${f.orgCode}: ${f.message}`);
        if (r.generated.length) console.log(`[reports] ${kind} ${r.period.start}: ${r.generated.length} generated`);
        return `${r.period.start}: ${r.generated.length} generated, ${r.skipped} present, ${r.failed.length} failed`;
      });
    const REPORT_CRONS: [ReportKind, string][] = [
      ['daily', '0 0 6 * * *'],
      ['weekly', '0 30 6 * * 1'],
      ['monthly', '0 0 7 1 * *'],
    ];
    for (const [kind, expr] of REPORT_CRONS)
      this.tasks.push(cron.schedule(expr, () => runReports(kind, false), taskOptions(`reports.${kind}`, rt.env.BUSINESS_TZ)));
    const loaded = Promise.all(first);
    void loaded.then(() => (generation === this.generation ? runReports('daily', true) : undefined));
    void (this.history ?? loaded)
      .catch(() => undefined)
      .then(async () => {
        if (generation !== this.generation) return;
        await runReports('weekly', true);
        await runReports('monthly', true);
      });
    // Also on a clock: the history back-fill and the CLI load data outside the scheduled jobs.
    this.tasks.push(cron.schedule('*/10 * * * * *', () => this.refreshRollups(), taskOptions('kpi.rollups')));
    void this.refreshRollups();
    // Time-limit and record rules also move with the clock (an order becomes overdue with no new data), and
    // every rule is checked for sources that stopped delivering.
    this.tasks.push(cron.schedule('15,45 * * * * *', () => this.evaluateClock(), taskOptions('alerts.clock')));
    rt.jobs.schedulerRunning = true;
    console.log(`[scheduler] ${sim.tasks.length} simulator task(s), ${jobs.length} ETL job(s): ${jobs.map((j) => j.source).join(', ')}`);
  }

  async stop(): Promise<void> {
    this.generation++;
    this.started = false;
    this.runner.stopped = true;
    for (const t of this.tasks) await t.stop();
    this.tasks = [];
    // History commits per day and resumes on the next start: give the current day a moment, never a minute.
    await Promise.race([this.history, new Promise((r) => setTimeout(r, 3000).unref())]);
    this.history = undefined;
    await this.sim?.close();
    this.sim = undefined;
    this.rt.jobs.schedulerRunning = false;
  }

  private refreshRollups(): Promise<void> {
    return this.record('kpi.rollups', async () => {
      const stats = await this.rollups.refresh();
      if (stats.length) this.rt.dataCommitted({ families: stats.map((s) => s.family) });
      const rebuilt = stats.filter((s) => s.rebuilt).map((s) => s.family);
      if (rebuilt.length) console.log(`[kpi] rollups rebuilt: ${rebuilt.join(', ')}`);
      return stats.map((s) => `${s.family} ${s.buckets} bucket(s) ${s.ms} ms`).join(', ') || 'up to date';
    });
  }

  private evaluateAfter(source: string, phase: 'facts' | 'rollups'): Promise<void> {
    return this.record(`alerts.${source}.${phase}`, async () => this.summarise(await this.rt.alerts.afterBatch(source, Date.now(), phase)));
  }

  private evaluateClock(): Promise<void> {
    return this.record('alerts.clock', async () => this.summarise(await this.rt.alerts.onClock()));
  }

  private summarise(r: Awaited<ReturnType<Runtime['alerts']['afterBatch']>>): string {
    for (const e of r.errors) console.error(`[alerts] rule ${e.ruleId}: ${e.message}`);
    if (r.fired || r.recovered)
      console.log(`[alerts] ${r.rules} rule(s): ${r.fired} fired, ${r.updated} updated, ${r.recovered} recovered (${Math.round(r.ms)} ms)`);
    return `${r.rules} rules, ${r.fired} fired, ${r.recovered} recovered, ${Math.round(r.ms)} ms`;
  }

  private record(name: string, fn: () => Promise<string>): Promise<void> {
    return this.runner.run(name, fn);
  }
}
