import { readFileSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import type { EtlJob } from '../runtime/job';
import { billingJobsFromConfig, billingSourceConfigSchema } from '../sources/billing/jobs';
import { ctiJobs } from '../sources/cti/jobs';
import { hallQueueJobs } from '../sources/hall-queue/jobs';
import { outageJobsFromEntry, outageSourceConfigSchema } from '../sources/outage/jobs';
import { workOrderJobsFromSource, workOrderSourceConfigSchema } from '../sources/workorder/jobs';

// Sources are configuration, not code: a JSON file lists each source system with its connector kind,
// connection and schedule; each entry's domain picks the transform. `${NAME}` placeholders are filled from
// the start-up values (DATA_DIR, the simulator's URLs) and the environment.

const cron = z.string().min(9, 'a node-cron expression, seconds first');
const tz = z.string().default('Asia/Shanghai');

const hallQueueSource = z.object({
  id: z.string().regex(/^[a-z][a-z0-9-]*$/),
  kind: z.literal('sql'),
  domain: z.literal('hall-queue'),
  enabled: z.boolean().default(true),
  connection: z.object({ dialect: z.enum(['postgresql', 'mysql', 'sqlite']), url: z.string().min(1) }),
  timeZone: tz,
  lookbackMs: z.number().int().nonnegative().default(120_000),
  pageSize: z.number().int().positive().max(100_000).default(5000),
  schedules: z.object({ tickets: cron.optional(), halls: cron.optional() }).default({}),
});

const ctiSource = z.object({
  id: z.string().regex(/^[a-z][a-z0-9-]*$/),
  kind: z.literal('http'),
  domain: z.literal('cti'),
  enabled: z.boolean().default(true),
  baseUrl: z.string().min(1),
  headers: z.record(z.string(), z.string()).optional(),
  timeZone: tz,
  windowMs: z.number().int().positive().optional(),
  overlapMs: z.number().int().nonnegative().optional(),
  schedule: cron.optional(),
});

export const sourcesFileSchema = z.object({
  $comment: z.string().optional(),
  sources: z.array(
    z.discriminatedUnion('domain', [
      hallQueueSource,
      ctiSource,
      outageSourceConfigSchema,
      workOrderSourceConfigSchema,
      billingSourceConfigSchema,
    ]),
  ),
});
export type SourcesFile = z.infer<typeof sourcesFileSchema>;
export type SourceConfig = SourcesFile['sources'][number];

export const DEFAULT_SOURCES_FILE = path.join(/*turbopackIgnore: true*/ process.cwd(), 'etl/config/sources.simulator.json');

/** Reads and validates a sources file; placeholders are filled from `vars`, then the environment. */
export function loadSourcesFile(file: string, vars: Record<string, string | undefined>): SourcesFile {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new Error(`ETL_SOURCES_FILE: cannot read ${file}: ${err instanceof Error ? err.message : err}`);
  }
  const filled = text.replace(/\$\{([A-Z0-9_]+)\}/g, (whole, name: string) =>
    JSON.stringify(vars[name] ?? process.env[name] ?? whole).slice(1, -1),
  );
  let json: unknown;
  try {
    json = JSON.parse(filled);
  } catch (err) {
    throw new Error(`ETL_SOURCES_FILE: ${file} is not valid JSON: ${err instanceof Error ? err.message : err}`);
  }
  const parsed = sourcesFileSchema.safeParse(json);
  if (!parsed.success) {
    throw new Error(`ETL_SOURCES_FILE: ${file}: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
  }
  const ids = parsed.data.sources.map((s) => s.id);
  const dup = ids.find((id, i) => ids.indexOf(id) !== i);
  if (dup) throw new Error(`ETL_SOURCES_FILE: ${file}: source id ${dup} appears twice`);
  return parsed.data;
}

/** The ETL jobs for the enabled sources. Building connects to nothing; each run opens its connection. */
export function jobsFromSources(file: SourcesFile): EtlJob[] {
  return file.sources
    .filter((s) => s.enabled)
    .flatMap((s): EtlJob[] => {
      switch (s.domain) {
        case 'hall-queue':
          return hallQueueJobs({
            connection: s.connection,
            tz: s.timeZone,
            lookbackMs: s.lookbackMs,
            pageSize: s.pageSize,
            ticketSchedule: s.schedules.tickets,
            hallSchedule: s.schedules.halls,
          });
        case 'billing':
          return billingJobsFromConfig(s);
        case 'outage':
          return outageJobsFromEntry(s);
        case 'work-orders':
          return workOrderJobsFromSource(s);
        case 'cti':
          return ctiJobs({
            http: { baseUrl: s.baseUrl, ...(s.headers ? { headers: s.headers } : {}) },
            tz: s.timeZone,
            windowMs: s.windowMs,
            overlapMs: s.overlapMs,
            schedule: s.schedule,
          });
      }
    });
}
