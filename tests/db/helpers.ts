import { randomBytes } from 'node:crypto';
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { createDb, type Db } from '@/server/db/client';
import { applyMigrations } from '@/server/db/migrate';

export const MIGRATIONS_DIR = path.resolve('prisma/migrations');

/** The real PostgreSQL the tests run against (trust auth on this machine); a maintenance database URL. */
export const PG_ADMIN_URL = process.env.TEST_PG_ADMIN_URL ?? 'postgresql://postgres@127.0.0.1:5432/postgres';

export interface TestPgDatabase {
  name: string;
  url: string;
  drop(): Promise<void>;
}

/** A fresh, empty database `mon_test_<random>` on the real server; `drop()` removes it. */
export async function createPgDatabase(setup?: string): Promise<TestPgDatabase> {
  const name = `mon_test_${randomBytes(6).toString('hex')}`;
  await adminQuery(`CREATE DATABASE ${name}`);
  if (setup) await adminQuery(setup.replaceAll('$DB', name));
  const url = new URL(PG_ADMIN_URL);
  url.pathname = `/${name}`;
  return {
    name,
    url: url.toString(),
    drop: () => adminQuery(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`),
  };
}

async function adminQuery(sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: PG_ADMIN_URL });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

export type Backend = 'pglite' | 'postgresql';
export const BACKENDS: Backend[] = ['pglite', 'postgresql'];

export interface TestDb {
  db: Db;
  /** Another connection pool to the same database (PostgreSQL only), standing in for a second process. */
  openAnother(): Promise<Db>;
  dispose(): Promise<void>;
}

/** A migrated database of the given kind: in-memory PGlite, or a fresh database on the real server. */
export async function createTestDb(backend: Backend): Promise<TestDb> {
  if (backend === 'pglite') {
    const db = await createDb({ dataDir: '/nonexistent', memory: true });
    await applyMigrations(db, MIGRATIONS_DIR);
    return {
      db,
      openAnother: () => Promise.reject(new Error('an in-memory PGlite database cannot be opened twice')),
      dispose: () => db.close(),
    };
  }
  const database = await createPgDatabase();
  const opened: Db[] = [];
  const open = async () => {
    const d = await createDb({ databaseUrl: database.url, dataDir: '/nonexistent' });
    opened.push(d);
    return d;
  };
  try {
    const db = await open();
    await applyMigrations(db, MIGRATIONS_DIR);
    return {
      db,
      openAnother: open,
      dispose: async () => {
        await Promise.allSettled(opened.map((d) => d.close()));
        await database.drop();
      },
    };
  } catch (err) {
    await Promise.allSettled(opened.map((d) => d.close()));
    await database.drop();
    throw err;
  }
}

/** A scratch copy of prisma/migrations that a test may edit; `cleanup()` deletes it. */
export function copyMigrations(): { dir: string; cleanup(): void } {
  const root = mkdtempSync(path.join(tmpdir(), 'mon-migrations-'));
  const dir = path.join(root, 'migrations');
  cpSync(MIGRATIONS_DIR, dir, { recursive: true });
  return { dir, cleanup: () => rmSync(root, { recursive: true, force: true }) };
}
