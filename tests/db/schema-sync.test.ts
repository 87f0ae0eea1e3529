import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDb } from '@/server/db/client';
import { applyMigrations } from '@/server/db/migrate';
import {
  createMigrationFromSchema,
  type EngineHandle,
  NO_FILTER,
  openSchemaEngine,
  readMigrationsList,
  readSchemaFiles,
} from '@/server/db/schema-engine';
import { copyMigrations, MIGRATIONS_DIR } from './helpers';

// Fails when prisma/schema.prisma was edited without `npm run db:migrate:create <name>`: Prisma's own schema
// engine replays prisma/migrations on a shadow PGlite and diffs the result against the schema.

const SCHEMA_PATH = 'prisma/schema.prisma';

describe('prisma/migrations vs prisma/schema.prisma', () => {
  let handle: EngineHandle;
  const schema = readSchemaFiles(SCHEMA_PATH);
  const migrations = readMigrationsList(MIGRATIONS_DIR);

  beforeAll(async () => {
    handle = await openSchemaEngine({ schema });
  });
  afterAll(async () => {
    await handle?.close();
  });

  const diffTo = (target: typeof schema) =>
    handle.engine.diff({
      from: { tag: 'migrations', ...migrations },
      to: { tag: 'schemaDatamodel', ...target },
      script: true,
      exitCode: true,
      filters: NO_FILTER,
    });

  it('has a migration history in the standard layout for provider postgresql', () => {
    expect(readFileSync(path.join(MIGRATIONS_DIR, 'migration_lock.toml'), 'utf8')).toMatch(/^provider = "postgresql"$/m);
    const dirs = readdirSync(MIGRATIONS_DIR, { withFileTypes: true }).filter((d) => d.isDirectory());
    expect(dirs.length).toBeGreaterThan(0);
    for (const d of dirs) expect(d.name).toMatch(/^\d{14}_[A-Za-z0-9_-]+$/);
  });

  it('replaying the migrations yields exactly the schema (run `npm run db:migrate:create <name>` if not)', async () => {
    const result = await diffTo(schema);
    expect(result.stdout, 'schema.prisma has changes that no migration contains').toMatch(/empty migration/i);
    expect(result.exitCode).toBe(0);
  });

  it('would notice a schema change that has no migration', async () => {
    const edited = {
      files: schema.files.map((f) => ({ ...f, content: f.content.replace(/(model User \{\n)/, '$1  nickname String?\n') })),
    };
    expect(edited.files[0]!.content).toContain('nickname String?');
    const result = await diffTo(edited);
    expect(result.exitCode).toBe(2);
    expect(result.stdout).toContain('ALTER TABLE "users" ADD COLUMN     "nickname" TEXT');
  });
});

describe('createMigrationFromSchema (npm run db:migrate:create)', () => {
  it('writes the next migration for a schema change, which then applies and leaves nothing to create', async () => {
    const copy = copyMigrations();
    try {
      const schemaPath = path.join(path.dirname(copy.dir), 'schema.prisma');
      const original = readFileSync(SCHEMA_PATH, 'utf8');
      const edited = original
        .replace(/(model User \{\n)/, '$1  nickname String?\n')
        .replace(/\n\s*locale\s+String\s+@default\("zh-CN"\)/, '');
      expect(edited).not.toBe(original);
      writeFileSync(schemaPath, edited);

      const created = await createMigrationFromSchema({ name: 'nickname', schemaPath, migrationsDir: copy.dir });
      expect(created.migrationName).toMatch(/^\d{14}_nickname$/);
      const sql = readFileSync(created.file!, 'utf8');
      expect(sql).toContain('ALTER TABLE "users" DROP COLUMN "locale",\nADD COLUMN     "nickname" TEXT;');
      expect(created.warnings).toEqual([
        'You are about to drop the column `locale` on the `users` table. All the data in the column will be lost.',
      ]);

      const db = await createDb({ dataDir: '/nonexistent', memory: true });
      try {
        const applied = await applyMigrations(db, copy.dir);
        expect(applied.applied.at(-1)).toBe(created.migrationName);
        await db.prisma.$executeRawUnsafe(
          `INSERT INTO org_units (code, name, level, updated_at) VALUES ('53', '云南省', 'province', now())`,
        );
        await db.prisma.$executeRawUnsafe(
          `INSERT INTO users (id, username, display_name, email, org_unit_code, nickname, updated_at) VALUES ('u1', 'u1', 'U', 'u1@users.invalid', '53', 'nick', now())`,
        );
      } finally {
        await db.close();
      }

      expect(await createMigrationFromSchema({ name: 'again', schemaPath, migrationsDir: copy.dir })).toEqual({
        migrationName: null,
        file: null,
        warnings: [],
      });
    } finally {
      copy.cleanup();
    }
  });
});
