import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEFAULT_SOURCES_FILE, jobsFromSources, loadSourcesFile } from '@/etl/config/sources';

const write = (json: unknown) => {
  const file = path.join(mkdtempSync(path.join(tmpdir(), 'src-')), 'sources.json');
  writeFileSync(file, typeof json === 'string' ? json : JSON.stringify(json));
  return file;
};

describe('sources file', () => {
  it('configures the simulator’s systems by default, with placeholders filled in', () => {
    const cfg = loadSourcesFile(DEFAULT_SOURCES_FILE, { DATA_DIR: '/srv/data', SIMULATOR_CTI_URL: 'http://127.0.0.1:4567' });
    const hq = cfg.sources.find((s) => s.domain === 'hall-queue')!;
    expect(hq.kind).toBe('sql');
    expect(hq.domain === 'hall-queue' && hq.connection.url).toBe('file:/srv/data/sources/hall-queue.db');
    const cti = cfg.sources.find((s) => s.domain === 'cti')!;
    expect(cti.domain === 'cti' && cti.baseUrl).toBe('http://127.0.0.1:4567');
    const jobs = jobsFromSources(cfg);
    expect(jobs.map((j) => j.source).sort()).toEqual([
      'billing.balances',
      'billing.bills',
      'billing.customers',
      'billing.dunning',
      'billing.payments',
      'billing.reconnections',
      'cti.agent-states',
      'cti.calls',
      'hall-queue.halls',
      'hall-queue.tickets',
      'outage.customers',
      'outage.events',
      'outage.notices',
      'outage.sms-reports',
      'workorder.orders',
    ]);
    expect(jobs.find((j) => j.source === 'hall-queue.tickets')!.schedule).toBe('*/30 * * * * *');
  });

  it('points a source at another database and leaves disabled sources out', () => {
    const file = write({
      sources: [
        {
          id: 'hall-queue',
          kind: 'sql',
          domain: 'hall-queue',
          connection: { dialect: 'mysql', url: 'mysql://etl@queue-db/queue' },
          schedules: { tickets: '*/10 * * * * *' },
        },
        { id: 'cti', kind: 'http', domain: 'cti', baseUrl: 'http://cti', enabled: false },
      ],
    });
    const jobs = jobsFromSources(loadSourcesFile(file, {}));
    expect(jobs.map((j) => j.source).sort()).toEqual(['hall-queue.halls', 'hall-queue.tickets']);
    expect(jobs.find((j) => j.source === 'hall-queue.tickets')!.schedule).toBe('*/10 * * * * *');
  });

  it('reads `work-orders`, the domain’s name in older files, as `workorder`', () => {
    const file = write({ sources: [{ id: 'work-orders', kind: 'http', domain: 'work-orders', baseUrl: 'http://crm' }] });
    const cfg = loadSourcesFile(file, {});
    expect(cfg.sources[0]!.domain).toBe('workorder');
    expect(jobsFromSources(cfg).map((j) => j.source)).toEqual(['workorder.orders']);
  });

  it('refuses a bad file with a message naming the file and the field', () => {
    const bad = write({ sources: [{ id: 'hall-queue', kind: 'sql', domain: 'hall-queue', connection: { dialect: 'oracle', url: 'x' } }] });
    expect(() => loadSourcesFile(bad, {})).toThrow(/ETL_SOURCES_FILE: .*sources\.json: sources\.0\.connection\.dialect/);
    expect(() => loadSourcesFile(write('{ not json'), {})).toThrow(/not valid JSON/);
    expect(() => loadSourcesFile('/nonexistent/sources.json', {})).toThrow(/cannot read/);
    const dup = write({ sources: [0, 1].map(() => ({ id: 'cti', kind: 'http', domain: 'cti', baseUrl: 'http://cti' })) });
    expect(() => loadSourcesFile(dup, {})).toThrow(/cti appears twice/);
  });
});
