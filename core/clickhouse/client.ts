import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { Readable } from 'node:stream';
import { createClient, type ClickHouseClient, type ClickHouseSettings } from '@clickhouse/client';
import { z } from 'zod';
import { ClickHouseQueryError, toClickHouseError } from './errors';
import type { TableName } from './tables';

export interface ClickHouseConfig {
  /** http(s) URL of a ClickHouse server; absent = embedded chDB. */
  url?: string;
  user?: string;
  password?: string;
  database: string;
  cluster?: string;
  /** chDB data directory, or ':memory:' (tests). Ignored with `url`. */
  embeddedPath?: string;
  queryTimeoutMs?: number;
  /** Bounds on every statement (memory, threads) and on reads (time, rows); 0 or absent = the engine's own default. */
  limits?: QueryLimits;
  /**
   * Process-wide bounds on embedded chDB: server settings, fixed when the engine opens the data directory.
   * Ignored with `url` (a server takes them from its own config) and with ':memory:' (chdb/connection opens
   * that engine itself, without arguments).
   */
  embeddedBounds?: EmbeddedBounds;
  /**
   * Embedded chDB runs one statement at a time per session: this many sessions on the engine serve this
   * object's statements, each going to the least busy one. Default 1. Ignored with `url` (the HTTP client
   * keeps a pool of connections).
   */
  embeddedSessions?: number;
}

export interface EmbeddedBounds {
  /** Bytes the whole engine may hold (max_server_memory_usage); past it a query fails with code 241. */
  maxServerMemoryUsage?: number;
  /** Bytes of the mark cache (mark_cache_size). */
  markCacheSize?: number;
  /** Bytes of each index cache: index_mark_cache_size, primary_index_cache_size, query_condition_cache_size. */
  indexCacheSize?: number;
  /** Bytes of the uncompressed block caches (uncompressed_cache_size, index_uncompressed_cache_size). */
  uncompressedCacheSize?: number;
  /** Threads for merges and mutations (background_pool_size); at most one merge per thread. */
  backgroundPoolSize?: number;
}

export interface QueryLimits {
  /**
   * Bytes one statement may allocate (max_memory_usage): reads, inserts, INSERT…SELECT rollup rebuilds.
   * GROUP BY and ORDER BY spill to disk past half of it (max_bytes_before_external_group_by/_sort).
   */
  maxMemoryUsage?: number;
  /** Threads one statement may use (max_threads). */
  maxThreads?: number;
  /** Seconds one query may run (max_execution_time). */
  maxExecutionSeconds?: number;
  /** Rows one answer may have (max_result_rows, result_overflow_mode=throw). */
  maxResultRows?: number;
}

/** What one read may ask for itself: a tighter row bound than the process default (an API answer). */
export interface QueryOptions {
  maxResultRows?: number;
}

export type QueryParams = Record<string, unknown>;

const versionRow = z.object({ v: z.string() });
const PLACEHOLDER = /\{([A-Za-z_][A-Za-z0-9_]*):[^}]+\}/g;

/**
 * The one door to ClickHouse. Values are always bound as `{name:Type}` parameters (the wrapper checks that
 * every placeholder has a value and no value is left unused), every query carries a tag that shows up in
 * `system.query_log.log_comment`, and engine failures become ClickHouseQueryError with a kind.
 */
/** Rows per INSERT statement on embedded chDB (see insert). */
export const EMBEDDED_INSERT_ROWS = 5_000;

export class ClickHouse {
  readonly engine: 'embedded' | 'server';
  readonly database: string;
  readonly cluster: string | undefined;
  /** One per engine session; each call takes the one with the fewest statements in flight. */
  private sessions: { client: ClickHouseClient; busy: number }[] = [];
  private ready: Promise<void> | undefined;
  private boundsSession: { close(): void } | undefined;
  /** Set on a lane: the object whose engine it shares, opened (bounds, database) before the lane connects. */
  private parent: ClickHouse | undefined;
  private lanes: ClickHouse[] = [];

