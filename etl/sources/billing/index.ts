import type { SourceContract } from '../contract';
import { sourceConfig } from './config';
import { billingJobs } from './jobs';

export const source: SourceContract<typeof sourceConfig.configSchema> = {
  ...sourceConfig,
  jobs: (s) => billingJobs({ folder: s.folder, encoding: s.encoding, tz: s.timeZone, schedules: s.schedules, balances: s.balances }),
};
