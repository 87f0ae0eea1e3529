// Dev/test only: drives Prisma's schema engine (compiled to WebAssembly) against throwaway in-memory PGlite
// databases, because the Prisma CLI cannot download its native engine here. Never import from runtime code:
// it loads a 5 MB wasm module and starts PGlite instances.
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import {
  bindMigrationAwareSqlAdapterFactory,
  DriverAdapterError,
  type SqlDriverAdapter,
  type SqlMigrationAwareDriverAdapterFactory,
  type SqlQuery,
} from '@prisma/driver-adapter-utils';
import * as glue from '@prisma/schema-engine-wasm/schema_engine_bg';
import type { MigrationList, SchemaEngine, SchemaFilter, SchemasContainer } from '@prisma/schema-engine-wasm/schema_engine_bg';
import { PrismaPGlite } from 'pglite-prisma-adapter';
import { splitSqlStatements } from './migrate';

export type { SchemaEngine } from '@prisma/schema-engine-wasm/schema_engine_bg';

export const NO_FILTER: SchemaFilter = { externalTables: [], externalEnums: [] };

let loaded: Promise<typeof glue> | undefined;

/** Instantiates the wasm once per process; the package's default entry would need --experimental-wasm-modules. */
export function loadSchemaEngineWasm(): Promise<typeof glue> {
  loaded ??= (async () => {
    // The engine reports the reason for a Rust panic here; without it a panic is only "unreachable".
    const g = globalThis as { PRISMA_WASM_PANIC_REGISTRY?: { set_message(message: string): void } };
    g.PRISMA_WASM_PANIC_REGISTRY ??= { set_message: (message) => console.error(`[schema-engine] panic: ${message}`) };
    const require = createRequire(import.meta.url);
    const dir = path.dirname(require.resolve('@prisma/schema-engine-wasm/schema_engine_bg'));
    const bytes = readFileSync(path.join(dir, 'schema_engine_bg.wasm'));
    const { instance } = await WebAssembly.instantiate(bytes, { './schema_engine_bg.js': glue as unknown as WebAssembly.ModuleImports });
    glue.__wbg_set_wasm(instance.exports);
    (instance.exports.__wbindgen_start as () => void)();
    return glue;
  })();
  return loaded;
}

export function readSchemaFiles(schemaPath: string): SchemasContainer {
  return { files: [{ path: path.resolve(schemaPath), content: readFileSync(schemaPath, 'utf8') }] };
}

/** The structure the Prisma CLI builds from a migrations directory before calling the engine. */
export function readMigrationsList(migrationsDir: string): MigrationList {
  const baseDir = path.resolve(migrationsDir);
  let lockContent: string | null = null;
  try {
    lockContent = readFileSync(path.join(baseDir, 'migration_lock.toml'), 'utf8');
  } catch {
    lockContent = null;
  }
  let entries: string[] = [];
  try {
    entries = readdirSync(baseDir, { withFileTypes: true })
      .filter((e) => e.isDirectory())
      .map((e) => e.name);
  } catch {
    entries = [];
  }
  return {
    baseDir,
    lockfile: { path: 'migration_lock.toml', content: lockContent },
    shadowDbInitScript: '',
    migrationDirectories: entries
      .sort((a, b) => a.localeCompare(b))
      .map((name) => {
        let content: { tag: 'ok'; value: string } | { tag: 'error'; value: string };
        try {
          content = { tag: 'ok', value: readFileSync(path.join(baseDir, name, 'migration.sql'), 'utf8') };
        } catch (err) {
          content = { tag: 'error', value: (err as Error).message };
        }
        return { path: name, migrationFile: { path: 'migration.sql', content } };
      }),
  };
}

export interface EngineHandle {
  engine: SchemaEngine;
  close(): Promise<void>;
}

/**
 * Opens the engine with `schema` as its datamodel. By default the "main" database is a fresh in-memory
 * PGlite and every shadow database is another one, closed when the engine drops it; pass `factory` to point
 * the engine at another database (e.g. a PostgreSQL test database, without shadow support).
 */
export async function openSchemaEngine(opts: {
  schema: SchemasContainer;
  factory?: SqlMigrationAwareDriverAdapterFactory;
  log?: (line: string) => void;
}): Promise<EngineHandle> {
  const wasm = await loadSchemaEngineWasm();
  const pglite = opts.factory ? undefined : pgliteMigrationFactory();
  const factory = opts.factory ?? pglite!.factory;
  const log = opts.log ?? ((line: string) => process.env.DEBUG_SCHEMA_ENGINE && console.error('[schema-engine]', line));
  let engine: SchemaEngine;
  try {
    engine = await wasm.SchemaEngine.new(
      { datamodels: opts.schema.files.map((f) => [f.path, f.content] as [string, string]) },
      log,
      bindMigrationAwareSqlAdapterFactory(factory),
    );
  } catch (err) {
    await pglite?.close();
    throw err;
  }
  return {
    engine,
    async close() {
      engine.free();
      await pglite?.close();
    },
  };
}

// initdb costs ~3.5 s per instance; a copy of a pristine cluster loads in ~1 s, and the engine opens a new
// shadow database for every command that replays the history. One copy serves the whole process.
let pristine: Promise<File | Blob> | undefined;

async function newPglite(): Promise<PGlite> {
  if (pristine) {
    const dump = await pristine.catch(() => undefined);
    if (dump) return PGlite.create({ loadDataDir: dump });
  }
  const p = await PGlite.create();
  pristine ??= p.dumpDataDir('none');
  await pristine.catch(() => undefined);
  return p;
}

