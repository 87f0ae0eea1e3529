import { z } from 'zod';
import { fetchWindow } from '../../connectors/http';
import type { HttpSourceConfig } from '../../connectors/types';
import { startOfLocalDay } from '@/core/time';
import type { BackfillProgress, BackfillRange, EtlJob, JobContext, JobResult, QuarantinedRow } from '../../runtime/job';
import { quarantine } from '../../runtime/run-job';
import { readWatermark, writeWatermark } from '../../runtime/watermark';
import { WORK_ORDERS_PATH } from './source-schema';
import { transformWorkOrder, workOrderKey } from './transform';
import { backfillWindows } from '../../runtime/window-backfill';

// Customer-service work orders (转办工单) → ClickHouse. The API lists orders by the time of their last
// change, so an order comes back each time a step is added: each run asks for [watermark − overlap, now),
// and the versions of one order collapse in ReplacingMergeTree to its latest state. Same window design as
// the CTI; only the vendor's parameter names and envelope differ, which is what the HTTP config adapts.

export const WORK_ORDER_SOURCE = 'workorder.orders';
export const WORK_ORDER_DEFAULT_SCHEDULE = '0 */5 * * * *';

export type WorkOrderHttpConfig = { baseUrl: string } & Partial<Omit<HttpSourceConfig, 'baseUrl'>>;

export interface WorkOrderSourceConfig {
  http: WorkOrderHttpConfig;
  tz: string;
  /** Longest window asked for in one go: a run catching up after downtime saves its progress per window. */
  windowMs?: number;
  /** Re-read this much before the watermark. */
  overlapMs?: number;
  schedule?: string;
}

const HOUR = 3_600_000;

export function workOrderHttpConfig(http: WorkOrderHttpConfig): HttpSourceConfig {
  return {
    path: WORK_ORDERS_PATH,
    params: { from: 'updatedFrom', to: 'updatedTo', page: 'page', pageSize: 'size' },
    pageSize: 1000,
    recordsPath: 'result.list',
    totalPagesPath: 'result.totalPages',
    retry: { attempts: 4, baseDelayMs: 500, maxDelayMs: 10_000 },
    timeoutMs: 15_000,
    ...http,
  };
}

/** `workorder.orders`: work orders → fact_work_order (latest state) and fact_work_order_step. */
export function workOrderJobs(cfg: WorkOrderSourceConfig): EtlJob[] {
  const source = WORK_ORDER_SOURCE;
  const windowMs = cfg.windowMs ?? 6 * HOUR;
  const overlapMs = cfg.overlapMs ?? 5 * 60_000;
  const http = workOrderHttpConfig(cfg.http);

  /** Fetches, transforms and loads one window; returns the rows read, loaded and quarantined. */
  async function loadWindow({ ch, runId, now }: JobContext, from: number, to: number) {
    const window = { from: new Date(from).toISOString(), to: new Date(to).toISOString() };
    let read = 0;
    let loaded = 0;
    let quarantined = 0;
    for await (const page of fetchWindow(http, window)) {
      read += page.length;
      const orders: Record<string, unknown>[] = [];
      const steps: Record<string, unknown>[] = [];
      const bad: QuarantinedRow[] = [];
      for (const raw of page) {
        const t = transformWorkOrder(raw, cfg.tz);
        if (t.ok) {
          orders.push(t.rows.order);
          steps.push(...t.rows.steps);
        } else bad.push({ recordKey: workOrderKey(raw), reason: t.reason, raw });
      }
      // Steps first: an order row is never visible without the steps it names.
      await ch.insert(`etl.${source}.steps`, 'fact_work_order_step', steps);
      await ch.insert(`etl.${source}`, 'fact_work_order', orders);
      if (bad.length) await quarantine(ch, source, runId, bad, now);
      loaded += orders.length;
      quarantined += bad.length;
    }
    return { read, loaded, quarantined };
  }

  const job: EtlJob = {
    source,
    schedule: cfg.schedule ?? WORK_ORDER_DEFAULT_SCHEDULE,
    async run(ctx: JobContext): Promise<JobResult> {
      const { ch, now } = ctx;
      const wm = await readWatermark(ch, source);
      // First run: from the start of the previous local day, so the screens have yesterday to compare with.
      const start = wm ? Date.parse(wm.ts) - overlapMs : startOfLocalDay(startOfLocalDay(now, cfg.tz) - HOUR, cfg.tz);
      if (Number.isNaN(start)) throw new Error(`${source}: unreadable watermark ${JSON.stringify(wm)}`);
      let read = 0;
      let loaded = 0;
      let quarantined = 0;
      let reached = wm?.ts ?? '';
      for (let from = start; from < now; from += windowMs) {
        const to = Math.min(now, from + windowMs);
        const r = await loadWindow(ctx, from, to);
        read += r.read;
        loaded += r.loaded;
        quarantined += r.quarantined;
        // Data first, then the watermark: a crash between the two re-reads this window, never skips it.
        reached = new Date(to).toISOString();
        await writeWatermark(ch, source, { ts: reached, id: '' });
      }
      return { rowsRead: read, rowsLoaded: loaded, rowsQuarantined: quarantined, watermarkFrom: wm?.ts ?? '', watermarkTo: reached };
    },

    backfill(ctx: JobContext, range: BackfillRange, progress: (p: BackfillProgress) => void, resumeKey: string): Promise<JobResult> {
      return backfillWindows(ctx, range, progress, resumeKey, { source: source, windowMs, loadWindow });
    },
  };
  // No reconcile: the API lists an order by its last change, so a day's total has no one-to-one counterpart
  // in fact_work_order (an order created yesterday and handled today is listed today).
  return [job];
}

// ---- sources-file entry ------------------------------------------------------------------------------

const cron = z.string().min(9, 'a node-cron expression, seconds first');

/** A `work-orders` entry of the sources file (etl/config): the customer-service system's HTTP API. */
export const workOrderSourceConfigSchema = z.object({
  id: z.string().regex(/^[a-z][a-z0-9-]*$/),
  kind: z.literal('http'),
  domain: z.literal('work-orders'),
  enabled: z.boolean().default(true),
  baseUrl: z.string().min(1),
  headers: z.record(z.string(), z.string()).optional(),
  timeZone: z.string().default('Asia/Shanghai'),
  pageSize: z.number().int().positive().max(10_000).optional(),
  windowMs: z.number().int().positive().optional(),
  overlapMs: z.number().int().nonnegative().optional(),
  schedule: cron.optional(),
});
export type WorkOrderSourceEntry = z.infer<typeof workOrderSourceConfigSchema>;

/** The jobs of one validated `work-orders` sources-file entry. */
export function workOrderJobsFromSource(s: WorkOrderSourceEntry): EtlJob[] {
  return workOrderJobs({
    http: { baseUrl: s.baseUrl, ...(s.headers ? { headers: s.headers } : {}), ...(s.pageSize ? { pageSize: s.pageSize } : {}) },
    tz: s.timeZone,
    windowMs: s.windowMs,
    overlapMs: s.overlapMs,
    schedule: s.schedule,
  });
}
