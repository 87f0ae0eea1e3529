import type { Env } from '@/core/env';
import { configuredSourceNames } from '@/etl/config/source-names';
import { DEFAULT_SOURCES_FILE } from '@/etl/config/sources-file';
import { maxLagSeconds, sourceLateness } from '@/etl/runtime/lateness';
import { sourceFreshness } from '@/etl/runtime/run-records';
import type { HistoryStatus } from '@/etl/simulator/history';
import { getHeapStatistics } from 'node:v8';
import { z } from 'zod';
import { eventLoopDelay, type EventLoopDelay } from './event-loop';
import type { Infra } from './infra';

export interface SourceHealth {
  source: string;
  ok: boolean;
  lastSuccessAt: string | null;
  rowsInLastSuccess: number;
  lagSeconds: number | null;
  /** The lag past which the source counts as late (etl/runtime/lateness.ts), beside the lag it is read against. */
  limitSeconds: number;
  lastStatus: 'ok' | 'failed' | 'never';
  lastError: string | null;
  failuresSinceSuccess: number;
  quarantinedTotal: number;
}

export interface Health {
  status: 'ok' | 'degraded' | 'down';
  /** Why the status is not `ok`, one line each (a store down, a late source, a failed history back-fill). */
  reasons: string[];
  time: string;
  uptimeSeconds: number;
  clickhouse: { ok: boolean; engine: 'embedded' | 'server'; version: string | null; database: string; error?: string };
  database: { ok: boolean; kind: string; error?: string };
  /** `lastAlertRoundAt`: when this process's alert engine last finished a round (after a batch or on its clock). */
  scheduler: { running: boolean; role: string; lastAlertRoundAt: string | null };
  /** The simulator's history back-fill (running in the background after the first start). */
  history: HistoryStatus;
  /** How long this process's event loop was held by synchronous work (the last minute). */
  eventLoop: EventLoopDelay;
  /** This process's memory (MiB): resident, and the JavaScript heap against its bound (--max-old-space-size). */
  memory: ProcessMemory;
  sources: SourceHealth[];
}

export interface ProcessMemory {
  rssMb: number;
  heapUsedMb: number;
  heapLimitMb: number;
  /** What V8 has taken from the system for its heap (heapUsed plus free space it keeps). */
  heapTotalMb: number;
  /** Buffers and native memory V8 knows of (ClickHouse results before parsing, request bodies, PGlite's WASM memory). */
  externalMb: number;
  /**
   * Embedded ClickHouse's own tracked memory (caches, queries, merges: MemoryTracking), which V8 does not see;
   * null with a ClickHouse server (not this process's) or when the engine did not answer.
   */
  engineMb: number | null;
}

const mib = (bytes: number) => Math.round(bytes / 1048576);

export function processMemory(engineBytes: number | null = null): ProcessMemory {
  const m = process.memoryUsage();
  return {
    rssMb: mib(m.rss),
    heapUsedMb: mib(m.heapUsed),
    heapLimitMb: mib(getHeapStatistics().heap_size_limit),
    heapTotalMb: mib(m.heapTotal),
    externalMb: mib(m.external),
    engineMb: engineBytes === null ? null : mib(engineBytes),
  };
}

const memoryTrackingRow = z.object({ bytes: z.coerce.number() });

/** The embedded engine's tracked memory, in bytes; null with a server (another process) or on an error. */
async function engineMemory(ch: Infra['ch']): Promise<number | null> {
  if (ch.engine !== 'embedded') return null;
  const rows = await ch
    .query(
      'health.engine-memory',
      "SELECT toInt64(value) AS bytes FROM system.metrics WHERE metric = 'MemoryTracking'",
      {},
      memoryTrackingRow,
    )
    .catch(() => []);
  return rows[0]?.bytes ?? null;
}

/**
 * The sources this deployment is configured to load (ETL_SOURCES_FILE, else the simulator's), named from the
 * sources file alone: the web routes ask this without bundling any connector or simulator code.
 */