/** Main and shadow databases are in-memory PGlite instances, all closed by `close()`. */
export function pgliteMigrationFactory(): { factory: SqlMigrationAwareDriverAdapterFactory; close(): Promise<void> } {
  const owned: PGlite[] = [];
  const fresh = async (): Promise<PGlite> => {
    const p = await newPglite();
    owned.push(p);
    return p;
  };
  let main: Promise<PGlite> | undefined;
  return {
    factory: {
      provider: 'postgres',
      adapterName: 'pglite-prisma-adapter',
      connect: async () => wrapPglite(await (main ??= fresh()), false),
      connectToShadowDb: async () => wrapPglite(await fresh(), true),
    },
    async close() {
      await Promise.all(owned.filter((p) => !p.closed).map((p) => p.close()));
    },
  };
}

/**
 * The community adapter, with the fixes the engine needs: it replays multi-statement migration scripts on
 * the shadow database through `executeRaw`, which PGlite (always a prepared statement) refuses; and the
 * adapter's `executeScript` neither awaits nor reports errors.
 */
async function wrapPglite(client: PGlite, closeOnDispose: boolean): Promise<SqlDriverAdapter> {
  const inner = await new PrismaPGlite(client).connect();
  const script = async (sql: string): Promise<number> => {
    try {
      const results = await client.exec(sql);
      return results.reduce((sum, r) => sum + (r.affectedRows ?? 0), 0);
    } catch (err) {
      throw toDriverError(err);
    }
  };
  return {
    provider: inner.provider,
    adapterName: inner.adapterName,
    queryRaw: (q: SqlQuery) => inner.queryRaw(q),
    executeRaw: (q: SqlQuery) => (q.args.length === 0 && splitSqlStatements(q.sql).length > 1 ? script(q.sql) : inner.executeRaw(q)),
    executeScript: async (sql: string) => {
      await script(sql);
    },
    startTransaction: (level) => inner.startTransaction(level),
    getConnectionInfo: () => inner.getConnectionInfo?.() ?? { supportsRelationJoins: true },
    dispose: async () => {
      await inner.dispose();
      if (closeOnDispose && !client.closed) await client.close();
    },
  };
}

function toDriverError(err: unknown): unknown {
  const e = err as { code?: unknown; message?: unknown; severity?: unknown; detail?: unknown; column?: unknown; hint?: unknown };
  if (typeof e?.code !== 'string' || typeof e.message !== 'string') return err;
  return new DriverAdapterError({
    kind: 'postgres',
    code: e.code,
    severity: typeof e.severity === 'string' ? e.severity : 'ERROR',
    message: e.message,
    detail: typeof e.detail === 'string' ? e.detail : undefined,
    column: typeof e.column === 'string' ? e.column : undefined,
    hint: typeof e.hint === 'string' ? e.hint : undefined,
  });
}

export interface CreateMigrationResult {
  /** `<timestamp>_<name>`, or null when the schema already matches the history (and not `draft`). */
  migrationName: string | null;
  /** Path of the written migration.sql. */
  file: string | null;
  /** The destructive-change warnings the engine put at the top of the script (data loss, new NOT NULL columns…). */
  warnings: string[];
}

/**
 * The offline `prisma migrate dev --create-only`: replays `migrationsDir` and writes the SQL that takes it
 * to `schemaPath` as `<migrationsDir>/<timestamp>_<name>/migration.sql` (plus migration_lock.toml), in the
 * layout and wording the CLI uses.
 */
export async function createMigrationFromSchema(opts: {
  name: string;
  schemaPath: string;
  migrationsDir: string;
  draft?: boolean;
}): Promise<CreateMigrationResult> {
  const schema = readSchemaFiles(opts.schemaPath);
  const migrationsList = readMigrationsList(opts.migrationsDir);
  const handle = await openSchemaEngine({ schema });
  try {
    const { engine } = handle;
    // The CLI's `migrate dev` sequence, on a throwaway main database. createMigration reads the replayed
    // history from a cache that only the diagnosis fills (through the shadow database factory), keyed by the
    // migrations applied to the main database; without these steps the wasm engine fails with "PostgreSQL
    // shadow DB must be provided through an external factory".
    await engine.applyMigrations({ migrationsList, filters: NO_FILTER });
    const diagnostic = await engine.devDiagnostic({ migrationsList, filters: NO_FILTER });
    if (diagnostic.action.tag === 'reset') throw new Error(`the migration history is inconsistent: ${diagnostic.action.reason}`);

    const out = await engine.createMigration({
      draft: opts.draft ?? false,
      migrationName: opts.name,
      migrationsList,
      schema,
      filters: NO_FILTER,
    });
    if (out.migrationScript === null) return { migrationName: null, file: null, warnings: [] };
    const dir = path.join(opts.migrationsDir, out.generatedMigrationName);
    if (existsSync(dir)) throw new Error(`The migration directory already exists at ${dir}`);
    mkdirSync(dir, { recursive: true });
    const file = path.join(dir, `migration.${out.extension}`);
    writeFileSync(file, out.migrationScript, 'utf8');
    writeFileSync(
      path.join(opts.migrationsDir, 'migration_lock.toml'),
      `# Please do not edit this file manually\n# It should be added in your version-control system (e.g., Git)\nprovider = "${out.connectorType}"\n`,
      'utf8',
    );
    return { migrationName: out.generatedMigrationName, file, warnings: scriptWarnings(out.migrationScript) };
  } finally {
    await handle.close();
  }
}

function scriptWarnings(script: string): string[] {
  const block = /^\/\*\s*\n\s*Warnings:\n([\s\S]*?)\*\//.exec(script);
  if (!block) return [];
  return block[1]!
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l.startsWith('- '))
    .map((l) => l.slice(2));
}
