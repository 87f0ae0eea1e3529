import { readFileSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import type { SourceConfigContract } from '../sources/contract';
import { sourceConfig as billing } from '../sources/billing/config';
import { sourceConfig as cti } from '../sources/cti/config';
import { sourceConfig as hallQueue } from '../sources/hall-queue/config';
import { sourceConfig as outage } from '../sources/outage/config';
import { sourceConfig as workorder } from '../sources/workorder/config';

// Sources are configuration, not code: a JSON file lists each source system with its connector kind,
// connection and schedule; each entry's domain picks the transform. `${NAME}` placeholders are filled from
// the start-up values (DATA_DIR, the simulator's URLs) and the environment. This module reads the file
// with zod alone, so the web server can name the configured sources without loading any ETL code.

/** The domains' light halves; etl/config/sources.ts holds the matching whole contracts. */
export const SOURCE_CONFIGS = [hallQueue, cti, outage, workorder, billing] as const;

type SchemasOf<T extends readonly SourceConfigContract[]> = {
  -readonly [K in keyof T]: T[K] extends SourceConfigContract<infer S> ? S : never;
};

export const sourcesFileSchema = z.object({
  $comment: z.string().optional(),
  sources: z.array(z.discriminatedUnion('domain', SOURCE_CONFIGS.map((c) => c.configSchema) as SchemasOf<typeof SOURCE_CONFIGS>)),
});
export type SourcesFile = z.infer<typeof sourcesFileSchema>;
export type SourceEntry = SourcesFile['sources'][number];

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

/** The contract of an entry's domain among `contracts`; the entry was validated by one of their schemas. */
export function contractOf<C extends SourceConfigContract>(contracts: readonly C[], entry: SourceEntry): C {
  const contract = contracts.find((c) => c.domain === entry.domain);
  if (!contract) throw new Error(`ETL sources: no contract for domain ${entry.domain}`);
  return contract;
}
