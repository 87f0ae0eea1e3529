import { mkdirSync, readFileSync, unlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { PrismaPg } from '@prisma/adapter-pg';
import pg from 'pg';
import { PrismaPGlite } from 'pglite-prisma-adapter';
import { PrismaClient } from './generated/client';

export type DbKind = 'embedded-pglite' | 'postgresql';

/**
 * Interactive transactions await between statements, and in this process the embedded ClickHouse (chDB) runs
 * queries on the event loop: under the start-up load of a 2-core machine a short transaction (a token, a
 * sign-in) was seen to take 10 s from first to last statement and hit Prisma's 5 s default. Generous limits
 * here; the transactions themselves stay short.
 */
const TRANSACTION_OPTIONS = { maxWait: 15_000, timeout: 60_000 } as const;

export interface Db {
  prisma: PrismaClient;
  kind: DbKind;
  /**
   * Runs `fn` while holding a PostgreSQL session-level advisory lock on a dedicated connection (a pooled
   * Prisma query could land on another connection, where the lock would not be held). Embedded PGlite is a
   * single connection in a single process, so there `fn` simply runs.
   */
  withAdvisoryLock<T>(key: number, fn: () => Promise<T>): Promise<T>;
  /**
   * LISTEN on a channel: every process on this database hears every NOTIFY (PostgreSQL), so a change made on
   * one web process reaches the screens connected to another. Returns the unlisten function.
   */
  listen(channel: string, onPayload: (payload: string) => void): Promise<() => Promise<void>>;
  /** NOTIFY with a payload (PostgreSQL caps it below 8,000 bytes; send ids, not documents). */
  notify(channel: string, payload: string): Promise<void>;
  close(): Promise<void>;
}

export interface CreateDbOptions {
  /** postgresql:// URL; when set, PostgreSQL is used instead of the embedded PGlite database. */
  databaseUrl?: string;
  /** Data directory; the embedded database lives in `<dataDir>/pglite`. */
  dataDir: string;
  /** Embedded database in memory only (tests); `dataDir` is then not touched. */
  memory?: boolean;
}

export async function createDb(opts: CreateDbOptions): Promise<Db> {
  return opts.databaseUrl ? createPostgresDb(opts.databaseUrl) : createPgliteDb(opts);
}

async function createPostgresDb(databaseUrl: string): Promise<Db> {
  const pool = new pg.Pool({
    connectionString: databaseUrl,
    // Both Prisma adapters read timestamptz text by discarding its offset and write DateTime parameters as
    // offset-less UTC text, i.e. they are only correct when the session time zone is UTC. A server (or
    // database) configured for Asia/Shanghai would otherwise shift every stored instant by 8 hours. pg-pool
    // awaits this hook before handing the connection out, and a failure fails that checkout.
    onConnect: async (client) => {
      await client.query("SET TIME ZONE 'UTC'");
    },
  });
  // An idle pooled connection that the server drops must not crash the process; pg would emit 'error' on
  // the pool with no listener otherwise.
  pool.on('error', (err) => console.error('[db] idle PostgreSQL connection error:', err.message));
  const prisma = new PrismaClient({ adapter: new PrismaPg(pool), transactionOptions: TRANSACTION_OPTIONS });
  try {
    await prisma.$queryRawUnsafe('SELECT 1');
  } catch (err) {
    await prisma.$disconnect().catch(() => undefined);
    await pool.end().catch(() => undefined);
    throw new Error(`Cannot connect to PostgreSQL (DATABASE_URL ${redactUrl(databaseUrl)}): ${errorMessage(err)}`, { cause: err });
  }
  let closed = false;
  const listeners = new Map<string, Set<(payload: string) => void>>();
  let listenClient: Promise<pg.Client> | undefined;
  // One dedicated connection holds every LISTEN of this process; when it drops, a new one listens again.
  const listenConn = (): Promise<pg.Client> => {
    listenClient ??= (async () => {
      const c = new pg.Client({ connectionString: databaseUrl });
      c.on('notification', (n) => {
        for (const fn of listeners.get(n.channel) ?? []) fn(n.payload ?? '');
      });
      c.on('error', (err) => {
        console.error('[db] LISTEN connection lost:', err.message);
        listenClient = undefined;
        if (!closed && listeners.size)
          setTimeout(() => {
            void listenConn()
              .then(async (again) => {
                for (const ch of listeners.keys()) await again.query(`LISTEN ${quoteIdent(ch)}`);
              })
              .catch(() => undefined);
          }, 1000).unref();
      });
      await c.connect();
      return c;
    })();
    listenClient.catch(() => (listenClient = undefined));
    return listenClient;
  };
  return {
    prisma,
    kind: 'postgresql',
    async listen(channel, onPayload) {
      const set = listeners.get(channel) ?? new Set();
      const first = !listeners.has(channel);
      listeners.set(channel, set);
      set.add(onPayload);
      if (first) await (await listenConn()).query(`LISTEN ${quoteIdent(channel)}`);
      return async () => {
        set.delete(onPayload);
        if (!set.size && listeners.get(channel) === set) {
          listeners.delete(channel);
          await listenClient?.then((c) => c.query(`UNLISTEN ${quoteIdent(channel)}`)).catch(() => undefined);
        }
      };
    },
    async notify(channel, payload) {
      await pool.query('SELECT pg_notify($1, $2)', [channel, payload]);
    },
    async withAdvisoryLock<T>(key: number, fn: () => Promise<T>): Promise<T> {
      const conn = await pool.connect();
      let lockHeld = false;
      try {
        await conn.query('SELECT pg_advisory_lock($1)', [key]);
        lockHeld = true;
        return await fn();
      } finally {
        let healthy = true;
        if (lockHeld) {
          // If unlocking fails the connection is destroyed instead of returned, which ends the session
          // and so releases the lock anyway.
          healthy = await conn.query('SELECT pg_advisory_unlock($1)', [key]).then(
            () => true,
            () => false,
          );
        }
        conn.release(!healthy);
      }
    },
    async close() {
      if (closed) return;
      closed = true;
      await listenClient?.then((c) => c.end()).catch(() => undefined);
      await prisma.$disconnect();
      await pool.end();
    },
  };
}

// PostgreSQL's default 128 MB of shared buffers live inside PGlite's WASM memory, which never shrinks: the
// relational state is small, and its files are on disk, where the system's page cache holds them anyway.
const PGLITE_START_PARAMS = [...PGlite.defaultStartParams, '-c', 'shared_buffers=32MB'];

async function createPgliteDb(opts: CreateDbOptions): Promise<Db> {
  let dir: string | undefined;
  let releaseDirLock = () => {};
  if (!opts.memory) {
    dir = path.resolve(opts.dataDir, 'pglite');
    mkdirSync(dir, { recursive: true });
    releaseDirLock = lockDataDir(dir);
  }
  let client: PGlite;
  try {
    client = await PGlite.create({ ...(dir ? { dataDir: dir } : {}), startParams: PGLITE_START_PARAMS });
    // See createPostgresDb: the adapter's timestamptz handling assumes a UTC session.
    await client.exec("SET TIME ZONE 'UTC'");
  } catch (err) {
    releaseDirLock();
    throw new Error(`Cannot open the embedded database${dir ? ` at ${dir}` : ''}: ${errorMessage(err)}`, { cause: err });
  }
  const prisma = new PrismaClient({ adapter: new PrismaPGlite(client), transactionOptions: TRANSACTION_OPTIONS });
  let closed = false;
  return {
    prisma,
    kind: 'embedded-pglite',
    withAdvisoryLock: (_key, fn) => fn(),
    // One process owns the embedded database, so PGlite's own LISTEN/NOTIFY reaches everyone there is.
    listen: (channel, onPayload) => client.listen(channel, onPayload),
    async notify(channel, payload) {
      await client.query('SELECT pg_notify($1, $2)', [channel, payload]);
    },
    async close() {
      if (closed) return;
      closed = true;
      try {
        await prisma.$disconnect();
        await client.close();
      } finally {
        releaseDirLock();
      }
    },
  };
}

// PGlite has no lock of its own: two processes opening the same directory both succeed and then corrupt
// it. A pid file created with O_EXCL turns that into a clear start-up error.
const openDirs = new Set<string>();

function lockDataDir(dir: string): () => void {
  if (openDirs.has(dir)) throw new Error(`The embedded database ${dir} is already open in this process`);
  const lockFile = path.join(dir, '.monitor-pid.lock');
  const take = () => writeFileSync(lockFile, String(process.pid), { flag: 'wx' });
  try {
    take();
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    const pid = Number.parseInt(readFileSync(lockFile, 'utf8'), 10);
    if (Number.isInteger(pid) && pid !== process.pid && isAlive(pid)) {
      throw new Error(`The embedded database ${dir} is in use by process ${pid}; only one process may open it`);
    }
    // Left behind by a process that died; if another process wins the race to replace it, `take` throws.
    unlinkSync(lockFile);
    take();
  }
  openDirs.add(dir);
  return () => {
    openDirs.delete(dir);
    try {
      unlinkSync(lockFile);
    } catch {
      // Already gone; nothing to release.
    }
  };
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return '(unparseable URL)';
  }
}

function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/** Channel names are ours (code-side constants), quoted all the same. */
function quoteIdent(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}
