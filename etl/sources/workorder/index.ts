import type { SourceContract } from '../contract';
import { sourceConfig } from './config';
import { workOrderJobs } from './jobs';

export const source: SourceContract<typeof sourceConfig.configSchema> = {
  ...sourceConfig,
  jobs: (s) =>
    workOrderJobs({
      http: { baseUrl: s.baseUrl, ...(s.headers ? { headers: s.headers } : {}), ...(s.pageSize ? { pageSize: s.pageSize } : {}) },
      tz: s.timeZone,
      windowMs: s.windowMs,
      backfillWindowMs: s.backfillWindowMs,
      overlapMs: s.overlapMs,
      schedule: s.schedule,
    }),
};