  constructor(private readonly config: ClickHouseConfig) {
    // Database and cluster names end up in DDL text, so only plain identifiers are accepted.
    for (const [what, v] of [
      ['database', config.database],
      ['cluster', config.cluster],
    ] as const) {
      if (v !== undefined && !/^[A-Za-z_][A-Za-z0-9_]*$/.test(v))
        throw new Error(`ClickHouse ${what} name ${JSON.stringify(v)} is not a plain identifier`);
    }
    this.engine = config.url ? 'server' : 'embedded';
    this.database = config.database;
    this.cluster = config.cluster;
  }

  private async connect(): Promise<ClickHouseClient[]> {
    const clickhouse_settings: ClickHouseSettings = { date_time_input_format: 'best_effort' };
    if (this.config.url) {
      const server = (database: string) =>
        createClient({
          url: this.config.url,
          username: this.config.user ?? 'default',
          password: this.config.password ?? '',
          database,
          request_timeout: this.config.queryTimeoutMs ?? 30_000,
          clickhouse_settings,
        });
      // A server rejects every request naming a database that does not exist yet, so create it first
      // through a session on `default`.
      const bootstrap = server('default');
      try {
        const onCluster = this.cluster ? ` ON CLUSTER '${this.cluster}'` : '';
        await bootstrap.command({
          query: `CREATE DATABASE IF NOT EXISTS ${this.database}${onCluster}`,
          clickhouse_settings: { log_comment: 'ch.init' },
        });
      } finally {
        await bootstrap.close();
      }
      return [server(this.database)];
    }
    const embeddedPath = this.config.embeddedPath ?? ':memory:';
    if (embeddedPath !== ':memory:') mkdirSync(path.resolve(/*turbopackIgnore: true*/ embeddedPath), { recursive: true });
    // chDB's allocator (jemalloc, configured from the environment when the engine loads) keeps freed pages until
    // the engine's memory worker purges them, seconds later: a dropped load table's memory stayed resident (a
    // probe: 3 M rows in memory, dropped; 3 s later the process held 525 MB against 309 MB before; with this,
    // 309 MB. Thirty loads' tables created and dropped in turn: peak 617-633 MB against 745-748 MB, no more CPU).
    // JE_MALLOC_CONF in the environment takes precedence.
    process.env.JE_MALLOC_CONF ??= EMBEDDED_ALLOCATOR;
    // Imported lazily: loading chDB maps a 500 MB engine, which a server deployment never needs.
    const { createChdbConnection } = await import('chdb/connection');
    const args = embeddedServerArgs(this.config.embeddedBounds);
    if (embeddedPath !== ':memory:' && args.length) {
      // chdb/connection takes no engine arguments, but connections to one directory share one engine, which
      // the first of them configures: this session opens it with the bounds and is held until close().
      const { Session } = await import('chdb');
      this.boundsSession = new Session(embeddedPath, { connectionArgs: args });
    }
    // chdb's Connection is typed against the older @clickhouse/client-common; the runtime contract matches.
    return Array.from({ length: Math.max(1, this.config.embeddedSessions ?? 1) }, () =>
      createClient({ connection: createChdbConnection({ path: embeddedPath }) as never, clickhouse_settings }),
    );
  }

  /**
   * Another way into the same engine for work that must not queue behind this object's statements: embedded
   * chDB runs one statement at a time per session, so a request for a wall figure would otherwise wait for
   * the ETL's insert or a rollup rebuild in progress. Embedded, the lane has its own session(s); with a
   * server it is this object (the HTTP client already runs statements side by side). Closed with this object.
   */
  lane(sessions = 1): ClickHouse {
    if (this.engine === 'server') return this;
    const lane = new ClickHouse({ ...this.config, embeddedBounds: undefined, embeddedSessions: sessions });
    lane.parent = this;
    this.lanes.push(lane);
    return lane;
  }

  /** The least busy session, held for one call. */
  private async withClient<T>(fn: (client: ClickHouseClient) => Promise<T>): Promise<T> {
    let s = this.sessions[0]!;
    for (const x of this.sessions) if (x.busy < s.busy) s = x;
    s.busy++;
    try {
      return await fn(s.client);
    } finally {
      s.busy--;
    }
  }

