import type { ClickHouse } from '@/core/clickhouse/client';
import { loadEnv } from '@/core/env';
import type { Db } from '@/server/db/client';
import { initialJobsStatus, type JobsStatus } from '@/server/infra';
import { composeRuntime, type Runtime } from '@/server/runtime';

/**
 * A runtime for tests, composed exactly as the server composes its own (server/runtime.ts), on the stores a
 * test opened. `db` may be left out by tests that never touch the relational store; `bootedAt` is the
 * test's "now" so the lateness rule's start-up grace runs on the test's clock.
 */
export function testRuntime(opts: {
  ch: ClickHouse;
  db?: Db;
  env?: Record<string, string>;
  bootedAt: number;
  jobs?: Partial<JobsStatus>;
}): Runtime {
  return composeRuntime({
    env: loadEnv({ BUSINESS_TZ: 'Asia/Shanghai', ...opts.env }),
    ch: opts.ch,
    db: opts.db ?? (undefined as never),
    bootedAt: opts.bootedAt,
    jobs: { ...initialJobsStatus(), ...opts.jobs },
  });
}
