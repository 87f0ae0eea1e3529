import type { SourceContract } from '../contract';
import { sourceConfig } from './config';
import { ctiJobs } from './jobs';

export const source: SourceContract<typeof sourceConfig.configSchema> = {
  ...sourceConfig,
  jobs: (s) =>
    ctiJobs({
      http: { baseUrl: s.baseUrl, ...(s.headers ? { headers: s.headers } : {}) },
      tz: s.timeZone,
      windowMs: s.windowMs,
      backfillWindowMs: s.backfillWindowMs,
      overlapMs: s.overlapMs,
      schedule: s.schedule,
    }),
};
