import { z } from 'zod';
import { cron, dropFolder, enabled, entryId, fileEncoding, timeZone, type SourceConfigContract } from '../contract';
import { BILLING_KINDS, type BillingKind } from './source-schema';

/** One source per export kind of the marketing system, e.g. `billing.payments`. */
export const billingSource = (kind: BillingKind) => `billing.${kind}`;

/** A `billing` entry of the sources file: the folder the marketing system (营销系统) drops its exports in. */
const configSchema = z.object({
  id: entryId,
  kind: z.literal('file'),
  domain: z.literal('billing'),
  enabled,
  folder: z.object(dropFolder),
  encoding: fileEncoding,
  timeZone,
  /** The balance snapshot export (余额快照, fee-controlled customers): off unless the marketing system has it. */
  balances: z.boolean().default(false),
  schedules: z
    .object({
      customers: cron.optional(),
      bills: cron.optional(),
      payments: cron.optional(),
      dunning: cron.optional(),
      reconnections: cron.optional(),
      balances: cron.optional(),
    })
    .default({}),
});
export type BillingSourceEntry = z.infer<typeof configSchema>;

/** The export kinds an entry takes: balances only where the marketing system has that export. */
export const billingKinds = (entry: { balances?: boolean }): BillingKind[] =>
  BILLING_KINDS.filter((k) => k !== 'balances' || entry.balances);

export const sourceConfig = {
  domain: 'billing',
  configSchema,
  sourceNames: (entry) => billingKinds(entry).map(billingSource),
} satisfies SourceConfigContract<typeof configSchema>;
