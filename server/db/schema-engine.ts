// Dev/test only: drives Prisma's schema engine (compiled to WebAssembly) against throwaway in-memory PGlite
// databases, because the Prisma CLI cannot download its native engine here. Never import from runtime code:
// it loads a 5 MB wasm module and starts PGlite instances.
import { readdirSync, readFileSync } from 'node:fs';
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
 * Opens the engine with `schema` as its datamodel. The "main" database is `main` when given (so the engine
 * can inspect or migrate it), else a fresh in-memory PGlite; every shadow database is a fresh in-memory
 * PGlite that is closed when the engine drops it.
 */
export async function openSchemaEngine(opts: { schema: SchemasContainer; main?: PGlite; log?: (line: string) => void }): Promise<EngineHandle> {
  const wasm = await loadSchemaEngineWasm();
  const owned: PGlite[] = [];
  const main = opts.main ?? (await newPglite(owned));
  const factory: SqlMigrationAwareDriverAdapterFactory = {
    provider: 'postgres',
    adapterName: 'pglite-prisma-adapter',
    connect: () => wrapPglite(main, false),
    connectToShadowDb: async () => wrapPglite(await newPglite(owned), true),
  };
  const log = opts.log ?? ((line: string) => process.env.DEBUG_SCHEMA_ENGINE && console.error('[schema-engine]', line));
  const engine = await wasm.SchemaEngine.new(
    { datamodels: opts.schema.files.map((f) => [f.path, f.content] as [string, string]) },
    log,
    bindMigrationAwareSqlAdapterFactory(factory),
  );
  return {
    engine,
    async close() {
      engine.free();
      await Promise.all(owned.filter((p) => !p.closed).map((p) => p.close()));
    },
  };
}

async function newPglite(owned: PGlite[]): Promise<PGlite> {
  const p = await PGlite.create();
  owned.push(p);
  return p;
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
