import type { TableName } from '@/core/clickhouse/tables';
import { fetchWindow } from '../../connectors/http';
import type { HttpSourceConfig } from '../../connectors/types';
import { startOfLocalDay } from '@/core/time';
import type { BackfillProgress, BackfillRange, EtlJob, JobContext, JobResult, QuarantinedRow } from '../../runtime/job';
import { reconcileCtiCalls } from '../../runtime/reconcile';
import { quarantine } from '../../runtime/run-job';
import { readWatermark, writeWatermark } from '../../runtime/watermark';
import { CTI_AGENT_STATES_PATH, CTI_CDR_PATH } from './source-schema';
import { agentStateKey, cdrKey, transformAgentState, transformCdr, type Transform } from './transform';
import { backfillWindows } from '../../runtime/window-backfill';

// 95598 CTI → ClickHouse. The vendor API lists records by the time of their last change, so each run asks
// for [watermark − overlap, now): the overlap catches records the CTI wrote late (its clock, its batch
// jobs), and whatever is read twice collapses in ReplacingMergeTree.

export type CtiHttpConfig = { baseUrl: string } & Partial<Omit<HttpSourceConfig, 'baseUrl' | 'path'>>;

export interface CtiSourceConfig {
  http: CtiHttpConfig;
  tz: string;
  /** Longest window asked for in one go: a run catching up after downtime saves its progress per window. */
  windowMs?: number;
  /** Re-read this much before the watermark. */
  overlapMs?: number;
  schedule?: string;
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
}

function windowJob(cfg: CtiSourceConfig, feed: Feed): EtlJob {
  const windowMs = cfg.windowMs ?? 3 * HOUR;
  const overlapMs = cfg.overlapMs ?? 5 * 60_000;
  const http = ctiHttpConfig(cfg.http, feed.path);
  /** Fetches, transforms and loads one window; returns the rows read, loaded and quarantined. */
  async function loadWindow({ ch, runId, now }: JobContext, from: number, to: number) {
    const window = { from: new Date(from).toISOString(), to: new Date(to).toISOString() };
    let read = 0;
    let loaded = 0;
    let quarantined = 0;
    for await (const page of fetchWindow(http, window)) {
      read += page.length;
      const good: Record<string, unknown>[] = [];
      const bad: QuarantinedRow[] = [];
      for (const raw of page) {
        const t = feed.transform(raw, cfg.tz);
        if (t.ok) good.push(t.row);
        else bad.push({ recordKey: feed.key(raw), reason: t.reason, raw });
      }
      await ch.insert(`etl.${feed.source}`, feed.table, good);
      if (bad.length) await quarantine(ch, feed.source, runId, bad, now);
      loaded += good.length;
      quarantined += bad.length;
    }
    return { read, loaded, quarantined };
  }

  const job: EtlJob = {
    source: feed.source,
    schedule: cfg.schedule ?? '*/30 * * * * *',
    async run(ctx: JobContext): Promise<JobResult> {
      const { ch, now } = ctx;
      const wm = await readWatermark(ch, feed.source);
      // First run: from the start of the previous local day, so the screens have yesterday to compare with.
      const start = wm ? Date.parse(wm.ts) - overlapMs : startOfLocalDay(startOfLocalDay(now, cfg.tz) - HOUR, cfg.tz);
      if (Number.isNaN(start)) throw new Error(`${feed.source}: unreadable watermark ${JSON.stringify(wm)}`);
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
        await writeWatermark(ch, feed.source, { ts: reached, id: '' });
      }
      return {
        rowsRead: read,
        rowsLoaded: loaded,
        rowsQuarantined: quarantined,
        watermarkFrom: wm?.ts ?? '',
        watermarkTo: reached,
      };
    },

    backfill(ctx: JobContext, range: BackfillRange, progress: (p: BackfillProgress) => void, resumeKey: string): Promise<JobResult> {
      return backfillWindows(ctx, range, progress, resumeKey, { source: feed.source, windowMs, loadWindow });
    },
  };
  // Agent states are listed by their last change (start, then again at the end), so a day's total has no
  // one-to-one counterpart in fact_agent_state; only calls are reconciled.
  if (feed.reconcilable) job.reconcile = (ch, day) => reconcileCtiCalls(ch, http, day, cfg.tz);
  return job;
}

/** `cti.calls` (call detail records → fact_call) and `cti.agent-states` (→ fact_agent_state). */
export function ctiJobs(cfg: CtiSourceConfig): EtlJob[] {
  return [
    windowJob(cfg, {
      source: 'cti.calls',
      path: CTI_CDR_PATH,
      table: 'fact_call',
      transform: transformCdr,
      key: cdrKey,
      reconcilable: true,
    }),
    windowJob(cfg, {
      source: 'cti.agent-states',
      path: CTI_AGENT_STATES_PATH,
      table: 'fact_agent_state',
      transform: transformAgentState,
      key: agentStateKey,
    }),
  ];
}
