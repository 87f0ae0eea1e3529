import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { configuredSourceNames } from '@/etl/config/source-names';
import { SOURCE_CONFIGS } from '@/etl/config/sources-file';
import { DEFAULT_SOURCES_FILE, jobsFromSources, loadSourcesFile, SOURCE_CONTRACTS } from '@/etl/config/sources';

// The web routes name the configured sources from the light half of the contracts; the scheduler runs the
// jobs the whole contracts build. These must not drift apart.

describe('configured source names', () => {
  const vars = { DATA_DIR: mkdtempSync(path.join(tmpdir(), 'source-names-')) };

  it('are the sources of the jobs the simulator’s sources file builds', () => {
    const names = configuredSourceNames(DEFAULT_SOURCES_FILE, vars);
    const jobs = jobsFromSources(loadSourcesFile(DEFAULT_SOURCES_FILE, vars));
    expect(names).toEqual(jobs.map((j) => j.source));
    expect(new Set(names).size).toBe(names.length);
    // Every domain is in the simulator's file, so the comparison above covers all of them.
    expect(new Set(loadSourcesFile(DEFAULT_SOURCES_FILE, vars).sources.map((s) => s.domain))).toEqual(
      new Set(SOURCE_CONFIGS.map((c) => c.domain)),
    );
  });

  it('have one whole contract per light half, in the same order, sharing the schema', () => {
    expect(SOURCE_CONTRACTS.map((c) => c.domain)).toEqual(SOURCE_CONFIGS.map((c) => c.domain));
    SOURCE_CONTRACTS.forEach((c, i) => expect(c.configSchema).toBe(SOURCE_CONFIGS[i]!.configSchema));
  });

  it('follow the entries: disabled ones are left out, optional feeds only when configured', () => {
    const file = path.join(vars.DATA_DIR, 'sources.json');
    const drop = { dir: '/d/in', archiveDir: '/d/archive', rejectedDir: '/d/rejected' };
    writeFileSync(
      file,
      JSON.stringify({
        sources: [
          { id: 'outage', kind: 'sql', domain: 'outage', connection: { dialect: 'sqlite', url: 'file:/x.db' } },
          { id: 'billing', kind: 'file', domain: 'billing', folder: drop, balances: true },
          { id: 'cti', kind: 'http', domain: 'cti', baseUrl: 'http://cti', enabled: false },
          { id: 'crm', kind: 'http', domain: 'work-orders', baseUrl: 'http://crm' },
        ],
      }),
    );
    const names = configuredSourceNames(file, {});
    expect(names).toEqual(jobsFromSources(loadSourcesFile(file, {})).map((j) => j.source));
    expect(names).toEqual([
      'outage.events',
      'outage.customers',
      'outage.notices',
      'billing.customers',
      'billing.bills',
      'billing.payments',
      'billing.dunning',
      'billing.reconnections',
      'billing.balances',
      'workorder.orders',
    ]);
  });
});
