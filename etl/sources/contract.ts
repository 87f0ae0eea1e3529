import { z } from 'zod';
import type { EtlJob } from '../runtime/job';

// Every source domain is wired the same way: one entry of the sources file (etl/config), validated by the
// domain's schema, gives the domain's jobs. The contract comes in two halves because what configuration alone
// tells (the schema, the source names) must load without connector code: the web routes name the configured
// sources, and the web bundle must not carry the ETL. Each domain's light half is `sourceConfig` in its
// config.ts (zod only); the whole contract is `source` in its index.ts.

/** What every entry of the sources file has, whatever its domain. */
export interface SourceEntryBase {
  id: string;
  domain: string;
  enabled: boolean;
}

/** A domain's entry schema: an object with a literal `domain`, so the file's entries form a discriminated union. */
export type SourceEntrySchema = z.ZodObject;

/** The light half: readable by the web server. */
export interface SourceConfigContract<S extends SourceEntrySchema = SourceEntrySchema> {
  /** The entry's `domain` value as the ETL names the domain (a legacy spelling may be accepted by the schema). */
  domain: string;
  configSchema: S;
  /** The ETL sources the entry's jobs load (etl_run, etl_watermark, /api/health names), without building them. */
  sourceNames(entry: z.output<S>): string[];
}

/** The whole contract: the light half and the jobs. */
export interface SourceContract<S extends SourceEntrySchema = SourceEntrySchema> extends SourceConfigContract<S> {
  /** Building connects to nothing; each run opens its connection. */
  jobs(entry: z.output<S>): EtlJob[];
}

// ---- pieces the domain schemas share ----------------------------------------------------------------------

export const entryId = z.string().regex(/^[a-z][a-z0-9-]*$/);
export const enabled = z.boolean().default(true);
export const timeZone = z.string().default('Asia/Shanghai');
export const cron = z.string().min(9, 'a node-cron expression, seconds first');
const sqlConnection = z.object({ dialect: z.enum(['postgresql', 'mysql', 'sqlite']), url: z.string().min(1) });
export const dropFolder = { dir: z.string().min(1), archiveDir: z.string().min(1), rejectedDir: z.string().min(1) };
export const fileEncoding = z.enum(['utf-8', 'gbk', 'auto']).default('auto');

/** The options of a database read by keyset (etl/runtime/keyset-pull), alike in every domain that has one. */
export const keysetOptions = {
  connection: sqlConnection,
  timeZone,
  lookbackMs: z.number().int().nonnegative().default(120_000),
  pageSize: z.number().int().positive().max(100_000).default(5000),
};

/** The options of an API pulled by time window (etl/runtime/window-pull), alike in every domain that has one. */
export const windowOptions = {
  baseUrl: z.string().min(1),
  headers: z.record(z.string(), z.string()).optional(),
  timeZone,
  windowMs: z.number().int().positive().optional(),
  /** A back-fill's window (history, a range reloaded); default one day for the CTI and work-order APIs. */
  backfillWindowMs: z.number().int().positive().optional(),
  overlapMs: z.number().int().nonnegative().optional(),
};
