import { TRPCError } from '@trpc/server';
import type { DefaultErrorShape } from '@trpc/server/unstable-core-do-not-import';
import { ZodError } from 'zod';
import { isClickHouseQueryError, type ClickHouseErrorKind } from '@/core/clickhouse/errors';
import { isDomainError, type DomainErrorKind } from '@/core/errors';
import { REQUEST_ID_HEADER } from '../http-guards';

// The API's one error boundary. Domain and validation errors answer 4xx with their message, which a person
// can act on; everything else (SQL, driver text, a TypeError, a stack) stays in the log under the request id
// (server/main.ts gives every request one), and the client gets a plain message naming that id.

/** The header server/main.ts sets on every request (and its response). */
export { REQUEST_ID_HEADER };

/** A domain error's kind (core/errors.ts) as the tRPC code it arrives with; its message goes through as is. */
export const DOMAIN_TO_TRPC = {
  not_found: 'NOT_FOUND',
  invalid: 'BAD_REQUEST',
  conflict: 'CONFLICT',
  forbidden: 'FORBIDDEN',
  unavailable: 'SERVICE_UNAVAILABLE',
} as const satisfies Record<DomainErrorKind, TRPCError['code']>;

/** A ClickHouse failure's kind as a code: limits hit are the caller's to narrow, an outage is 503. */
const CH_TO_TRPC = {
  resource: 'TOO_MANY_REQUESTS',
  timeout: 'GATEWAY_TIMEOUT',
  unavailable: 'SERVICE_UNAVAILABLE',
  syntax: 'INTERNAL_SERVER_ERROR',
  schema: 'INTERNAL_SERVER_ERROR',
  query: 'INTERNAL_SERVER_ERROR',
} as const satisfies Record<ClickHouseErrorKind, TRPCError['code']>;

const CH_MESSAGE: Record<ClickHouseErrorKind, string> = {
  resource:
    '数据查询超出资源限制（内存或结果行数），请缩小时间范围或细分层级后重试 (query exceeded the memory or row limit; narrow it and retry)',
  timeout: '数据查询超时，请缩小时间范围或细分层级后重试 (query took too long; narrow it and retry)',
  unavailable: '数据服务暂不可用 (analytics store unavailable)',
  syntax: '数据查询失败 (query failed)',
  schema: '数据查询失败 (query failed)',
  query: '数据查询失败 (query failed)',
};

export const requestIdOf = (ctx: { headers?: Headers } | undefined): string | null => ctx?.headers?.get(REQUEST_ID_HEADER) ?? null;

const internalMessage = (rid: string | null) =>
  `服务器内部错误，请稍后重试${rid ? `（请求编号 ${rid}）` : ''} (internal error${rid ? `; request id ${rid}` : ''})`;

type NextResult = { ok: true } | { ok: false; error: TRPCError };

/**
 * The error-mapping middleware (init.ts `errors`): domain errors become their tRPC code with their message;
 * ClickHouse failures a plain message by kind, the engine's text logged under the request id. Recognised by
 * brand, not `instanceof`: the error may come from the other copy of its module (Next bundles the route
 * handlers apart from the custom server).
 */
export async function mapErrors<R extends NextResult>(opts: {
  next: () => Promise<R>;
  path: string;
  ctx: { headers?: Headers };
}): Promise<R> {
  const result = await opts.next();
  if (!result.ok) {
    const cause = result.error.cause;
    if (isDomainError(cause)) throw new TRPCError({ code: DOMAIN_TO_TRPC[cause.kind], message: cause.message, cause });
    if (isClickHouseQueryError(cause)) {
      console.error(`[trpc] ${requestIdOf(opts.ctx) ?? '-'} ${opts.path}: ${cause.message}`);
      throw new TRPCError({ code: CH_TO_TRPC[cause.kind], message: CH_MESSAGE[cause.kind], cause });
    }
  }
  return result;
}

/** A zod failure as one line per field: `queries.0.filters: 未知维度 …`; nested record-key issues spelled out. */
export function zodMessage(err: ZodError): string {
  const lines: string[] = [];
  const walk = (issues: ZodError['issues'], prefix: (string | number | symbol)[]) => {
    for (const i of issues) {
      const path = [...prefix, ...i.path];
      if ((i.code === 'invalid_key' || i.code === 'invalid_element') && i.issues.length) walk(i.issues, path);
      else if (i.code === 'invalid_union' && i.errors.length && i.errors[0]!.length) walk(i.errors[0]!, path);
      else lines.push(`${path.map(String).join('.') || 'input'}: ${i.message}`);
    }
  };
  walk(err.issues, []);
  return lines.join('; ');
}

/**
 * The errorFormatter (init.ts): what leaves the server. Invalid input comes back with the fields and
 * messages; an internal error only with a plain message and the request id; never a stack.
 */
export function formatError<S extends DefaultErrorShape>({
  shape,
  error,
  ctx,
}: {
  shape: S;
  error: TRPCError;
  ctx?: { headers?: Headers };
}) {
  const cause = error.cause;
  const rid = requestIdOf(ctx);
  const zod = cause instanceof ZodError ? cause : null;
  const internal = error.code === 'INTERNAL_SERVER_ERROR';
  const message = internal ? internalMessage(rid) : zod ? zodMessage(zod) : shape.message;
  // The stack is left out altogether (tRPC fills it in development).
  const { stack: _stack, ...data } = shape.data;
  return {
    ...shape,
    message,
    data: {
      ...data,
      requestId: rid,
      zodError: zod ? zod.issues.map((i) => ({ path: i.path.join('.'), message: i.message })) : null,
    },
  };
}
