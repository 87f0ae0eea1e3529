import { cpSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { FAMILIES } from '@/server/kpi/families';
import { rollupTable, rollupTables } from '@/server/kpi/rollup/columns';
import { DIRTY_MARKS } from '@/server/kpi/rollup/ddl';
import type { ClickHouse } from '@/core/clickhouse/client';
import { MIGRATIONS_ROOT, MigrationChangedError, migrateClickHouse, migrationsDir, readMigrations } from '@/core/clickhouse/migrate';
import { TABLES } from '@/core/clickhouse/tables';
import { dropTestClickHouse, testClickHouse } from '../helpers/clickhouse';

let ch: ClickHouse;
beforeAll(async () => {
  ch = await testClickHouse();
});
afterAll(() => dropTestClickHouse(ch));

describe('ClickHouse migrations', () => {
  it('created every table the code writes to, and records what it applied', async () => {
    const tables = await ch.query(
      'test.tables',
      'SELECT name FROM system.tables WHERE database = currentDatabase()',
      {},
      z.object({ name: z.string() }),
    );
    // Besides the tables written by name: the KPI rollups, their dirty marks and the views that write them.
    const rollups = FAMILIES.flatMap((f) => rollupTables(f).map((t) => rollupTable(f, t.grain, t.county)));
    const views = DIRTY_MARKS.map(([family, table]) => `mv_dirty_${family}_${table}`);
    expect(tables.map((t) => t.name).sort()).toEqual([...TABLES, 'kpi_dirty', ...rollups, ...views].sort());
    const recorded = await ch.query(
      'test.recorded',
      'SELECT version FROM schema_migrations FINAL ORDER BY version',
      {},
      z.object({ version: z.coerce.number() }),
    );
    expect(recorded.map((r) => r.version)).toEqual(readMigrations(migrationsDir(undefined), { db: 'x' }).map((m) => m.version));
  });

  it('applies nothing the second time', async () => {
    expect(await migrateClickHouse(ch)).toEqual({ applied: [] });
  });

  it('applies a new file, and refuses to start when an applied file was edited', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'chmig-'));
    cpSync(migrationsDir(undefined), dir, { recursive: true });
    writeFileSync(path.join(dir, '9000_extra.sql'), 'CREATE TABLE IF NOT EXISTS {{db}}.extra (a UInt8) ENGINE = MergeTree ORDER BY a;\n');
    expect((await migrateClickHouse(ch, dir)).applied).toEqual(['9000_extra.sql']);

    const first = readdirSync(dir).sort()[0]!;
    writeFileSync(path.join(dir, first), readFileSync(path.join(dir, first), 'utf8') + '\n-- an innocent-looking edit\n');
    await expect(migrateClickHouse(ch, dir)).rejects.toBeInstanceOf(MigrationChangedError);
    await expect(migrateClickHouse(ch, dir)).rejects.toThrow(first);
  });

  it('keeps the clustered variant in step with the single-node one', () => {
    const single = readdirSync(path.join(MIGRATIONS_ROOT, 'single')).sort();
    const cluster = readdirSync(path.join(MIGRATIONS_ROOT, 'cluster')).sort();
    expect(cluster).toEqual(single);
    expect(single.length).toBeGreaterThan(0); // two empty folders are not "in step"
    let tables = 0;
    for (const file of single) {
      const created = (text: string) => [...text.matchAll(/CREATE TABLE IF NOT EXISTS \{\{db\}\}\.(\w+)/g)].map((m) => m[1]);
      const singleText = readFileSync(path.join(MIGRATIONS_ROOT, 'single', file), 'utf8');
      const s = created(singleText);
      const c = readFileSync(path.join(MIGRATIONS_ROOT, 'cluster', file), 'utf8');
      tables += s.length;
      for (const table of s) {
        // An in-memory staging table is the embedded engine's alone (a load read from our own disk): the
        // cluster file must say what stands for it there, by name.
        const definition = new RegExp(`CREATE TABLE IF NOT EXISTS \\{\\{db\\}\\}\\.${table}\\s*\\([\\s\\S]*?ENGINE = (\\w+)`).exec(
          singleText,
        );
        if (definition?.[1] === 'Memory') {
          expect(c, `${file}: ${table}`).toContain(table);
          continue;
        }
        // Canonical name is the Distributed table; data lives in the replicated _local table.
        expect(c).toMatch(
          new RegExp(`CREATE TABLE IF NOT EXISTS \\{\\{db\\}\\}\\.${table}_local ON CLUSTER[\\s\\S]*?ENGINE = Replicated\\w*MergeTree`),
        );
        expect(c).toMatch(new RegExp(`CREATE TABLE IF NOT EXISTS \\{\\{db\\}\\}\\.${table} ON CLUSTER[\\s\\S]*?ENGINE = Distributed`));
      }
    }
    expect(tables).toBeGreaterThan(8); // the pattern found the schema's tables, so the loop above checked them
  });

  it('writes clustered statements the ClickHouse parser accepts', async () => {
    const files = readMigrations(path.join(MIGRATIONS_ROOT, 'cluster'), { db: 'monitor', cluster: 'main' });
    const statements = files.flatMap((f) => f.statements);
    expect(statements.length).toBeGreaterThan(8);
    for (const stmt of statements) {
      const [row] = await ch.query('test.parse', 'SELECT formatQuery({q:String}) AS f', { q: stmt }, z.object({ f: z.string() }));
      expect(row!.f).toContain('ON CLUSTER main');
    }
    // The parser check has teeth: a broken statement is refused.
    await expect(
      ch.query(
        'test.parse',
        'SELECT formatQuery({q:String}) AS f',
        { q: 'CREATE TABLE x ON CLUSTER main (a UInt8 ENGINE = MergeTree' },
        z.object({ f: z.string() }),
      ),
    ).rejects.toThrow();
  });
});
