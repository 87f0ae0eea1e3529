import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseLocal } from '@/core/time';
import { startCtiApi, type CtiApi } from '@/etl/simulator/cti-api';
import { CTI_AGENT_STATE_EXPORT_COLUMNS, CTI_CDR_EXPORT_COLUMNS } from '@/etl/sources/cti/source-schema';

// The CTI's day as the vendor's export (the history in bulk) is written straight from the plan, without the
// records the API pages (the simulator's collector was its largest cost). An API whose records go through a
// mutate hook that changes nothing writes them field by field from the records: both files must be the same
// bytes, so the plain writer says exactly what the API says.

const TZ = 'Asia/Shanghai';
const NOW = parseLocal('2026-11-24 20:00:00', TZ)!;
let plain: CtiApi;
let viaRecords: CtiApi;
const dir = mkdtempSync(path.join(tmpdir(), 'cti-export-'));

beforeAll(async () => {
  plain = await startCtiApi({ seed: 7, tz: TZ, now: () => NOW, host: '127.0.0.1' });
  viaRecords = await startCtiApi({ seed: 7, tz: TZ, now: () => NOW, host: '127.0.0.1', mutate: { cdr: (r) => r, agentStates: (r) => r } });
});
afterAll(async () => {
  await plain?.close();
  await viaRecords?.close();
});

describe('the CTI export of a day', () => {
  it.each([
    ['cdr', CTI_CDR_EXPORT_COLUMNS],
    ['agent-states', CTI_AGENT_STATE_EXPORT_COLUMNS],
  ] as const)('%s: written from the plan as from the records', async (kind, columns) => {
    const [a, b] = [path.join(dir, `${kind}-plain.csv`), path.join(dir, `${kind}-records.csv`)];
    const na = await plain.exportDay(kind, '2026-11-23', a);
    const nb = await viaRecords.exportDay(kind, '2026-11-23', b);
    const text = readFileSync(a, 'utf8');
    expect(text.split('\n', 1)[0]).toBe(columns.join(','));
    // Recounted from the file: a header, one line per record, a final newline.
    expect(text.trimEnd().split('\n').length - 1).toBe(na);
    expect(na).toBeGreaterThan(5000);
    expect(nb).toBe(na);
    // Line by line, the first difference shown (a diff of the whole files would take minutes to print).
    const [la, lb] = [text.split('\n'), readFileSync(b, 'utf8').split('\n')];
    const first = la.findIndex((line, i) => line !== lb[i]);
    expect({ line: first, plain: la[first], records: lb[first] }).toEqual({ line: -1, plain: undefined, records: undefined });
    expect(la.length).toBe(lb.length);
  });
});
