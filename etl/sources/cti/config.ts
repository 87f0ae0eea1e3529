import { z } from 'zod';
import { cron, enabled, entryId, windowOptions, type SourceConfigContract } from '../contract';

/** The 95598 CTI's sources: call detail records (fact_call) and agent states (fact_agent_state). */
export const CTI_SOURCES = { calls: 'cti.calls', agentStates: 'cti.agent-states' } as const;

/** A `cti` entry of the sources file: the CTI vendor's reporting API. */
const configSchema = z.object({
  id: entryId,
  kind: z.literal('http'),
  domain: z.literal('cti'),
  enabled,
  ...windowOptions,
  schedule: cron.optional(),
});
export type CtiSourceEntry = z.infer<typeof configSchema>;

export const sourceConfig = {
  domain: 'cti',
  configSchema,
  sourceNames: () => [CTI_SOURCES.calls, CTI_SOURCES.agentStates],
} satisfies SourceConfigContract<typeof configSchema>;