  /** Creates the database (and, embedded, selects it for the session). Idempotent. */
  init(): Promise<void> {
    this.ready ??= (async () => {
      // A lane's sessions join the engine its parent opened with the bounds, on the database it created.
      await this.parent?.init();
      this.sessions = (await this.connect()).map((client) => ({ client, busy: 0 }));
      if (this.engine === 'embedded') {
        await this.sessions[0]!.client.command({
          query: `CREATE DATABASE IF NOT EXISTS ${this.database}`,
          clickhouse_settings: this.settings('ch.init'),
        });
        // chDB ignores the client's `database` option; each session keeps the USE instead.
        for (const { client } of this.sessions)
          await client.command({ query: `USE ${this.database}`, clickhouse_settings: this.settings('ch.init') });
        if (this.boundsSession) await this.checkServerBounds();
      }
    })().catch((err: unknown) => {
      // A server that was down at start must be retried on the next call, not remembered as failed.
      this.ready = undefined;
      throw toClickHouseError('ch.init', err);
    });
    return this.ready;
  }

  async query<S extends z.ZodType>(
    tag: string,
    sql: string,
    params: QueryParams,
    rowSchema: S,
    opts: QueryOptions = {},
  ): Promise<z.infer<S>[]> {
    await this.init();
    checkParams(tag, sql, params);
    try {
      const rows = await this.withClient(async (client) => {
        const rs = await client.query({
          query: sql,
          query_params: params,
          format: 'JSONEachRow',
          query_id: this.queryId(tag),
          clickhouse_settings: { ...this.settings(tag), ...readLimits(this.config.limits, opts) },
        });
        return rs.json<unknown>();
      });
      return rows.map((row, i) => {
        const parsed = rowSchema.safeParse(row);
        if (!parsed.success) {
          throw new ClickHouseQueryError(
            'schema',
            tag,
            `row ${i} does not match the expected shape: ${parsed.error.issues.map((x) => `${x.path.join('.')}: ${x.message}`).join('; ')}`,
          );
        }
        return parsed.data;
      });
    } catch (err) {
      throw toClickHouseError(tag, err);
    }
  }

  async command(tag: string, sql: string, params: QueryParams = {}): Promise<void> {
    await this.init();
    checkParams(tag, sql, params);
    try {
      await this.withClient((client) =>
        client.command({ query: sql, query_params: params, query_id: this.queryId(tag), clickhouse_settings: this.settings(tag) }),
      );
    } catch (err) {
      throw toClickHouseError(tag, err);
    }
  }

  async insert(tag: string, table: TableName, rows: readonly Record<string, unknown>[], settings: ClickHouseSettings = {}): Promise<void> {
    if (rows.length === 0) return;
    await this.init();
    // Embedded, chdb/connection sends an insert as one query text with the rows inline, and the engine keeps
    // copies of that text: one insert of 210,000 bill rows raised the process's resident memory by 1.6 GB,
    // which stayed; in statements of 5,000 rows, by 0.24 GB, no slower (tmp probe, 2026-12-06). The tables
    // written in bulk collapse repeated rows (ReplacingMergeTree) and their callers record progress after the
    // data, so a failure between two statements is repaired by the retry as a single statement's would be.
    const step = this.engine === 'embedded' ? EMBEDDED_INSERT_ROWS : rows.length;
    try {
      for (let i = 0; i < rows.length; i += step) {
        const values = (step >= rows.length ? rows : rows.slice(i, i + step)) as Record<string, unknown>[];
        await this.withClient((client) =>
          client.insert({
            table: `${this.database}.${table}`,
            values,
            format: 'JSONEachRow',
            clickhouse_settings: { ...this.settings(tag), ...settings },
          }),
        );
      }
    } catch (err) {
      throw toClickHouseError(tag, err);
    }
  }

