import { appendFileSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createDb, type Db } from '@/server/db/client';
import { applyMigrations, readMigrations, sha256Hex } from '@/server/db/migrate';
import { copyMigrations, MIGRATIONS_DIR } from './helpers';

const LOCAL = readMigrations(MIGRATIONS_DIR);
const FIRST = LOCAL[0]!.name;

async function tables(db: Db): Promise<string[]> {
  const rows = await db.prisma.$queryRawUnsafe<{ t: string }[]>(
    `SELECT table_name::text AS t FROM information_schema.tables WHERE table_schema = current_schema() ORDER BY 1`,
  );
  return rows.map((r) => r.t);
}

describe('applyMigrations on embedded PGlite (in memory)', () => {
  let db: Db;
  const scratch: { cleanup(): void }[] = [];
  const scratchCopy = () => {
    const c = copyMigrations();
    scratch.push(c);
    return c.dir;
  };

  beforeAll(async () => {
    db = await createDb({ dataDir: '/nonexistent', memory: true });
    expect(db.kind).toBe('embedded-pglite');
  });
  afterAll(async () => {
    await db?.close();
  });
  afterEach(() => {
    for (const c of scratch.splice(0)) c.cleanup();
  });

  it('creates the tables and records every migration like Prisma does', async () => {
    expect(await tables(db)).toEqual([]);
    const result = await applyMigrations(db, MIGRATIONS_DIR);
    expect(result).toEqual({ applied: LOCAL.map((m) => m.name), alreadyApplied: 0 });
    expect(await tables(db)).toEqual([
      '_prisma_migrations',
      'alert_events',
      'alert_outbox',
      'alert_rule_states',
      'alert_rule_versions',
      'alert_rules',
      'api_tokens',
      'audit_logs',
      'auth_accounts',
      'auth_sessions',
      'auth_verifications',
      'duty_settings',
      'duty_shifts',
      'duty_transitions',
      'export_jobs',
      'handovers',
      'kpi_parameters',
      'notification_attempts',
      'notifications',
      'notify_channels',
      'notify_groups',
      'org_units',
      'record_notes',
      'reports',
      'routing_policies',
      'run_log',
      'scheduler_leases',
      'screen_pairings',
      'silences',
      'supervisions',
      'users',
      'wall_layouts',
      'wall_zone_controls',
    ]);

    const rows = await db.prisma.$queryRawUnsafe<
      { migration_name: string; checksum: string; applied_steps_count: number; finished: boolean }[]
    >(
      `SELECT migration_name, checksum, applied_steps_count, finished_at IS NOT NULL AND rolled_back_at IS NULL AS finished FROM _prisma_migrations ORDER BY migration_name`,
    );
    expect(rows).toEqual(
      LOCAL.map((m) => ({
        migration_name: m.name,
        checksum: sha256Hex(readFileSync(path.join(MIGRATIONS_DIR, m.name, 'migration.sql'), 'utf8')),
        applied_steps_count: 1,
        finished: true,
      })),
    );
  });

  it('applies nothing the second time', async () => {
    expect(await applyMigrations(db, MIGRATIONS_DIR)).toEqual({ applied: [], alreadyApplied: LOCAL.length });
  });

  it('refuses to start when an applied migration file was edited, naming it', async () => {
    const dir = scratchCopy();
    appendFileSync(path.join(dir, FIRST, 'migration.sql'), '\n-- a later edit\n');
    await expect(applyMigrations(db, dir)).rejects.toThrow(new RegExp(`Migration "${FIRST}" was modified after it was applied`));
  });

  it('accepts the same file checked out with CRLF line endings (as the schema engine does)', async () => {
    const dir = scratchCopy();
    const file = path.join(dir, FIRST, 'migration.sql');
    writeFileSync(file, readFileSync(file, 'utf8').replaceAll('\n', '\r\n'));
    expect(await applyMigrations(db, dir)).toEqual({ applied: [], alreadyApplied: LOCAL.length });
  });

  it('applies a new multi-statement migration with functions, quoting and its own BEGIN/COMMIT', async () => {
    const dir = scratchCopy();
    const name = '20991231000000_extra';
    mkdirSync(path.join(dir, name));
    writeFileSync(
      path.join(dir, name, 'migration.sql'),
      [
        '-- hand-written; semicolons inside strings and bodies must not split statements',
        'CREATE TABLE "t_extra" ("id" INTEGER NOT NULL, "note" TEXT NOT NULL DEFAULT \'a;b\', CONSTRAINT "t_extra_pkey" PRIMARY KEY ("id"));',
        'CREATE FUNCTION t_extra_double(x int) RETURNS int LANGUAGE plpgsql AS $fn$ BEGIN RETURN x * 2; END; $fn$;',
        '/* block; comment /* nested; */ still comment; */',
        'BEGIN;',
        "INSERT INTO \"t_extra\" (id, note) VALUES (1, E'it\\'s;'), (2, $$x;y$$);",
        'COMMIT;',
        '',
      ].join('\n'),
    );
    expect(await applyMigrations(db, dir)).toEqual({ applied: [name], alreadyApplied: LOCAL.length });
    const rows = await db.prisma.$queryRawUnsafe<{ id: number; note: string; d: number }[]>(
      'SELECT id, note, t_extra_double(id) AS d FROM t_extra ORDER BY id',
    );
    expect(rows).toEqual([
      { id: 1, note: "it's;", d: 2 },
      { id: 2, note: 'x;y', d: 4 },
    ]);
    // The default production directory does not know this migration: an older build must not start.
    await expect(applyMigrations(db, MIGRATIONS_DIR)).rejects.toThrow(new RegExp(`"${name}" that are not in`));
    await db.prisma.$executeRawUnsafe(`DELETE FROM _prisma_migrations WHERE migration_name = '${name}'`);
    await db.prisma.$executeRawUnsafe('DROP TABLE t_extra');
    await db.prisma.$executeRawUnsafe('DROP FUNCTION t_extra_double');
  });

  it('rolls a failing migration back completely and records nothing, so a fixed file applies next time', async () => {
    const dir = scratchCopy();
    const name = '20991231000001_broken';
    const file = path.join(dir, name, 'migration.sql');
    mkdirSync(path.dirname(file));
    writeFileSync(file, 'CREATE TABLE "t_half" ("id" INTEGER);\nSELECT 1 / 0;\n');
    await expect(applyMigrations(db, dir)).rejects.toThrow(
      `Migration "${name}" failed at statement 2 (SELECT 1 / 0) and was rolled back: Raw query failed. Code: \`22012\`. Message: \`division by zero\``,
    );
    expect(await tables(db)).not.toContain('t_half');
    const recorded = await db.prisma.$queryRawUnsafe<{ n: number }[]>(
      `SELECT count(*)::int AS n FROM _prisma_migrations WHERE migration_name = '${name}'`,
    );
    expect(recorded[0]!.n).toBe(0);

    writeFileSync(file, 'CREATE TABLE "t_half" ("id" INTEGER);\n');
    expect((await applyMigrations(db, dir)).applied).toEqual([name]);
    expect(await tables(db)).toContain('t_half');
    await db.prisma.$executeRawUnsafe(`DELETE FROM _prisma_migrations WHERE migration_name = '${name}'`);
    await db.prisma.$executeRawUnsafe('DROP TABLE t_half');
  });

  it('refuses to start while a migration is recorded as failed (e.g. by the Prisma CLI), naming it', async () => {
    await db.prisma.$executeRawUnsafe(
      `INSERT INTO _prisma_migrations (id, checksum, migration_name, logs, started_at, applied_steps_count)
       VALUES ('00000000-0000-4000-8000-000000000001', '${'0'.repeat(64)}', '${FIRST}', 'boom', now(), 0)`,
    );
    await expect(applyMigrations(db, MIGRATIONS_DIR)).rejects.toThrow(
      new RegExp(`Migration "${FIRST}" is recorded as failed or unfinished`),
    );
    // `prisma migrate resolve --rolled-back` marks it; rolled-back rows are history only.
    await db.prisma.$executeRawUnsafe(
      `UPDATE _prisma_migrations SET rolled_back_at = now() WHERE id = '00000000-0000-4000-8000-000000000001'`,
    );
    expect(await applyMigrations(db, MIGRATIONS_DIR)).toEqual({ applied: [], alreadyApplied: LOCAL.length });
  });

  it('names a directory without migration.sql and a missing migrations directory', async () => {
    const dir = scratchCopy();
    mkdirSync(path.join(dir, '20991231000002_empty'));
    await expect(applyMigrations(db, dir)).rejects.toThrow(/"20991231000002_empty" has no migration.sql/);
    await expect(applyMigrations(db, path.join(dir, 'nope'))).rejects.toThrow(/does not exist/);
    expect(readdirSync(MIGRATIONS_DIR)).not.toContain('20991231000002_empty');
  });
});
