import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import type { ClickHouse } from './client';

export interface MigrationFile {
  version: number;
  name: string;
  checksum: string;
  statements: string[];
}

export class MigrationChangedError extends Error {
  constructor(file: string) {
    super(
      `ClickHouse migration ${file} was changed after it was applied. Applied migrations are history: ` +
        'restore the file and put the change in a new numbered migration.',
    );
    this.name = 'MigrationChangedError';
  }
}

export const MIGRATIONS_ROOT = path.join(/*turbopackIgnore: true*/ process.cwd(), 'core/clickhouse/migrations');

export function migrationsDir(cluster: string | undefined, root = MIGRATIONS_ROOT): string {
  return path.join(root, cluster ? 'cluster' : 'single');
}

const FILE = /^(\d{4})_([a-z0-9_]+)\.sql$/;

/** Reads `NNNN_name.sql` files in order, with the placeholders filled from validated configuration. */
export function readMigrations(dir: string, vars: { db: string; cluster?: string }): MigrationFile[] {
  const files = readdirSync(dir)
    .filter((f) => f.endsWith('.sql'))
    .sort();
  const seen = new Set<number>();
  return files.map((file) => {
    const m = FILE.exec(file);
    if (!m) throw new Error(`ClickHouse migration file name ${file} does not match NNNN_name.sql`);
    const version = Number(m[1]);
    if (seen.has(version)) throw new Error(`two ClickHouse migrations numbered ${m[1]}`);
    seen.add(version);
    const text = readFileSync(path.join(dir, file), 'utf8');
    return { version, name: m[2]!, checksum: sha256(text), statements: splitStatements(fill(text, vars)) };
  });
}

function fill(sql: string, vars: { db: string; cluster?: string }): string {
  return sql.replace(/\{\{(db|cluster)\}\}/g, (_, key: 'db' | 'cluster') => {
    const v = vars[key];
    if (!v) throw new Error(`migration uses {{${key}}} but no ${key} is configured`);
    return v;
  });
}

/** Statements end with `;` at the end of a line; `--` comment lines are dropped. */
export function splitStatements(sql: string): string[] {
  const lines = sql.split('\n').filter((l) => !l.trim().startsWith('--'));
  const out: string[] = [];
  let cur: string[] = [];
  for (const line of lines) {
    cur.push(line);
    if (line.trimEnd().endsWith(';')) {
      out.push(cur.join('\n').trim().replace(/;$/, ''));
      cur = [];
    }
  }
  const rest = cur.join('\n').trim();
  if (rest) out.push(rest);
  return out.filter(Boolean);
}

const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');

const appliedRow = z.object({ version: z.coerce.number(), name: z.string(), checksum: z.string() });

/**
 * Applies pending migrations and records them. Refuses to run when an applied file changed. Two processes
 * racing here is harmless: every statement is idempotent and the record is a ReplacingMergeTree row.
 */
export async function migrateClickHouse(ch: ClickHouse, dir = migrationsDir(ch.cluster)): Promise<{ applied: string[] }> {
  const files = readMigrations(dir, { db: ch.database, cluster: ch.cluster });
  const tableExists = await ch.query(
    'ch.migrate.check',
    'SELECT count() AS n FROM system.tables WHERE database = {db:String} AND name = {name:String}',
    { db: ch.database, name: 'schema_migrations' },
    z.object({ n: z.coerce.number() }),
  );
  const applied = new Map<number, z.infer<typeof appliedRow>>();
  if ((tableExists[0]?.n ?? 0) > 0) {
    const rows = await ch.query('ch.migrate.applied', 'SELECT version, name, checksum FROM schema_migrations FINAL', {}, appliedRow);
    for (const r of rows) applied.set(r.version, r);
  }
  const done: string[] = [];
  for (const f of files) {
    const label = `${String(f.version).padStart(4, '0')}_${f.name}.sql`;
    const prior = applied.get(f.version);
    if (prior) {
      if (prior.checksum !== f.checksum) throw new MigrationChangedError(label);
      continue;
    }
    for (const stmt of f.statements) await ch.raw(`ch.migrate.${f.version}`, stmt);
    await ch.insert('ch.migrate.record', 'schema_migrations', [{ version: f.version, name: f.name, checksum: f.checksum }]);
    done.push(label);
  }
  return { applied: done };
}
