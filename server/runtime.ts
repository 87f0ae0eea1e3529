import { ClickHouse } from '@/core/clickhouse/client';
import { clickHouseConfig } from '@/core/clickhouse/from-env';
import { migrateClickHouse } from '@/core/clickhouse/migrate';
import { env } from '@/core/env';
import { divisionOrgUnits } from '@/core/org/org-units';
import { AlertEngine } from './alerts/engine';
import { ensureAdministrator } from './auth/bootstrap';
import { authSecret } from './auth/secret';
import { AuthService } from './auth/service';
import { seedStarterRules } from './alerts/starter-rules';
import { createDb } from './db/client';
import { applyMigrations } from './db/migrate';
import { seedOrgUnits } from './db/org';
import { initialJobsStatus, type Infra } from './infra';
import { KpiService } from './kpi/service';
import { DutyBus } from './duty/bus';
import { DutyDesk } from './duty/desk';
import { dutyServices, type DutyServices } from './duty/services';
import { ExportService } from './exports/service';
import { WallEvents } from './wall/events';
import { WallService } from './wall/service';
import type { CommitTopics } from './wall/zone-data';
import { StreamLimiter } from './wall/stream-limits';

// The composition root: the process's one set of services. Nothing below imports this file; entry points
// (server/main.ts, server/worker.ts, the route handlers, tests) do.
//
// Kept on globalThis because Next bundles its route handlers apart from the custom server that boots them,
// so this module exists twice in the process. Whichever copy boots first builds every service; the other
// copy finds the same object, so a rule edited through the API, a parameter changed, a console tap and the
// scheduler's next round all meet the same engine, caches and feed.

export interface Runtime extends Infra {
  /**
   * The engine for the ETL, rollup rebuilds and the history back-fill: a lane of `ch` (its own embedded
   * session), so their long statements never hold up a request or an alert round, which use `ch`.
   */
  chBackground: ClickHouse;
  kpi: KpiService;
  /**
   * Data committed (ETL batches of `sources`, rollup passes of `families`): the KPI layer drops the answers
   * that read it and the wall recomputes the zone answers made of it.
   */
  dataCommitted(what: CommitTopics): void;
  alerts: AlertEngine;
  wall: WallService;
  wallEvents: WallEvents;
  auth: AuthService;
  /** Open wall event streams per client (app/api/wall/[layout]/events). */
  streams: StreamLimiter;
  /** Duty work: the alert loop (desk, bus) and roster, run log, handover, supervision. */
  duty: DutyRuntime;
  /** Exports (导出): direct downloads and the background job runner (`exports.runner`). */
  exports: ExportService;
}

export interface DutyRuntime extends DutyServices {
  desk: DutyDesk;
  bus: DutyBus;
  /** Signs the acknowledge links in messages (derived again per use: server/duty/ack-link.ts). */
  linkSecret: string;
  /** Where the work-order system takes supervision write-back (the simulator's API once it runs). */
  setWorkOrderApiUrl(url: string | null): void;
}

/** Builds the services on stores that are already open (boot does this; tests pass their own stores). */
export function composeRuntime(infra: Infra, opts: { authSecret?: string } = {}): Runtime {
  const kpi = new KpiService(infra.ch, infra.db, infra.env, infra.bootedAt);
  // Alert rounds on an engine session of their own: a round judges the moment a batch lands, and must not queue
  // behind every screen's and desktop's requests for a turn of the engine. The KPI layer is the one requests use
  // (it runs the round's batches on the round's session), so a parameter change reaches both at once.
  const alerts = new AlertEngine(infra.ch.lane(), infra.db, kpi, infra.env.BUSINESS_TZ, infra.bootedAt);
  const wallEvents = new WallEvents();
  const wall = new WallService({ ch: infra.ch, db: infra.db, env: infra.env, kpi, events: wallEvents, bootedAt: infra.bootedAt });
  const auth = new AuthService({
    db: infra.db,
    env: infra.env,
    secret: opts.authSecret ?? authSecret(infra.env.AUTH_SECRET, infra.env.dataDir, false),
  });
  const secret = opts.authSecret ?? authSecret(infra.env.AUTH_SECRET, infra.env.dataDir, false);
  const duty = composeDuty(infra, secret);
  // The engine's change rows are in the outbox already; the kick only spares them the wait for the next tick.
  alerts.notices.on('alert', () => void duty.desk.kick());
  // An alert fired, changed or recovered: the wall zones showing alerts recompute their stored answers.
  alerts.notices.on('alert', () => wall.dataCommitted({ alerts: true }));
  const exports = new ExportService({ db: infra.db, kpi, env: infra.env });
  return {
    ...infra,
    chBackground: infra.ch.lane(),
    kpi,
    dataCommitted: (what) => {
      // The KPI layer first: the wall's recompute asks it.
      kpi.dataCommitted(what);
      wall.dataCommitted(what);
    },
    alerts,
    wall,
    wallEvents,
    auth,
    streams: new StreamLimiter(infra.env.SSE_MAX_PER_CLIENT),
    duty,
    exports,
  };
}

