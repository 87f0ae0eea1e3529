import { z } from 'zod';
import { cron, dropFolder, enabled, entryId, fileEncoding, keysetOptions, type SourceConfigContract } from '../contract';

/** The outage system's sources; sms-reports only where its SMS gateway drops delivery reports. */
export const OUTAGE_SOURCES = {
  events: 'outage.events',
  customers: 'outage.customers',
  notices: 'outage.notices',
  smsReports: 'outage.sms-reports',
} as const;

/** An `outage` entry of the sources file: the outage system's database and its SMS gateway's report drop. */
const configSchema = z.object({
  id: entryId,
  kind: z.literal('sql'),
  domain: z.literal('outage'),
  enabled,
  ...keysetOptions,
  smsReports: z
    .object({
      ...dropFolder,
      extensions: z.array(z.string().min(2)).default(['.csv', '.xlsx']),
      encoding: fileEncoding,
    })
    .optional(),
  schedules: z
    .object({ events: cron.optional(), customers: cron.optional(), notices: cron.optional(), smsReports: cron.optional() })
    .default({}),
});
export type OutageSourceEntry = z.infer<typeof configSchema>;

export const sourceConfig = {
  domain: 'outage',
  configSchema,
  sourceNames: (entry) => [
    OUTAGE_SOURCES.events,
    OUTAGE_SOURCES.customers,
    OUTAGE_SOURCES.notices,
    ...(entry.smsReports ? [OUTAGE_SOURCES.smsReports] : []),
  ],
} satisfies SourceConfigContract<typeof configSchema>;
