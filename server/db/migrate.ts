import { createHash, randomUUID } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { Db } from './client';

// Runtime migration runner. The Prisma CLI cannot run its schema engine offline (STACK-NOTES.md), so this
// applies `prisma/migrations/*/migration.sql` itself while keeping `_prisma_migrations` exactly as Prisma
// keeps it: a deployment that does have the CLI can run `prisma migrate deploy` / `migrate status` on the
// same database and agree with us (tests/db check this against the real engine).

/** The key `prisma migrate` itself locks, so this runner and a concurrent `prisma migrate deploy` exclude each other. */
export const PRISMA_MIGRATE_ADVISORY_LOCK = 72707369;

const MIGRATIONS_TABLE = '_prisma_migrations';

// Same DDL as the schema engine's PostgreSQL connector.
const CREATE_MIGRATIONS_TABLE = `CREATE TABLE "${MIGRATIONS_TABLE}" (
    "id"                    VARCHAR(36) PRIMARY KEY NOT NULL,
    "checksum"              VARCHAR(64) NOT NULL,
    "finished_at"           TIMESTAMPTZ,
    "migration_name"        VARCHAR(255) NOT NULL,
    "logs"                  TEXT,
    "rolled_back_at"        TIMESTAMPTZ,
    "started_at"            TIMESTAMPTZ NOT NULL DEFAULT now(),
    "applied_steps_count"   INTEGER NOT NULL DEFAULT 0
)`;

export interface LocalMigration {
  name: string;
  sql: string;
  checksum: string;
}

export interface ApplyMigrationsResult {
  /** Names of the migrations applied by this call, in order. */
  applied: string[];
  /** How many migrations were already applied before this call. */
  alreadyApplied: number;
}

export class MigrationError extends Error {
  constructor(
    message: string,
    readonly migrationName?: string,
  ) {
    super(message);
    this.name = 'MigrationError';
  }
}

interface MigrationRow {
  id: string;
  checksum: string;
  migration_name: string;
  started_at: Date;
  finished_at: Date | null;
  rolled_back_at: Date | null;
}

export async function applyMigrations(db: Db, migrationsDir = 'prisma/migrations'): Promise<ApplyMigrationsResult> {
  const local = readMigrations(migrationsDir);
  const { prisma } = db;

  return db.withAdvisoryLock(PRISMA_MIGRATE_ADVISORY_LOCK, async () => {
    // Everything below runs under the lock, so a second process that was waiting sees the rows the first one
    // wrote and applies nothing twice.
    const [exists] = await prisma.$queryRawUnsafe<{ t: string | null }[]>(`SELECT to_regclass('"${MIGRATIONS_TABLE}"')::text AS t`);
    if (!exists?.t) await prisma.$executeRawUnsafe(CREATE_MIGRATIONS_TABLE);

    const rows = await prisma.$queryRawUnsafe<MigrationRow[]>(
      `SELECT id, checksum, migration_name, started_at, finished_at, rolled_back_at FROM "${MIGRATIONS_TABLE}" ORDER BY started_at, migration_name`,
    );
    // Prisma ignores rolled-back rows except as an audit trail; a migration may have several rows.
    const live = rows.filter((r) => r.rolled_back_at === null);

    const failed = live.find((r) => r.finished_at === null);
    if (failed) {
      throw new MigrationError(
        `Migration "${failed.migration_name}" is recorded as failed or unfinished in ${MIGRATIONS_TABLE} (started ${failed.started_at.toISOString()}). ` +
          'Refusing to start: inspect the database, then mark it with `prisma migrate resolve --rolled-back` (or --applied) ' +
          `or set rolled_back_at on that row.`,
        failed.migration_name,
      );
    }

    const localByName = new Map(local.map((m) => [m.name, m]));
    const unknown = live.filter((r) => !localByName.has(r.migration_name)).map((r) => r.migration_name);
    if (unknown.length > 0) {
      throw new MigrationError(
        `The database has migration(s) ${unknown.map((n) => `"${n}"`).join(', ')} that are not in ${migrationsDir}: ` +
          'it was migrated by a newer build. Refusing to start an older build against a newer schema.',
        unknown[0],
      );
    }

    const appliedNames = new Set<string>();
    for (const row of live) {
      const m = localByName.get(row.migration_name)!;
      if (!checksumMatches(m.sql, row.checksum)) {
        throw new MigrationError(
          `Migration "${m.name}" was modified after it was applied (recorded checksum ${row.checksum}, file checksum ${m.checksum}). ` +
            'Refusing to start: restore the original migration.sql and put the change in a new migration.',
          m.name,
        );
      }
      appliedNames.add(m.name);
    }

    const applied: string[] = [];
    for (const m of local) {
      if (appliedNames.has(m.name)) continue;
      await applyOne(db, m);
      applied.push(m.name);
    }
    if (local.some((m) => m.sql.includes('CREATE TABLE "audit_logs"'))) await ensureAuditAppendOnly(db);
    return { applied, alreadyApplied: appliedNames.size };
  });
}

