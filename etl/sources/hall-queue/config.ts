import { z } from 'zod';
import { cron, enabled, entryId, keysetOptions, type SourceConfigContract } from '../contract';

/** The hall queue system's sources: the halls (dim_hall) and the queue tickets (fact_queue_ticket). */
export const HALL_QUEUE_SOURCES = { halls: 'hall-queue.halls', tickets: 'hall-queue.tickets' } as const;

/** A `hall-queue` entry of the sources file: the queue machines' database. */
const configSchema = z.object({
  id: entryId,
  kind: z.literal('sql'),
  domain: z.literal('hall-queue'),
  enabled,
  ...keysetOptions,
  schedules: z.object({ tickets: cron.optional(), halls: cron.optional() }).default({}),
});
export type HallQueueSourceEntry = z.infer<typeof configSchema>;

export const sourceConfig = {
  domain: 'hall-queue',
  configSchema,
  sourceNames: () => [HALL_QUEUE_SOURCES.halls, HALL_QUEUE_SOURCES.tickets],
} satisfies SourceConfigContract<typeof configSchema>;
