import { createHash } from 'node:crypto';
import { appendFileSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { PrismaPg } from '@prisma/adapter-pg';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDb, type Db } from '@/server/db/client';
import { applyMigrations, readMigrations } from '@/server/db/migrate';
import { NO_FILTER, openSchemaEngine, readMigrationsList, readSchemaFiles, type SchemaEngine } from '@/server/db/schema-engine';
import { copyMigrations, createPgDatabase, MIGRATIONS_DIR, type TestPgDatabase } from './helpers';

const LOCAL = readMigrations(MIGRATIONS_DIR);
const NAMES = LOCAL.map((m) => m.name);

/** Prisma's schema engine (what `prisma migrate deploy` / `migrate status` run) pointed at a test database. */
async function withPrismaEngine<T>(database: TestPgDatabase, fn: (engine: SchemaEngine) => Promise<T>): Promise<T> {
  // Our own pool, ended afterwards: freeing the engine does not close its connection, and that session
  // would keep holding the migrate advisory lock that `applyMigrations` takes.
  const pool = new pg.Pool({ connectionString: database.url });
  const handle = await openSchemaEngine({
    schema: readSchemaFiles('prisma/schema.prisma'),
    factory: {
      provider: 'postgres',
      adapterName: '@prisma/adapter-pg',
      connect: () => new PrismaPg(pool).connect(),
      connectToShadowDb: () => Promise.reject(new Error('no shadow database in this test')),
    },
  });
  try {
    return await fn(handle.engine);
  } finally {
    await handle.close();
    await pool.end();
  }
}

async function migrationsTable(url: string) {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const columns = await client.query(
      `SELECT column_name, data_type, character_maximum_length, is_nullable, column_default
         FROM information_schema.columns WHERE table_name = '_prisma_migrations' ORDER BY ordinal_position`,
    );
    const constraints = await client.query(
      `SELECT contype::text, pg_get_constraintdef(oid) AS def FROM pg_constraint WHERE conrelid = '"_prisma_migrations"'::regclass ORDER BY 1, 2`,
    );
    const rows = await client.query(
      `SELECT id, checksum, migration_name, logs, rolled_back_at, started_at, finished_at, applied_steps_count FROM _prisma_migrations ORDER BY migration_name`,
    );
    return { columns: columns.rows, constraints: constraints.rows, rows: rows.rows as Record<string, unknown>[] };
  } finally {
    await client.end();
  }
}

describe('applyMigrations on PostgreSQL', () => {
  const databases: TestPgDatabase[] = [];
  const dbs: Db[] = [];
  const freshDatabase = async () => {
    const d = await createPgDatabase();
    databases.push(d);
    return d;
  };
  const open = async (url: string) => {
    const db = await createDb({ databaseUrl: url, dataDir: '/nonexistent' });
    dbs.push(db);
    return db;
  };
  let ours: TestPgDatabase;
  let db: Db;

  beforeAll(async () => {
    ours = await freshDatabase();
    db = await open(ours.url);
    expect(db.kind).toBe('postgresql');
  });
  afterAll(async () => {
    await Promise.allSettled(dbs.map((d) => d.close()));
    await Promise.allSettled(databases.map((d) => d.drop()));
  });

  it('applies every migration once and writes _prisma_migrations rows like Prisma', async () => {
    const before = Date.now();
    expect(await applyMigrations(db, MIGRATIONS_DIR)).toEqual({ applied: NAMES, alreadyApplied: 0 });
    expect(await applyMigrations(db, MIGRATIONS_DIR)).toEqual({ applied: [], alreadyApplied: NAMES.length });

    const { rows } = await migrationsTable(ours.url);
    expect(rows.map((r) => r.migration_name)).toEqual(NAMES);
    for (const r of rows) {
      const file = readFileSync(path.join(MIGRATIONS_DIR, String(r.migration_name), 'migration.sql'));
      expect(r.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
      // sha256 of the file's bytes, lowercase hex, as `prisma migrate` records it
      expect(r.checksum).toBe(createHash('sha256').update(file).digest('hex'));
      expect(r).toMatchObject({ logs: null, rolled_back_at: null, applied_steps_count: 1 });
      const started = (r.started_at as Date).getTime();
      const finished = (r.finished_at as Date).getTime();
      expect(started).toBeGreaterThanOrEqual(before - 5_000);
      expect(finished).toBeGreaterThanOrEqual(started);
    }
  });

  it("leaves a database that Prisma's engine finds up to date (migrate status / deploy would do nothing)", async () => {
    await withPrismaEngine(ours, async (engine) => {
      const migrationsList = readMigrationsList(MIGRATIONS_DIR);
      const diagnosis = await engine.diagnoseMigrationHistory({ migrationsList, optInToShadowDatabase: false, filters: NO_FILTER });
      expect(diagnosis).toEqual({ editedMigrationNames: [], failedMigrationNames: [], hasMigrationsTable: true, history: null });
      expect(await engine.applyMigrations({ migrationsList, filters: NO_FILTER })).toEqual({ appliedMigrationNames: [] });
    });
  });

  it("accepts a database migrated by Prisma's engine, whose bookkeeping table is identical to ours", async () => {
    const theirs = await freshDatabase();
    await withPrismaEngine(theirs, async (engine) => {
      const applied = await engine.applyMigrations({ migrationsList: readMigrationsList(MIGRATIONS_DIR), filters: NO_FILTER });
      expect(applied.appliedMigrationNames).toEqual(NAMES);
    });
    const other = await open(theirs.url);
    expect(await applyMigrations(other, MIGRATIONS_DIR)).toEqual({ applied: [], alreadyApplied: NAMES.length });

    const a = await migrationsTable(ours.url);
    const b = await migrationsTable(theirs.url);
    expect(a.columns).toEqual(b.columns);
    expect(a.constraints).toEqual(b.constraints);
    expect(a.rows.map((r) => [r.migration_name, r.checksum])).toEqual(b.rows.map((r) => [r.migration_name, r.checksum]));
  });

  it('lets exactly one of two processes starting at once apply the migrations (advisory lock)', async () => {
    const shared = await freshDatabase();
    const [p1, p2] = [await open(shared.url), await open(shared.url)];
    const results = await Promise.all([applyMigrations(p1, MIGRATIONS_DIR), applyMigrations(p2, MIGRATIONS_DIR)]);
    expect(results).toContainEqual({ applied: NAMES, alreadyApplied: 0 });
    expect(results).toContainEqual({ applied: [], alreadyApplied: NAMES.length });
    expect((await migrationsTable(shared.url)).rows).toHaveLength(NAMES.length);
  });

  it('refuses to start when an applied migration file was edited, naming it', async () => {
    const copy = copyMigrations();
    try {
      appendFileSync(path.join(copy.dir, NAMES[0]!, 'migration.sql'), '\nCREATE INDEX "x" ON "users"("locale");\n');
      await expect(applyMigrations(db, copy.dir)).rejects.toThrow(`Migration "${NAMES[0]}" was modified after it was applied`);
    } finally {
      copy.cleanup();
    }
  });
});
