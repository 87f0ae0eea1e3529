import { env, type Env } from './env';
import { ClickHouse } from './clickhouse/client';
import { migrateClickHouse } from './clickhouse/migrate';
import { createDb, type Db } from './db/client';
import { applyMigrations } from './db/migrate';
import type { HistoryStatus } from './jobs/history';
import path from 'node:path';
import { divisionOrgUnits } from '@/etl/org/org-units';
import { seedOrgUnits } from './db/org';
import { seedStarterRules } from './alerts/starter-rules';
import { WallService } from './wall/service';

// The process-wide services. Kept on globalThis because Next bundles route handlers separately from the
// custom server that boots them: both copies of this module must share one ClickHouse (chDB allows one
// engine per process) and one database pool.

export interface Runtime {
  env: Env;
  ch: ClickHouse;
  db: Db;
  bootedAt: number;
  /** Filled in by the process that schedules jobs; read by /api/health. */
  jobs: JobsStatus;
}

export interface JobsStatus {
  schedulerRunning: boolean;
  role: 'web' | 'worker' | 'none';
  lastTick: Record<string, { at: number; ok: boolean; message?: string }>;
  history: HistoryStatus;
}

const KEY = Symbol.for('yingxiao.runtime');
type Holder = { [KEY]?: Promise<Runtime> };

export function getRuntime(): Promise<Runtime> {
  const g = globalThis as Holder;
  g[KEY] ??= boot().catch((err: unknown) => {
    delete g[KEY];
    throw err;
  });
  return g[KEY];
}

async function boot(): Promise<Runtime> {
  const e = env();
  const ch = new ClickHouse({
    url: e.CLICKHOUSE_URL,
    user: e.CLICKHOUSE_USER,
    password: e.CLICKHOUSE_PASSWORD,
    database: e.CLICKHOUSE_DATABASE,
    cluster: e.CLICKHOUSE_CLUSTER,
    embeddedPath: path.join(e.dataDir, 'chdb'),
    queryTimeoutMs: e.CLICKHOUSE_QUERY_TIMEOUT_MS,
  });
  const chResult = await migrateClickHouse(ch);
  if (chResult.applied.length) console.log(`[boot] ClickHouse migrations applied: ${chResult.applied.join(', ')}`);
  const db = await createDb({ databaseUrl: e.DATABASE_URL, dataDir: e.dataDir });
  const dbResult = await applyMigrations(db);
  if (dbResult.applied.length) console.log(`[boot] database migrations applied: ${dbResult.applied.join(', ')}`);
  await seedOrgUnits(db.prisma, divisionOrgUnits());
  const seeded = await seedStarterRules(db);
  if (seeded) console.log(`[boot] ${seeded} starter early-warning rules written`);
  const walls = await new WallService({ ch, db, env: e }).seedDemoLayouts();
  if (walls.length) console.log(`[boot] demo wall layouts written: ${walls.join(', ')}`);
  return {
    env: e,
    ch,
    db,
    bootedAt: Date.now(),
    jobs: { schedulerRunning: false, role: 'none', lastTick: {}, history: { state: 'off', daysTotal: 0, daysDone: 0, oldestDay: null } },
  };
}

export async function shutdownRuntime(): Promise<void> {
  const g = globalThis as Holder;
  const rt = await g[KEY]?.catch(() => undefined);
  delete g[KEY];
  if (!rt) return;
  await Promise.allSettled([rt.ch.close(), rt.db.close()]);
}