  /**
   * Inserts text that is already in a ClickHouse input format (a file's CSV bytes) into `columns` of `table`,
   * as one statement: the bulk file path's staging, where rows are bytes to parse rather than objects to
   * serialise. Column names come from code-side lists only.
   */
  async insertFormatted(
    tag: string,
    table: TableName,
    columns: readonly string[],
    format: 'CSV' | 'TabSeparated',
    body: Buffer,
    settings: ClickHouseSettings = {},
  ): Promise<void> {
    if (body.length === 0) return;
    for (const c of columns)
      if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(c))
        throw new ClickHouseQueryError('query', tag, `column ${JSON.stringify(c)} is not a plain identifier`);
    await this.init();
    try {
      await this.withClient((client) =>
        client.insert({
          table: `${this.database}.${table}`,
          columns: columns as [string, ...string[]],
          values: Readable.from([body], { objectMode: false }),
          format,
          clickhouse_settings: { ...this.settings(tag), ...settings },
        }),
      );
    } catch (err) {
      throw toClickHouseError(tag, err);
    }
  }

  async version(): Promise<string> {
    const rows = await this.query('ch.version', 'SELECT version() AS v', {}, versionRow);
    return rows[0]?.v ?? 'unknown';
  }

  async ping(): Promise<boolean> {
    try {
      await this.init();
      const r = await this.withClient((client) => client.ping());
      return r.success;
    } catch {
      return false;
    }
  }

  async close(): Promise<void> {
    await Promise.allSettled(this.lanes.map((l) => l.close()));
    if (this.ready) await this.ready.catch(() => undefined);
    await Promise.allSettled(this.sessions.map((s) => s.client.close()));
    this.sessions = [];
    this.ready = undefined;
    this.boundsSession?.close();
    this.boundsSession = undefined;
  }

  /**
   * An engine already open on this directory in this process keeps the bounds it was opened with and ignores
   * new ones silently: read them back so a bound that is not in force is said, not assumed.
   */
  private async checkServerBounds(): Promise<void> {
    const wanted = embeddedServerSettings(this.config.embeddedBounds);
    // Straight to the client: this runs inside init(), which `query` would wait for.
    const rs = await this.sessions[0]!.client.query({
      query: 'SELECT name, value FROM system.server_settings WHERE name IN {names:Array(String)}',
      query_params: { names: Object.keys(wanted) },
      format: 'JSONEachRow',
      clickhouse_settings: this.settings('ch.init'),
    });
    const rows = z.array(z.object({ name: z.string(), value: z.string() })).parse(await rs.json());
    const actual = new Map(rows.map((r) => [r.name, r.value]));
    const off = Object.entries(wanted).filter(([k, v]) => actual.get(k) !== v);
    if (off.length)
      console.warn(
        `[clickhouse] embedded engine bounds not in force (engine opened earlier in this process): ${off.map(([k, v]) => `${k}=${actual.get(k) ?? '?'} (wanted ${v})`).join(', ')}`,
      );
  }

  /** DDL from code-side constants only (migrations, database creation): nothing here is user input. */
  async raw(tag: string, sql: string): Promise<void> {
    await this.init();
    await this.exec(tag, sql);
  }

  private async exec(tag: string, sql: string): Promise<void> {
    try {
      await this.withClient((client) => client.command({ query: sql, clickhouse_settings: this.settings(tag) }));
    } catch (err) {
      throw toClickHouseError(tag, err);
    }
  }

  /**
   * Every statement states all its bounds: embedded chDB keeps a query's settings for the session, so one
   * drill page's `max_result_rows = 51` would otherwise still hold for the next KPI query (refused at row 52),
   * and a read's 30 s time bound for the next rollup rebuild. 0 = no bound; `query` narrows them (readLimits).
   */
  private settings(tag: string): ClickHouseSettings {
    return { log_comment: tag, max_result_rows: '0', max_execution_time: 0, ...statementLimits(this.config.limits) };
  }

  /** A server keeps query ids in system.query_log; prefixing them with the tag makes a slow query traceable. */
  private queryId(tag: string): string | undefined {
    return this.engine === 'server' ? `${tag}-${randomUUID()}` : undefined;
  }
}

