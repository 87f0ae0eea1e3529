import { isClickHouseQueryError } from '@/core/clickhouse/errors';
import { isDomainError, type DomainErrorKind } from '@/core/errors';

// Answers of the export HTTP routes (app/api/export): JSON errors with a message a person can act on, and the
// file headers.

export const CONTENT_TYPES: Record<string, string> = {
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  csv: 'text/csv; charset=utf-8',
};

const STATUS: Record<DomainErrorKind, number> = { not_found: 404, invalid: 400, conflict: 409, forbidden: 403, unavailable: 503 };

export function jsonResponse(status: number, body: unknown): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' },
  });
}

export const errorResponse = (status: number, message: string) => jsonResponse(status, { error: { message } });

/** A failure before the first byte, as the status its kind means; anything unexpected is a 500 without insides. */
export function failureResponse(err: unknown, requestId: string | null): Response {
  if (isDomainError(err)) return errorResponse(STATUS[err.kind], err.message);
  if (isClickHouseQueryError(err) && (err.kind === 'resource' || err.kind === 'timeout'))
    return errorResponse(503, `数据库繁忙，请缩小范围后重试 (the database is busy; narrow the export and retry): ${err.message}`);
  console.error(`[exports] request ${requestId ?? '-'} failed:`, err instanceof Error ? (err.stack ?? err.message) : err);
  return errorResponse(500, `导出失败，请稍后重试 (export failed; request ${requestId ?? '-'})`);
}
