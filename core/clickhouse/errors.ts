// Engine errors arrive as ClickHouseError with a numeric code; callers need to tell "the query is wrong"
// from "the engine is out of resources" from "the server is unreachable", so the wrapper maps them here.

export type ClickHouseErrorKind = 'resource' | 'timeout' | 'unavailable' | 'syntax' | 'schema' | 'query';

const KINDS: ReadonlySet<string> = new Set<ClickHouseErrorKind>(['resource', 'timeout', 'unavailable', 'syntax', 'schema', 'query']);
// Every module exists twice in the process (Next bundles its route handlers apart from the custom server):
// the brand, under a `Symbol.for` key both copies share, recognises an error thrown by the other copy.
const BRAND = Symbol.for('yingxiao.clickhouse-error');

export class ClickHouseQueryError extends Error {
  constructor(
    public readonly kind: ClickHouseErrorKind,
    public readonly tag: string,
    message: string,
    public readonly code?: number,
    options?: { cause?: unknown },
  ) {
    super(`[clickhouse:${tag}] ${message}`, options);
    this.name = 'ClickHouseQueryError';
    Object.defineProperty(this, BRAND, { value: true, enumerable: false });
  }
}

/** A ClickHouseQueryError from either copy of this module: by its brand, not `instanceof`. */
export function isClickHouseQueryError(e: unknown): e is ClickHouseQueryError {
  if (typeof e !== 'object' || e === null || (e as { [BRAND]?: unknown })[BRAND] !== true) return false;
  const kind = (e as { kind?: unknown }).kind;
  return typeof kind === 'string' && KINDS.has(kind);
}

/** Memory limit, too many rows/bytes, too many simultaneous queries: retry later or narrow the query. */
export class ClickHouseResourceError extends ClickHouseQueryError {
  constructor(tag: string, message: string, code?: number, options?: { cause?: unknown }) {
    super('resource', tag, message, code, options);
    this.name = 'ClickHouseResourceError';
  }
}

// https://github.com/ClickHouse/ClickHouse/blob/master/src/Common/ErrorCodes.cpp
const RESOURCE_CODES = new Set([158, 159, 160, 202, 241, 307, 396, 397, 439, 671]);
const TIMEOUT_CODES = new Set([159, 209, 210]);
const SYNTAX_CODES = new Set([62, 46]);
const SCHEMA_CODES = new Set([16, 47, 60, 81]);

export function toClickHouseError(tag: string, err: unknown): ClickHouseQueryError {
  if (isClickHouseQueryError(err)) return err;
  const e = err as { code?: string | number; message?: string; type?: string } | undefined;
  const message = e?.message ?? String(err);
  const code = e?.code !== undefined && !Number.isNaN(Number(e.code)) ? Number(e.code) : undefined;
  if (code !== undefined) {
    if (TIMEOUT_CODES.has(code)) return new ClickHouseQueryError('timeout', tag, message, code, { cause: err });
    if (RESOURCE_CODES.has(code)) return new ClickHouseResourceError(tag, message, code, { cause: err });
    if (SYNTAX_CODES.has(code)) return new ClickHouseQueryError('syntax', tag, message, code, { cause: err });
    if (SCHEMA_CODES.has(code)) return new ClickHouseQueryError('schema', tag, message, code, { cause: err });
    return new ClickHouseQueryError('query', tag, message, code, { cause: err });
  }
  if (/ECONNREFUSED|ECONNRESET|ENOTFOUND|EHOSTUNREACH|socket hang up|fetch failed/i.test(message)) {
    return new ClickHouseQueryError('unavailable', tag, message, undefined, { cause: err });
  }
  if (/timeout/i.test(message)) return new ClickHouseQueryError('timeout', tag, message, undefined, { cause: err });
  return new ClickHouseQueryError('query', tag, message, undefined, { cause: err });
}