export function configuredSources(e: Pick<Env, 'ETL_SOURCES_FILE' | 'dataDir'>): string[] {
  return configuredSourceNames(e.ETL_SOURCES_FILE ?? DEFAULT_SOURCES_FILE, { DATA_DIR: e.dataDir });
}

export async function checkHealth(rt: Infra, expectedSources: string[], now = Date.now()): Promise<Health> {
  const [chCheck, dbCheck] = await Promise.allSettled([rt.ch.version(), rt.db.prisma.$queryRawUnsafe('SELECT 1')]);
  const clickhouse = {
    ok: chCheck.status === 'fulfilled',
    engine: rt.ch.engine,
    version: chCheck.status === 'fulfilled' ? chCheck.value : null,
    database: rt.ch.database,
    ...(chCheck.status === 'rejected' ? { error: errMsg(chCheck.reason) } : {}),
  };
  const database = {
    ok: dbCheck.status === 'fulfilled',
    kind: rt.db.kind,
    ...(dbCheck.status === 'rejected' ? { error: errMsg(dbCheck.reason) } : {}),
  };

  let sources: SourceHealth[] = [];
  if (clickhouse.ok) {
    const fresh = await sourceFreshness(rt.ch).catch(() => []);
    const bySource = new Map(fresh.map((f) => [f.source, f]));
    const names = [...new Set([...expectedSources, ...fresh.map((f) => f.source)])].sort();
    sources = names.map((source) => {
      const f = bySource.get(source);
      const { lagSeconds: lag, late } = sourceLateness(source, f?.completeUpTo ?? null, now, rt.bootedAt);
      return {
        source,
        ok: !late,
        lastSuccessAt: f?.lastSuccessAt == null ? null : new Date(f.lastSuccessAt).toISOString(),
        rowsInLastSuccess: f?.rowsInLastSuccess ?? 0,
        lagSeconds: lag,
        limitSeconds: maxLagSeconds(source),
        lastStatus: f ? f.lastStatus : 'never',
        lastError: f?.lastError ?? null,
        failuresSinceSuccess: f?.failuresSinceSuccess ?? 0,
        quarantinedTotal: f?.quarantinedTotal ?? 0,
      };
    });
  }
  const history = rt.jobs.history;
  const reasons = [
    ...(clickhouse.ok ? [] : [`ClickHouse: ${clickhouse.error ?? 'unreachable'}`]),
    ...(database.ok ? [] : [`database: ${database.error ?? 'unreachable'}`]),
    ...sources.filter((s) => !s.ok).map((s) => `${s.source}: late${s.lagSeconds === null ? '' : ` (${s.lagSeconds} s)`}`),
    // A back-fill that stopped leaves days missing from every comparison: not `ok` until it is resumed.
    ...(history.state === 'failed' ? [`history back-fill failed: ${history.error ?? 'unknown error'}`] : []),
  ];
  const status = !clickhouse.ok || !database.ok ? 'down' : reasons.length === 0 ? 'ok' : 'degraded';
  return {
    status,
    reasons,
    time: new Date(now).toISOString(),
    uptimeSeconds: Math.round((now - rt.bootedAt) / 1000),
    clickhouse,
    database,
    scheduler: { running: rt.jobs.schedulerRunning, role: rt.jobs.role, lastAlertRoundAt: lastAlertRound(rt.jobs.lastTick) },
    history,
    eventLoop: eventLoopDelay(),
    memory: processMemory(clickhouse.ok ? await engineMemory(rt.ch) : null),
    sources,
  };
}

const errMsg = (e: unknown) => (e instanceof Error ? e.message : String(e));

function lastAlertRound(ticks: Infra['jobs']['lastTick']): string | null {
  const at = Math.max(...Object.entries(ticks).map(([name, t]) => (name.startsWith('alerts.') && t.ok ? t.at : 0)), 0);
  return at ? new Date(at).toISOString() : null;
}
