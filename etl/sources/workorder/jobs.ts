import type { HttpSourceConfig } from '../../connectors/types';
import type { EtlJob, JobContext, QuarantinedRow } from '../../runtime/job';
import { quarantine } from '../../runtime/run-job';
import { windowJob } from '../../runtime/window-pull';
import { loadWorkOrderExports } from './bulk';
import { WORK_ORDER_SOURCE } from './config';
import { WORK_ORDERS_PATH } from './source-schema';
import { transformWorkOrder, workOrderKey } from './transform';

// Customer-service work orders (转办工单) → ClickHouse. The API lists orders by the time of their last
// change, so an order comes back each time a step is added: pulled in time windows from the watermark minus
// an overlap (etl/runtime/window-pull), and the versions of one order collapse in ReplacingMergeTree to its
// latest state. Same window design as the CTI; only the vendor's parameter names and envelope differ, which
// is what the HTTP config adapts.

export const WORK_ORDER_DEFAULT_SCHEDULE = '0 */5 * * * *';

export type WorkOrderHttpConfig = { baseUrl: string } & Partial<Omit<HttpSourceConfig, 'baseUrl'>>;

export interface WorkOrderSourceConfig {
  http: WorkOrderHttpConfig;
  tz: string;
  /** Longest window asked for in one go: a run catching up after downtime saves its progress per window. */
  windowMs?: number;
  /** A back-fill's window: default one day (the API lists a window from the orders of the lifetime before it). */
  backfillWindowMs?: number;
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
  const job = windowJob({
    source,
    schedule: cfg.schedule ?? WORK_ORDER_DEFAULT_SCHEDULE,
    tz: cfg.tz,
    http: workOrderHttpConfig(cfg.http),
    windowMs: cfg.windowMs ?? 6 * HOUR,
    backfillWindowMs: cfg.backfillWindowMs ?? 24 * HOUR,
    overlapMs: cfg.overlapMs ?? 5 * 60_000,
    async loadPage({ ch, runId, now }: JobContext, page: Record<string, unknown>[]) {
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
      return { loaded: orders.length, quarantined: bad.length };
    },
  });
  // The vendor's export of a day's listing (the simulator's history in bulk), read and checked by the engine:
  // `files` holds each day's orders_<day>.csv with its steps_<day>.csv beside it (bulk.ts, exportPairs).
  job.loadExport = (ctx, files) => loadWorkOrderExports(ctx, files, cfg.tz);
  // No reconcile: the API lists an order by its last change, so a day's total has no one-to-one counterpart
  // in fact_work_order (an order created yesterday and handled today is listed today).
  return [job];
}
