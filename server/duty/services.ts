import type { Db } from '../db/client';
import { HandoverService, type SourceHealthFn } from './handover';
import { Roster } from './roster';
import { RunLog } from './run-log';
import { SupervisionService } from './supervision';

// The duty desk's services over one database (DOMAIN.md §4): roster, run log, handover, supervision. The
// runtime builds them once (server/runtime.ts, as `rt.duty`); tests build their own with a fake clock.

export interface DutyServicesOptions {
  /** The business time zone (local times written to the source system, run-log texts). */
  tz: string;
  /** The work-order API's base URL for supervision write-back (SIMULATOR_WORKORDER_URL); none: write-back fails and is retried. */
  workOrderApiUrl?: string | null | (() => string | null);
  /** The sources' health for the handover summary. */
  sourceHealth?: SourceHealthFn;
  now?: () => number;
  fetch?: typeof fetch;
}

export interface DutyServices {
  roster: Roster;
  runLog: RunLog;
  handover: HandoverService;
  supervision: SupervisionService;
}

export function dutyServices(db: Db, opts: DutyServicesOptions): DutyServices {
  const now = opts.now ?? Date.now;
  const runLog = new RunLog(db, now);
  return {
    roster: new Roster(db, { now }),
    runLog,
    handover: new HandoverService(db, runLog, { now, sourceHealth: opts.sourceHealth }),
    supervision: new SupervisionService(db, runLog, { apiUrl: opts.workOrderApiUrl, tz: opts.tz, now, fetch: opts.fetch }),
  };
}

/**
 * The duty services of a runtime (`rt.duty`). Typed here so the routers compile before and after the runtime
 * declares the field; fails clearly when the runtime was composed without them.
 */
export function dutyOf(rt: object): DutyServices {
  const duty = (rt as { duty?: DutyServices }).duty;
  if (!duty) throw new Error('duty services are not part of this runtime (rt.duty)');
  return duty;
}
