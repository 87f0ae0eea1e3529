import type { EtlJob } from '../runtime/job';
import type { SourceContract } from '../sources/contract';
import { source as billing } from '../sources/billing';
import { source as cti } from '../sources/cti';
import { source as hallQueue } from '../sources/hall-queue';
import { source as outage } from '../sources/outage';
import { source as workorder } from '../sources/workorder';
import { contractOf, type SourcesFile } from './sources-file';

// Reading the file lives in the light module; the simulator's assembly (etl/simulator/start.ts) takes it from here.
export { DEFAULT_SOURCES_FILE, loadSourcesFile, type SourceEntry, type SourcesFile } from './sources-file';

/** Every domain's contract, one per entry of SOURCE_CONFIGS (sources-file.ts). */
export const SOURCE_CONTRACTS: readonly SourceContract[] = [hallQueue, cti, outage, workorder, billing];

/** The ETL jobs for the enabled sources. Building connects to nothing; each run opens its connection. */
export function jobsFromSources(file: SourcesFile): EtlJob[] {
  return file.sources.filter((s) => s.enabled).flatMap((s) => contractOf(SOURCE_CONTRACTS, s).jobs(s));
}
