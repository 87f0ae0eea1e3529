import type { SourceContract } from '../contract';
import { sourceConfig } from './config';
import { outageJobs } from './jobs';

export const source: SourceContract<typeof sourceConfig.configSchema> = {
  ...sourceConfig,
  jobs: (s) =>
    outageJobs({
      connection: s.connection,
      tz: s.timeZone,
      lookbackMs: s.lookbackMs,
      pageSize: s.pageSize,
      smsReports: s.smsReports,
      schedules: s.schedules,
    }),
};
