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
  /** Bounds on every read (`query`); 0 or absent = the engine's own default. */
  limits?: QueryLimits;
}

export interface QueryLimits {
  /** Bytes one query may allocate (max_memory_usage). */
  maxMemoryUsage?: number;
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
export class ClickHouse {
  readonly engine: 'embedded' | 'server';
  readonly database: string;
  readonly cluster: string | undefined;
  private client!: ClickHouseClient;
  private ready: Promise<void> | undefined;

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

  private async connect(): Promise<ClickHouseClient> {
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
      return server(this.database);
    }
    const embeddedPath = this.config.embeddedPath ?? ':memory:';
    if (embeddedPath !== ':memory:') mkdirSync(path.resolve(/*turbopackIgnore: true*/ embeddedPath), { recursive: true });
    // Imported lazily: loading chDB maps a 500 MB engine, which a server deployment never needs.
    const { createChdbConnection } = await import('chdb/connection');
    const connection = createChdbConnection({ path: embeddedPath });
    // chdb's Connection is typed against the older @clickhouse/client-common; the runtime contract matches.
    return createClient({ connection: connection as never, clickhouse_settings });
  }

  /** Creates the database (and, embedded, selects it for the session). Idempotent. */
  init(): Promise<void> {
    this.ready ??= (async () => {
      this.client = await this.connect();
      if (this.engine === 'embedded') {
        await this.exec('ch.init', `CREATE DATABASE IF NOT EXISTS ${this.database}`);
        // chDB ignores the client's `database` option; its session keeps the USE instead.
        await this.exec('ch.init', `USE ${this.database}`);
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
      const rs = await this.client.query({
        query: sql,
        query_params: params,
        format: 'JSONEachRow',
        query_id: this.queryId(tag),
        clickhouse_settings: { ...this.settings(tag), ...readLimits(this.config.limits, opts) },
      });
      const rows = await rs.json<unknown>();
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
      await this.client.command({ query: sql, query_params: params, query_id: this.queryId(tag), clickhouse_settings: this.settings(tag) });
    } catch (err) {
      throw toClickHouseError(tag, err);
    }
  }

  async insert(tag: string, table: TableName, rows: readonly Record<string, unknown>[], settings: ClickHouseSettings = {}): Promise<void> {
    if (rows.length === 0) return;
    await this.init();
    try {
      await this.client.insert({
        table: `${this.database}.${table}`,
        values: rows as Record<string, unknown>[],
        format: 'JSONEachRow',
        clickhouse_settings: { ...this.settings(tag), ...settings },
      });
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
      await this.client.insert({
        table: `${this.database}.${table}`,
        columns: columns as [string, ...string[]],
        values: Readable.from([body], { objectMode: false }),
        format,
        clickhouse_settings: { ...this.settings(tag), ...settings },
      });
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
      const r = await this.client.ping();
      return r.success;
    } catch {
      return false;
    }
  }

  async close(): Promise<void> {
    if (this.ready) await this.client.close();
    this.ready = undefined;
  }

  /** DDL from code-side constants only (migrations, database creation): nothing here is user input. */
  async raw(tag: string, sql: string): Promise<void> {
    await this.init();
    await this.exec(tag, sql);
  }

  private async exec(tag: string, sql: string): Promise<void> {
    try {
      await this.client.command({ query: sql, clickhouse_settings: this.settings(tag) });
    } catch (err) {
      throw toClickHouseError(tag, err);
    }
  }

  /**
   * Every statement states its row bound: embedded chDB keeps a query's settings for the session, so one
   * drill page's `max_result_rows = 51` would otherwise still hold for the next KPI query (refused at row 52).
   * 0 = no bound; `query` narrows it (readLimits).
   */
  private settings(tag: string): ClickHouseSettings {
    return { log_comment: tag, max_result_rows: '0' };
  }

  /** A server keeps query ids in system.query_log; prefixing them with the tag makes a slow query traceable. */
  private queryId(tag: string): string | undefined {
    return this.engine === 'server' ? `${tag}-${randomUUID()}` : undefined;
  }
}

/**
 * The settings that bound one read: ClickHouse stops a query past them (memory, time, rows: codes 241, 159,
 * 396), which the wrapper reports as a 'resource' or 'timeout' error, instead of the answer filling the
 * process's heap. Reads only: the ETL's own inserts and rollup refreshes are code-side work sized by the code.
 */
export function readLimits(limits: QueryLimits | undefined, opts: QueryOptions = {}): ClickHouseSettings {
  const out: ClickHouseSettings = {};
  if (limits?.maxMemoryUsage) out.max_memory_usage = String(limits.maxMemoryUsage);
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