async function applyOne(db: Db, m: LocalMigration): Promise<void> {
  // The script's own BEGIN/COMMIT (Prisma emits them around enum rewrites) would end our transaction early;
  // our transaction already gives the script the atomicity they ask for.
  const statements = splitSqlStatements(m.sql).filter((s) => !isTransactionControl(s));
  let current = -1;
  try {
    // Script and bookkeeping commit together, so a failure leaves neither a half-applied schema nor a
    // "failed" row that would need manual resolution: the next start simply retries.
    await db.prisma.$transaction(
      async (tx) => {
        for (current = 0; current < statements.length; current++) await tx.$executeRawUnsafe(statements[current]!);
        current = -1;
        await tx.$executeRaw`INSERT INTO "_prisma_migrations" (id, checksum, migration_name, started_at, finished_at, applied_steps_count)
          VALUES (${randomUUID()}, ${m.checksum}, ${m.name}, now(), clock_timestamp(), 1)`;
      },
      { maxWait: 60_000, timeout: 30 * 60_000 },
    );
  } catch (err) {
    // Prisma's message starts with several lines about the invocation; the database's reason is the last.
    const reason = (err instanceof Error ? err.message : String(err)).trim().split('\n').pop();
    const where = current >= 0 ? ` at statement ${current + 1} (${oneLine(statements[current]!)})` : '';
    throw new MigrationError(`Migration "${m.name}" failed${where} and was rolled back: ${reason}`, m.name);
  }
}

function oneLine(sql: string): string {
  const s = stripSqlComments(sql).replace(/\s+/g, ' ').trim();
  return s.length > 120 ? `${s.slice(0, 117)}...` : s;
}

/** Reads `<dir>/<name>/migration.sql` in the order Prisma applies them. */
export function readMigrations(migrationsDir: string): LocalMigration[] {
  if (!existsSync(migrationsDir)) throw new MigrationError(`Migrations directory ${path.resolve(migrationsDir)} does not exist`);
  return readdirSync(migrationsDir, { withFileTypes: true })
    .filter((e) => e.isDirectory())
    .map((e) => e.name)
    .sort((a, b) => a.localeCompare(b)) // what the Prisma CLI uses to order the list it hands the engine
    .map((name) => {
      const file = path.join(migrationsDir, name, 'migration.sql');
      if (!existsSync(file)) throw new MigrationError(`Migration "${name}" has no migration.sql (${file})`, name);
      const sql = readFileSync(file, 'utf8');
      return { name, sql, checksum: sha256Hex(sql) };
    });
}

