import type { SourceConfigContract } from '../sources/contract';
import { contractOf, loadSourcesFile, SOURCE_CONFIGS, type SourcesFile } from './sources-file';

// The names of the configured ETL sources, from the sources file alone: what the health checks expect to
// see loading. Imports no connector, transform or simulator code (only zod and the domains' config schemas),
// so the web routes can call it without bundling the ETL.

/** The ETL sources the enabled entries of a validated sources file load, in file order. */
export function sourceNamesOf(file: SourcesFile): string[] {
  const configs: readonly SourceConfigContract[] = SOURCE_CONFIGS;
  return file.sources.filter((s) => s.enabled).flatMap((s) => contractOf(configs, s).sourceNames(s));
}

/** Reads and validates the sources file (placeholders from `vars`, then the environment); its source names. */
export function configuredSourceNames(file: string, vars: Record<string, string | undefined>): string[] {
  return sourceNamesOf(loadSourcesFile(file, vars));
}
