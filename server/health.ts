import { sourceFreshness } from './repositories/etl-runs';
import type { HistoryStatus } from './jobs/history';
import type { Runtime } from './runtime';

export interface SourceHealth {
  source: string;
  ok: boolean;
  lastSuccessAt: string | null;
  rowsInLastSuccess: number;
  lagSeconds: number | null;
  lastStatus: 'ok' | 'failed' | 'never';
  lastError: string | null;
  failuresSinceSuccess: number;
  quarantinedTotal: number;
}

export interface Health {
  status: 'ok' | 'degraded' | 'down';
  time: string;
  uptimeSeconds: number;
  clickhouse: { ok: boolean; engine: 'embedded' | 'server'; version: string | null; database: string; error?: string };
  database: { ok: boolean; kind: string; error?: string };
  scheduler: { running: boolean; role: string };
  /** The simulator's history back-fill (running in the background after the first start). */
  history: HistoryStatus;
  sources: SourceHealth[];
}

// A source is late when its data is older than a few of its own intervals (30 s jobs: 2 min; 5-minute
// jobs: 15 min; the minutely hall reference job: 10 min). Unknown sources get the generous limit.
const MAX_LAG_S: Record<string, number> = {
  'hall-queue.tickets': 120,
  'hall-queue.halls': 600,
  'cti.calls': 120,
  'cti.agent-states': 120,
  'outage.events': 900,
  'outage.customers': 900,
  'outage.notices': 900,
  'outage.sms-reports': 900,
  'workorder.orders': 900,
  'billing.payments': 900,
  'billing.dunning': 900,
  'billing.reconnections': 900,
  // Hourly balance snapshots, polled every 5 min like the events.
  'billing.balances': 900,
  // Daily exports (02:30): a day and a couple of hours.
  'billing.customers': 26 * 3600,
  'billing.bills': 26 * 3600,
};

/** How old a source's data may be before it counts as late. */
export const maxLagSeconds = (source: string) => MAX_LAG_S[source] ?? 3600;

export async function checkHealth(rt: Runtime, expectedSources: string[], now = Date.now()): Promise<Health> {
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
      const lag = f?.completeUpTo == null ? null : Math.max(0, Math.round((now - f.completeUpTo) / 1000));
      return {
        source,
        ok: lag !== null && lag <= maxLagSeconds(source),
        lastSuccessAt: f?.lastSuccessAt == null ? null : new Date(f.lastSuccessAt).toISOString(),
        rowsInLastSuccess: f?.rowsInLastSuccess ?? 0,
        lagSeconds: lag,
        lastStatus: f ? f.lastStatus : 'never',
        lastError: f?.lastError ?? null,
        failuresSinceSuccess: f?.failuresSinceSuccess ?? 0,
        quarantinedTotal: f?.quarantinedTotal ?? 0,
      };
    });
  }
  const status = !clickhouse.ok || !database.ok ? 'down' : sources.every((s) => s.ok) ? 'ok' : 'degraded';
  return {
    status,
    time: new Date(now).toISOString(),
    uptimeSeconds: Math.round((now - rt.bootedAt) / 1000),
    clickhouse,
    database,
    scheduler: { running: rt.jobs.schedulerRunning, role: rt.jobs.role },
    history: rt.jobs.history,
    sources,
  };
}

const errMsg = (e: unknown) => (e instanceof Error ? e.message : String(e));