export function sha256Hex(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

/**
 * The schema engine's rule: a checkout with other line endings (git autocrlf) still matches. Checksums
 * written by old engines without zero padding are not produced by this project and not accepted.
 */
export function checksumMatches(sql: string, checksum: string): boolean {
  return [sql, sql.replaceAll('\r\n', '\n'), sql.replaceAll('\n', '\r\n')].some((variant) => sha256Hex(variant) === checksum);
}

function isTransactionControl(statement: string): boolean {
  return /^(BEGIN|START\s+TRANSACTION|COMMIT|END)\b(\s+(WORK|TRANSACTION))?\s*$/i.test(stripSqlComments(statement).trim());
}

function stripSqlComments(statement: string): string {
  return statement.replace(/--[^\n]*/g, ' ').replace(/\/\*[\s\S]*?\*\//g, ' ');
}

/**
 * Splits a PostgreSQL script into statements on top-level semicolons. The Prisma adapters run a raw query
 * as one prepared statement, which PostgreSQL refuses to hold more than one command (PGlite always uses
 * the extended protocol). Quotes, dollar-quoted bodies, E'' escapes and (nested) comments are respected,
 * so hand-written migrations with functions survive. Comment-only fragments are dropped.
 */
export function splitSqlStatements(script: string): string[] {
  const out: string[] = [];
  let start = 0;
  let hasCode = false;
  let i = 0;
  const n = script.length;
  const isIdent = (c: string | undefined) => c !== undefined && /[A-Za-z0-9_$]/.test(c);

  const push = (end: number) => {
    const text = script.slice(start, end).trim();
    if (hasCode && text) out.push(text);
    hasCode = false;
  };

  while (i < n) {
    const c = script[i]!;
    const next = script[i + 1];
    if (c === '-' && next === '-') {
      const eol = script.indexOf('\n', i + 2);
      i = eol === -1 ? n : eol + 1;
      continue;
    }
    if (c === '/' && next === '*') {
      let depth = 1;
      i += 2;
      while (i < n && depth > 0) {
        if (script[i] === '/' && script[i + 1] === '*') {
          depth++;
          i += 2;
        } else if (script[i] === '*' && script[i + 1] === '/') {
          depth--;
          i += 2;
        } else i++;
      }
      continue;
    }
    if (c === ';') {
      push(i);
      start = i + 1;
      i++;
      continue;
    }
    if (!/\s/.test(c)) hasCode = true;
    if (c === "'") {
      const escapes = (script[i - 1] === 'E' || script[i - 1] === 'e') && !isIdent(script[i - 2]);
      i++;
      while (i < n) {
        if (escapes && script[i] === '\\') i += 2;
        else if (script[i] === "'" && script[i + 1] === "'") i += 2;
        else if (script[i] === "'") {
          i++;
          break;
        } else i++;
      }
      continue;
    }
    if (c === '"') {
      i++;
      while (i < n) {
        if (script[i] === '"' && script[i + 1] === '"') i += 2;
        else if (script[i] === '"') {
          i++;
          break;
        } else i++;
      }
      continue;
    }
    if (c === '$' && !isIdent(script[i - 1])) {
      const m = /^\$([A-Za-z_][A-Za-z0-9_]*)?\$/.exec(script.slice(i, i + 64));
      if (m) {
        const tag = m[0];
        const close = script.indexOf(tag, i + tag.length);
        i = close === -1 ? n : close + tag.length;
        continue;
      }
    }
    i++;
  }
  push(n);
  return out;
}

/**
 * The audit log is append-only (DOMAIN.md §4): a trigger makes the database refuse UPDATE and DELETE on it,
 * whoever asks. Installed here rather than in a migration.sql because Prisma's schema engine replays
 * migrations through driver adapters that split scripts on every semicolon, which a function body breaks.
 * Idempotent; runs after every migration pass.
 */
export async function ensureAuditAppendOnly(db: Db): Promise<void> {
  await db.prisma.$executeRawUnsafe(
    `CREATE OR REPLACE FUNCTION audit_logs_append_only() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'audit_logs is append-only'; END; $$`,
  );
  await db.prisma.$executeRawUnsafe(`DROP TRIGGER IF EXISTS audit_logs_no_update_or_delete ON audit_logs`);
  await db.prisma.$executeRawUnsafe(
    `CREATE TRIGGER audit_logs_no_update_or_delete BEFORE UPDATE OR DELETE ON audit_logs FOR EACH ROW EXECUTE FUNCTION audit_logs_append_only()`,
  );
}
