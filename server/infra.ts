import type { ClickHouse } from '@/core/clickhouse/client';
import type { Env } from '@/core/env';
import type { HistoryStatus } from '@/etl/simulator/history';
import type { Db } from './db/client';

// What every server service is built on: configuration, the two stores and the process's scheduling status.
// Services take this (or a part of it); only the composition root (runtime.ts) knows every service.

export interface Infra {
  env: Env;
  ch: ClickHouse;
  db: Db;
  /** When this process started: sources that have not delivered since get their allowed lag from here. */
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

export const initialJobsStatus = (): JobsStatus => ({
  schedulerRunning: false,
  role: 'none',
  lastTick: {},
  history: { state: 'off', daysTotal: 0, daysDone: 0, oldestDay: null },
});