function composeDuty(infra: Infra, secret: string): DutyRuntime {
  let workOrderApiUrl: string | null = null;
  const services = dutyServices(infra.db, {
    tz: infra.env.BUSINESS_TZ,
    workOrderApiUrl: () => workOrderApiUrl,
    sourceHealth: async () =>
      Object.entries(infra.jobs.lastTick).map(([source, t]) => ({ source, status: t.ok ? 'ok' : 'failed', lagSeconds: null })),
  });
  const bus = new DutyBus(infra.db);
  const desk = new DutyDesk({
    db: infra.db,
    bus,
    tz: infra.env.BUSINESS_TZ,
    secret,
    publicUrl: () => (infra.env.AUTH_URL ?? `http://localhost:${infra.env.PORT}`).replace(/\/$/, ''),
    roster: {
      // Placeholder addresses of people without email (better-auth needs one) are not an address.
      onDuty: async (orgCode, role, at) =>
        (await services.roster.onDuty(orgCode, role, at)).map((p) => ({
          ...p,
          email: p.email.endsWith('@users.invalid') ? null : p.email,
        })),
    },
  });
  return { ...services, desk, bus, linkSecret: secret, setWorkOrderApiUrl: (url) => (workOrderApiUrl = url) };
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
  const ch = new ClickHouse(clickHouseConfig(e));
  const chResult = await migrateClickHouse(ch);
  if (chResult.applied.length) console.log(`[boot] ClickHouse migrations applied: ${chResult.applied.join(', ')}`);
  const db = await createDb({ databaseUrl: e.DATABASE_URL, dataDir: e.dataDir });
  const dbResult = await applyMigrations(db);
  if (dbResult.applied.length) console.log(`[boot] database migrations applied: ${dbResult.applied.join(', ')}`);
  await seedOrgUnits(db.prisma, divisionOrgUnits());
  const seeded = await seedStarterRules(db);
  if (seeded) console.log(`[boot] ${seeded} starter early-warning rules written`);
  const admin = await ensureAdministrator(db, e.ADMIN_PASSWORD);
  if (admin.generatedPassword) {
    // Printed once, never stored in clear: the administrator changes it after signing in.
    console.log(
      `\n[auth] ┌──────────────────────────────────────────────────────────────\n[auth] │ 首个管理员已创建 first administrator created\n[auth] │ 用户名 user: admin   密码 password: ${admin.generatedPassword}\n[auth] │ 仅显示这一次，请登录后修改 (shown once; change it after signing in)\n[auth] └──────────────────────────────────────────────────────────────\n`,
    );
  } else if (admin.created) console.log('[auth] first administrator `admin` created with ADMIN_PASSWORD');
  const rt = composeRuntime(
    { env: e, ch, db, bootedAt: Date.now(), jobs: initialJobsStatus() },
    { authSecret: authSecret(e.AUTH_SECRET, e.dataDir, true) },
  );
  const walls = await rt.wall.seedDemoLayouts();
  if (walls.length) console.log(`[boot] demo wall layouts written: ${walls.join(', ')}`);
  return rt;
}

export async function shutdownRuntime(): Promise<void> {
  const g = globalThis as Holder;
  const rt = await g[KEY]?.catch(() => undefined);
  delete g[KEY];
  if (!rt) return;
  await rt.duty.desk.stop();
  await rt.exports.runner.stop();
  await rt.duty.bus.close();
  await Promise.allSettled([rt.ch.close(), rt.db.close()]);
}
