import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import type { ClickHouse } from '@/core/clickhouse/client';
import { parseLocal } from '@/core/time';
import { jsTrim, timeOk, timeVal } from '@/etl/runtime/sql-rules';
import { dropTestClickHouse, testClickHouse } from '../helpers/clickhouse';

// The bulk paths test and parse times in SQL (timeOk, timeVal) where the row path calls parseLocal; both must
// accept the same texts and give the same instants, or the two paths load different facts. Here the engine
// judges a corpus of edge cases and generated texts, and parseLocal is the reference. Years stay within
// 1901–2298: the bulk paths hand other years to the row path. The same for jsTrim, String.prototype.trim's
// twin, which reads every text field the row path trims.

const TZ = 'Asia/Shanghai';
let ch: ClickHouse;

beforeAll(async () => {
  ch = await testClickHouse();
});
afterAll(async () => {
  if (ch) await dropTestClickHouse(ch);
});

const EDGES = [
  '2026-11-23 14:00:00',
  '2026-11-23T14:00:00',
  '2026-11-23 14:00',
  '2026-11-23 14:00:00.5',
  '2026-11-23 14:00:00.12',
  '2026-11-23 14:00:00.123',
  '2026-11-23 14:00:00.1234',
  '2026-11-23 14:00:00.',
  '2026-11-23 14:00:',
  '2026-11-23  14:00:00',
  '2026-11-23_14:00:00',
  '2026-11-23',
  '2026/11/23 14:00:00',
  '26-11-23 14:00:00',
  '2026-1-23 14:00:00',
  '2026-00-10 10:00:00',
  '2026-13-10 10:00:00',
  '2026-12-31 23:59:59',
  '2026-01-00 10:00:00',
  '2026-01-31 10:00:00',
  '2026-01-32 10:00:00',
  '2026-04-30 10:00:00',
  '2026-04-31 10:00:00',
  '2024-02-29 10:00:00',
  '2023-02-29 10:00:00',
  '2000-02-29 10:00:00',
  '2100-02-29 10:00:00',
  '1904-02-29 10:00:00',
  '2026-02-28 10:00:00',
  '2026-11-23 24:00:00',
  '2026-11-23 23:60:00',
  '2026-11-23 23:59:60',
  '2026-11-23 19:09:09',
  '2026-11-23 20:00:00',
  '２０２６-11-23 14:00:00',
  '2026-11-23 14:00:00Z',
  '2026-11-23 14:00:00+08:00',
  'x2026-11-23 14:00:00',
  '',
  'null',
  '\\N',
];

/** Texts shaped like times, each part sometimes out of range or mis-shaped. */
function generated(n: number): string[] {
  let seed = 20261207;
  const rnd = (k: number) => {
    seed = (seed * 1103515245 + 12345) % 2 ** 31;
    return seed % k;
  };
  const two = (max: number) => String(rnd(max)).padStart(rnd(10) === 0 ? 1 : 2, '0');
  const out: string[] = [];
  for (let i = 0; i < n; i++) {
    const year = String(1901 + rnd(398));
    const sep = rnd(8) === 0 ? 'T' : ' ';
    const sec = rnd(3) === 0 ? '' : `:${two(64)}${rnd(3) === 0 ? `.${String(rnd(10_000)).slice(0, 1 + rnd(4))}` : ''}`;
    out.push(`${year}-${two(14)}-${two(33)}${sep}${two(26)}:${two(62)}${sec}`);
  }
  return out;
}

const judged = z.object({ x: z.string(), ok: z.union([z.boolean(), z.number()]), ms: z.union([z.string(), z.number()]).nullable() });

async function judge(texts: string[]) {
  const rows = await ch.query(
    'test.sql-rules.time',
    `SELECT x, ${timeOk('x')} AS ok, toUnixTimestamp64Milli(${timeVal('x', 'ok')}) AS ms
     FROM (SELECT arrayJoin({texts:Array(String)}) AS x)
     SETTINGS short_circuit_function_evaluation = 'disable'`,
    { texts, tz: TZ },
    judged,
  );
  return rows.map((r) => ({ x: r.x, ok: Boolean(r.ok), ms: r.ms === null ? null : Number(r.ms) }));
}

describe('timeOk and timeVal against parseLocal', () => {
  it('accept the texts parseLocal accepts, with its instant, and refuse the others: edge cases', async () => {
    const rows = await judge(EDGES);
    expect(rows).toHaveLength(EDGES.length);
    const differ = rows.filter((r) => r.ok !== (parseLocal(r.x, TZ) !== null) || (r.ok && r.ms !== parseLocal(r.x, TZ)));
    expect(differ).toEqual([]);
    // Both kinds are in the corpus (not vacuous).
    expect(rows.filter((r) => r.ok).length).toBeGreaterThan(10);
    expect(rows.filter((r) => !r.ok).length).toBeGreaterThan(20);
  });

  it('the same on generated texts, a fifth of them or more refused', async () => {
    const texts = generated(20_000);
    const rows = await judge(texts);
    expect(rows).toHaveLength(texts.length);
    const differ = rows.filter((r) => r.ok !== (parseLocal(r.x, TZ) !== null) || (r.ok && r.ms !== parseLocal(r.x, TZ)));
    expect(differ.slice(0, 10)).toEqual([]);
    const refused = rows.filter((r) => !r.ok).length;
    expect(refused).toBeGreaterThan(texts.length / 5);
    expect(refused).toBeLessThan(texts.length);
  });
});

describe('jsTrim against String.prototype.trim', () => {
  it('trims what JavaScript trims, ASCII or not, and nothing else', async () => {
    const spaces = [
      ' ',
      '\t',
      '\n',
      '\v',
      '\f',
      '\r',
      '\u00a0',
      '\u1680',
      '\u2000',
      '\u200a',
      '\u2028',
      '\u2029',
      '\u202f',
      '\u205f',
      '\u3000',
      '\ufeff',
    ];
    const kept = ['\u200b', '\u0085', '\u180e', 'x'];
    const texts = ['', 'a', ' a b ', '  营业厅  ', '\u3000营业厅\u3000', '2026-11-23 14:00:00\u00a0'];
    for (const sp of spaces) for (const k of kept) texts.push(`${sp}${k}${sp}`, `${k}${sp}${k}`, `${sp}${sp}中${k}${sp}`);
    const rows = await ch.query(
      'test.sql-rules.trim',
      `SELECT x, ${jsTrim('x')} AS t FROM (SELECT arrayJoin({texts:Array(String)}) AS x) SETTINGS short_circuit_function_evaluation = 'disable'`,
      { texts },
      z.object({ x: z.string(), t: z.string() }),
    );
    expect(rows).toHaveLength(texts.length);
    expect(rows.filter((r) => r.t !== r.x.trim())).toEqual([]);
    // Not vacuous: most texts lose something.
    expect(rows.filter((r) => r.t !== r.x).length).toBeGreaterThan(texts.length / 2);
  });
});
