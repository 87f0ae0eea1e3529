import type { TableName } from '@/core/clickhouse/tables';
import type { HttpSourceConfig } from '../../connectors/types';
import type { EtlJob, JobContext, QuarantinedRow } from '../../runtime/job';
import { reconcileCtiCalls } from '../../runtime/reconcile';
import { quarantine } from '../../runtime/run-job';
import { windowJob } from '../../runtime/window-pull';
import { AGENT_STATES, backfillCtiBulk, CALLS, loadCtiExport, type CtiBulkFeed } from './bulk';
import { CTI_SOURCES } from './config';
import { CTI_AGENT_STATE_EXPORT_COLUMNS, CTI_AGENT_STATES_PATH, CTI_CDR_EXPORT_COLUMNS, CTI_CDR_PATH } from './source-schema';
import { agentStateKey, cdrKey, transformAgentState, transformCdr, type Transform } from './transform';

// 95598 CTI → ClickHouse. The vendor API lists records by the time of their last change: pulled in time
// windows from the watermark minus an overlap (etl/runtime/window-pull).

export type CtiHttpConfig = { baseUrl: string } & Partial<Omit<HttpSourceConfig, 'baseUrl' | 'path'>>;

export interface CtiSourceConfig {
  http: CtiHttpConfig;
  tz: string;
  /** Longest window asked for in one go: a run catching up after downtime saves its progress per window. */
  windowMs?: number;
  /** A back-fill's window: default one day (a past day in one listing and one staged set). */
  backfillWindowMs?: number;
  /** Re-read this much before the watermark. */
  overlapMs?: number;
  schedule?: string;
  /**
   * A back-fill stages each window's records in the engine and checks and transforms them there as one set
   * (bulk.ts; default); false takes them through the row transform page by page (the reference the bulk path
   * is tested against). Live runs always go row by row.
   */
  bulk?: boolean;
}

const HOUR = 3_600_000;

export function ctiHttpConfig(http: CtiHttpConfig, path: string): HttpSourceConfig {
  return {
    path,
    params: { from: 'start', to: 'end', page: 'pageNo', pageSize: 'pageSize' },
    pageSize: 2000,
    recordsPath: 'data.records',
    totalPagesPath: 'data.pages',
    retry: { attempts: 4, baseDelayMs: 500, maxDelayMs: 10_000 },
    timeoutMs: 15_000,
    ...http,
  };
}

interface Feed {
  source: string;
  path: string;
  table: TableName;
  transform: (raw: unknown, tz: string) => Transform;
  key: (raw: Record<string, unknown>) => string;
  /** Whether the API's per-window total can be compared with the table (see reconcile). */
  reconcilable?: boolean;
  /** The feed's rules in SQL, for the back-fill (bulk.ts). */
  bulk: CtiBulkFeed;
  /** The columns of the vendor's export of the listing. */
  exportColumns: readonly string[];
}

function feedJob(cfg: CtiSourceConfig, feed: Feed): EtlJob {
  const http = ctiHttpConfig(cfg.http, feed.path);
  const job = windowJob({
    source: feed.source,
    schedule: cfg.schedule ?? '*/30 * * * * *',
    tz: cfg.tz,
    http,
    windowMs: cfg.windowMs ?? 3 * HOUR,
    backfillWindowMs: cfg.backfillWindowMs ?? 24 * HOUR,
    overlapMs: cfg.overlapMs ?? 5 * 60_000,
    async loadPage({ ch, runId, now }: JobContext, page: Record<string, unknown>[]) {
      const good: Record<string, unknown>[] = [];
      const bad: QuarantinedRow[] = [];
      for (const raw of page) {
        const t = feed.transform(raw, cfg.tz);
        if (t.ok) good.push(t.row);
        else bad.push({ recordKey: feed.key(raw), reason: t.reason, raw });
      }
      await ch.insert(`etl.${feed.source}`, feed.table, good);
      if (bad.length) await quarantine(ch, feed.source, runId, bad, now);
      return { loaded: good.length, quarantined: bad.length };
    },
  });
  if (cfg.bulk !== false) {
    const windowMs = cfg.backfillWindowMs ?? 24 * HOUR;
    const load = { tz: cfg.tz, source: feed.source, sourceName: 'cti', transform: feed.transform, key: feed.key };
    job.backfill = (ctx, range, progress, resumeKey) =>
      backfillCtiBulk(ctx, { http, windowMs }, feed.bulk, load, range, progress, resumeKey);
    // The vendor's export of a listing (the simulator's history in bulk): read and checked by the engine.
    job.loadExport = async (ctx, files) => {
      const sum = { rowsRead: 0, rowsLoaded: 0, rowsQuarantined: 0, watermarkFrom: '', watermarkTo: '' };
      for (const file of files) {
        const r = await loadCtiExport(ctx, feed.bulk, load, file, feed.exportColumns);
        sum.rowsRead += r.read;
        sum.rowsLoaded += r.loaded;
        sum.rowsQuarantined += r.quarantined;
      }
      return sum;
    };
  }
  // Agent states are listed by their last change (start, then again at the end), so a day's total has no
  // one-to-one counterpart in fact_agent_state; only calls are reconciled.
  if (feed.reconcilable) job.reconcile = (ch, day) => reconcileCtiCalls(ch, http, day, cfg.tz);
  return job;
}

/** `cti.calls` (call detail records → fact_call) and `cti.agent-states` (→ fact_agent_state). */
export function ctiJobs(cfg: CtiSourceConfig): EtlJob[] {
  return [
    feedJob(cfg, {
      source: CTI_SOURCES.calls,
      path: CTI_CDR_PATH,
      table: 'fact_call',
      transform: transformCdr,
      key: cdrKey,
      reconcilable: true,
      bulk: CALLS,
      exportColumns: CTI_CDR_EXPORT_COLUMNS,
    }),
    feedJob(cfg, {
      source: CTI_SOURCES.agentStates,
      path: CTI_AGENT_STATES_PATH,
      table: 'fact_agent_state',
      transform: transformAgentState,
      key: agentStateKey,
      bulk: AGENT_STATES,
      exportColumns: CTI_AGENT_STATE_EXPORT_COLUMNS,
    }),
  ];
}
