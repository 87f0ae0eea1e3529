import type { SourceContract } from '../contract';
import { sourceConfig } from './config';
import { hallQueueJobs } from './jobs';

export const source: SourceContract<typeof sourceConfig.configSchema> = {
  ...sourceConfig,
  jobs: (s) =>
    hallQueueJobs({
      connection: s.connection,
      tz: s.timeZone,
      lookbackMs: s.lookbackMs,
      pageSize: s.pageSize,
      ticketSchedule: s.schedules.tickets,
      hallSchedule: s.schedules.halls,
    }),
};
