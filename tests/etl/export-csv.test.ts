import { describe, expect, it } from 'vitest';
import { CsvBytes, csvField, exportCsv } from '@/etl/simulator/export-csv';

// The simulator's exports are written value by value into buffers; the bytes are what the reference writer
// (csvField per value, lines joined by LF, the text as UTF-8) gives for the same rows.

const reference = (columns: readonly string[], rows: readonly (readonly unknown[])[]) =>
  Buffer.from(`${[columns.join(','), ...rows.map((r) => r.map(csvField).join(','))].join('\n')}\n`, 'utf8');

const VALUES: unknown[] = [
  null,
  undefined,
  '',
  0,
  -12.5,
  12345678901234567890n,
  'plain',
  '昆明供电局营业厅',
  'a "quoted" word',
  '""',
  'comma, and\nnewline',
  '\\N',
  '𠀀 astral',
];

describe('CsvBytes', () => {
  it('writes every kind of value as csvField does, across buffer chunks', () => {
    const rows: unknown[][] = [];
    // Enough rows that the output crosses many 256 KiB chunks at varying offsets.
    for (let i = 0; i < 40_000; i++) rows.push([i, VALUES[i % VALUES.length], `行${i}`, VALUES[(i * 7) % VALUES.length]]);
    rows.splice(20_000, 0, [-1, 'x"'.repeat(150_000), '', null]); // one value longer than a buffer chunk
    const got = exportCsv(['id', 'v', 'name', 'w'], rows);
    const want = reference(['id', 'v', 'name', 'w'], rows);
    expect(got.length).toBeGreaterThan(4 * 256 * 1024);
    expect(got.equals(want)).toBe(true);
  });

  it('counts the lines it ended and keeps raw text as given', () => {
    const out = new CsvBytes();
    out.raw('a,b').end();
    out.field('x').raw('"pre,quoted"').end();
    out.end();
    expect(out.lines).toBe(3);
    expect(out.bytes().toString('utf8')).toBe('a,b\n"x","pre,quoted"\n\n');
  });
});
