// Contracts of the three connector kinds (SQL, HTTP, file drop). Sources are configured as data
// (etl/config), never in code; a job combines one connector with one domain transform.

/** A page of raw source records and where the next read continues. */
export interface SourcePage<Cursor> {
  rows: Record<string, unknown>[];
  /** Position after this page; persisted as the watermark once the page's rows are in ClickHouse. */
  next: Cursor;
}

// ---- SQL: PostgreSQL, MySQL/MariaDB, SQLite ----------------------------------------------------------

export type SqlDialect = 'postgresql' | 'mysql' | 'sqlite';

export interface SqlConnectionConfig {
  dialect: SqlDialect;
  /** postgresql://…, mysql://…, file:… (libsql) */
  url: string;
}

/** Incremental read by a watermark column, with the id column breaking ties. Identifiers are validated. */
export interface SqlIncrementalConfig {
  table: string;
  columns: string[];
  updatedAtColumn: string;
  idColumn: string;
  /** Re-read this far behind the watermark to catch rows committed late with an older updated-at. */
  lookbackMs: number;
  pageSize: number;
  /** Zone of naive local timestamps in the source (e.g. Asia/Shanghai). */
  timeZone: string;
}

export interface SqlWatermark {
  /** updated-at of the last row read, as the source wrote it */
  ts: string;
  id: string;
}

/** Bounds of a range read, as the source writes its updated-at values: [from, until). */
export interface SqlRange {
  from: string;
  until: string;
}

export interface SqlSource {
  readonly dialect: SqlDialect;
  /** Parameterised query; `?` placeholders in every dialect (the connector translates). */
  query(sql: string, params?: unknown[]): Promise<Record<string, unknown>[]>;
  /** Pages of rows changed after `from` (minus the lookback), in (updated-at, id) order. */
  readIncremental(cfg: SqlIncrementalConfig, from: SqlWatermark | null): AsyncGenerator<SourcePage<SqlWatermark>>;
  /** Pages of rows with updated-at in [range.from, range.until), in (updated-at, id) order, strictly after `after`. */
  readRange(cfg: SqlIncrementalConfig, range: SqlRange, after: SqlWatermark | null): AsyncGenerator<SourcePage<SqlWatermark>>;
  /** How many rows `readRange` with the same arguments would read (when nothing changes meanwhile). */
  countRange(cfg: SqlIncrementalConfig, range: SqlRange, after: SqlWatermark | null): Promise<number>;
  close(): Promise<void>;
}

// ---- HTTP: paged JSON API pulled by time window -----------------------------------------------------------

export interface HttpSourceConfig {
  baseUrl: string;
  /** Path of the list endpoint, e.g. /api/cdr */
  path: string;
  /** Query parameter names the API uses. */
  params: { from: string; to: string; page: string; pageSize: string };
  pageSize: number;
  /** Where the records are in the response body, e.g. "data.records"; the total pages, e.g. "data.pages". */
  recordsPath: string;
  totalPagesPath?: string;
  headers?: Record<string, string>;
  retry: { attempts: number; baseDelayMs: number; maxDelayMs: number };
  timeoutMs: number;
}

export interface HttpWindow {
  /** ISO instants; the API is asked for [from, to) */
  from: string;
  to: string;
}

// ---- File drop: CSV (UTF-8 / GBK) and Excel ----------------------------------------------------------

export interface FileDropConfig {
  dir: string;
  archiveDir: string;
  rejectedDir: string;
  /** Glob-like suffix filters, e.g. [".csv", ".xlsx"] */
  extensions: string[];
  /** 'auto' detects UTF-8 (with or without BOM) and falls back to GBK. */
  encoding: 'utf-8' | 'gbk' | 'auto';
}

export interface DroppedFile {
  path: string;
  name: string;
  sha256: string;
  bytes: number;
}
