import { z } from 'zod';
import { cron, enabled, entryId, windowOptions, type SourceConfigContract } from '../contract';

/** The customer-service system's work orders (fact_work_order with fact_work_order_step). */
export const WORK_ORDER_SOURCE = 'workorder.orders';

/** A `workorder` entry of the sources file: the customer-service system's HTTP API. */
const configSchema = z.object({
  id: entryId,
  kind: z.literal('http'),
  // `work-orders` is how sources files written before the domain names were unified spell it.
  domain: z.literal(['workorder', 'work-orders']).transform(() => 'workorder' as const),
  enabled,
  ...windowOptions,
  pageSize: z.number().int().positive().max(10_000).optional(),
  schedule: cron.optional(),
});
export type WorkOrderSourceEntry = z.infer<typeof configSchema>;

export const sourceConfig = {
  domain: 'workorder',
  configSchema,
  sourceNames: () => [WORK_ORDER_SOURCE],
} satisfies SourceConfigContract<typeof configSchema>;
