import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openSqlite } from '@/etl/connectors/sqlite-source';
import { jsonUpsert } from '@/etl/simulator/sqlite-json-upsert';

// The simulated sources' rows travel to SQLite as one JSON parameter; the bulk back-fill tells regular rows
// from odd ones by SQLite's storage classes (typeof), so the rows must be stored as bound values would be.

const dir = mkdtempSync(path.join(tmpdir(), 'json-upsert-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('jsonUpsert', () => {
  it('stores each value with its own storage class, updates only the named columns, and keeps the last of a key', async () => {
    const db = openSqlite(`file:${path.join(dir, 'a.db')}`);
    await db.execute('CREATE TABLE t (id TEXT PRIMARY KEY, name TEXT NOT NULL, n INTEGER, x REAL, note TEXT, kept TEXT)');
    const upsert = jsonUpsert('t', ['id', 'name', 'n', 'x', 'note', 'kept'], 'id', ['n', 'x', 'note']);
    await db.batch(
      [
        upsert([
          ['a', '营业厅 "东"', 7, 1.5, '0042', 'first'],
          ['b', 'line\nbreak', null, -0.25, null, 'first'],
          ['a', 'ignored on update', 8, 2.5, '42', 'second'],
        ]),
      ],
      'write',
    );
    const rs = await db.execute(
      'SELECT id, name, n, typeof(n) AS tn, x, typeof(x) AS tx, note, typeof(note) AS tnote, kept FROM t ORDER BY id',
    );
    expect(rs.rows.map((r) => ({ ...r }))).toEqual([
      { id: 'a', name: '营业厅 "东"', n: 8, tn: 'integer', x: 2.5, tx: 'real', note: '42', tnote: 'text', kept: 'first' },
      { id: 'b', name: 'line\nbreak', n: null, tn: 'null', x: -0.25, tx: 'real', note: null, tnote: 'null', kept: 'first' },
    ]);
    db.close();
  });

  it('refuses a number JSON cannot carry instead of storing NULL', () => {
    const upsert = jsonUpsert('t', ['id', 'n'], 'id');
    expect(() => upsert([['a', Number.NaN]])).toThrow(/NaN has no JSON form/);
  });
});