/**
 * The settings that bound one read beyond statementLimits: ClickHouse stops a query past them (time, rows:
 * codes 159, 396), which the wrapper reports as a 'timeout' or 'resource' error, instead of the answer filling
 * the process's heap. Reads only: an ETL rollup rebuild may rightly run for minutes.
 */
export function readLimits(limits: QueryLimits | undefined, opts: QueryOptions = {}): ClickHouseSettings {
  const out: ClickHouseSettings = {};
  if (limits?.maxExecutionSeconds) {
    out.max_execution_time = limits.maxExecutionSeconds;
    out.timeout_overflow_mode = 'throw';
  }
  const rows = Math.min(...[limits?.maxResultRows, opts.maxResultRows].filter((n): n is number => !!n && n > 0));
  if (Number.isFinite(rows)) {
    out.max_result_rows = String(rows);
    out.result_overflow_mode = 'throw';
  }
  return out;
}

/**
 * Bounds on any statement, writes included: an INSERT…SELECT rebuilding a rollup over a year is as able to
 * exhaust the process as a read. Aggregations and sorts spill to disk at half the memory bound, so a large
 * one runs slower instead of failing.
 */
export function statementLimits(limits: QueryLimits | undefined): ClickHouseSettings {
  const out: ClickHouseSettings = {};
  if (limits?.maxMemoryUsage) {
    out.max_memory_usage = String(limits.maxMemoryUsage);
    const spill = String(Math.floor(limits.maxMemoryUsage / 2));
    out.max_bytes_before_external_group_by = spill;
    out.max_bytes_before_external_sort = spill;
  }
  if (limits?.maxThreads) out.max_threads = limits.maxThreads;
  return out;
}

/**
 * The embedded engine's server settings for `bounds`, as system.server_settings shows them. Merges get at most
 * half the engine's memory, and one merge per background thread (ClickHouse's default queues two).
 */
export function embeddedServerSettings(bounds: EmbeddedBounds | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  if (!bounds) return out;
  const put = (names: string[], v: number | undefined) => {
    if (v !== undefined) for (const n of names) out[n] = String(v);
  };
  put(['max_server_memory_usage'], bounds.maxServerMemoryUsage || undefined);
  if (bounds.maxServerMemoryUsage) put(['merges_mutations_memory_usage_soft_limit'], Math.floor(bounds.maxServerMemoryUsage / 2));
  put(['mark_cache_size'], bounds.markCacheSize);
  put(['index_mark_cache_size', 'primary_index_cache_size', 'query_condition_cache_size'], bounds.indexCacheSize);
  put(['uncompressed_cache_size', 'index_uncompressed_cache_size'], bounds.uncompressedCacheSize);
  if (bounds.backgroundPoolSize) {
    put(['background_pool_size'], bounds.backgroundPoolSize);
    put(['background_merges_mutations_concurrency_ratio'], 1);
  }
  return out;
}

/** `clickhouse local` command-line form of embeddedServerSettings. */
/** jemalloc options for embedded chDB: a background thread returns freed pages to the system after a second. */
export const EMBEDDED_ALLOCATOR = 'background_thread:true,dirty_decay_ms:1000,muzzy_decay_ms:0';

export function embeddedServerArgs(bounds: EmbeddedBounds | undefined): string[] {
  return Object.entries(embeddedServerSettings(bounds)).map(([k, v]) => `--${k}=${v}`);
}

function checkParams(tag: string, sql: string, params: QueryParams): void {
  const wanted = new Set([...sql.matchAll(PLACEHOLDER)].map((m) => m[1]!));
  for (const name of wanted) {
    if (!(name in params) || params[name] === undefined)
      throw new ClickHouseQueryError('query', tag, `missing value for parameter {${name}}`);
  }
  for (const name of Object.keys(params)) {
    if (!wanted.has(name)) throw new ClickHouseQueryError('query', tag, `parameter ${name} is not used by the query`);
  }
}
