import { initTRPC, TRPCError } from '@trpc/server';
import superjson from 'superjson';
import { ZodError, z } from 'zod';
import { isClickHouseQueryError } from '@/core/clickhouse/errors';
import { isDomainError, type DomainErrorKind } from '@/core/errors';
import type { Context } from './context';
import { assertOrgAccess } from './org-access';

const t = initTRPC.context<Context>().create({
  transformer: superjson,
  // The one error formatter: invalid input comes back with the fields and messages, nothing internal.
  errorFormatter({ shape, error }) {
    const cause = error.cause;
    return {
      ...shape,
      data: {
        ...shape.data,
        stack: undefined,
        zodError: cause instanceof ZodError ? cause.issues.map((i) => ({ path: i.path.join('.'), message: i.message })) : null,
      },
    };
  },
});

/** A domain error's kind (core/errors.ts) as the tRPC code it arrives with; its message goes through as is. */
export const DOMAIN_TO_TRPC = {
  not_found: 'NOT_FOUND',
  invalid: 'BAD_REQUEST',
  conflict: 'CONFLICT',
  forbidden: 'FORBIDDEN',
  unavailable: 'SERVICE_UNAVAILABLE',
} as const satisfies Record<DomainErrorKind, TRPCError['code']>;

const CH_TO_TRPC = {
  resource: 'TOO_MANY_REQUESTS',
  timeout: 'GATEWAY_TIMEOUT',
  unavailable: 'SERVICE_UNAVAILABLE',
  syntax: 'INTERNAL_SERVER_ERROR',
  schema: 'INTERNAL_SERVER_ERROR',
  query: 'INTERNAL_SERVER_ERROR',
} as const;

/**
 * The one error-handling middleware: domain errors (a layout or rule that does not exist, a question the KPI
 * layer cannot answer as asked, a stale save, a unit the user may not see) and data-layer failures become
 * typed tRPC errors with a plain message. Recognised by brand, not `instanceof`: the error may come from the
 * other copy of its module (Next bundles the route handlers apart from the custom server).
 */
const errors = t.middleware(async ({ next, path }) => {
  const result = await next();
  if (!result.ok) {
    const cause = result.error.cause;
    if (isDomainError(cause)) throw new TRPCError({ code: DOMAIN_TO_TRPC[cause.kind], message: cause.message, cause });
    if (isClickHouseQueryError(cause)) {
      console.error(`[trpc] ${path}: ${cause.message}`);
      const message =
        cause.kind === 'resource'
          ? '数据查询超出资源限制，请缩小范围后重试 (query exceeded resource limits)'
          : cause.kind === 'unavailable' || cause.kind === 'timeout'
            ? '数据服务暂不可用 (analytics store unavailable)'
            : '数据查询失败 (query failed)';
      throw new TRPCError({ code: CH_TO_TRPC[cause.kind], message, cause });
    }
  }
  return result;
});

export const router = t.router;
export const createCallerFactory = t.createCallerFactory;

export const publicProcedure = t.procedure.use(errors);

export const authedProcedure = publicProcedure.use(({ ctx, next }) => {
  if (!ctx.user) throw new TRPCError({ code: 'UNAUTHORIZED', message: '请先登录 (sign in required)' });
  return next({ ctx: { ...ctx, user: ctx.user } });
});

export const orgCodeSchema = z.string().regex(/^\d{2,9}$/, 'org code is 2–9 digits');

/** Procedures whose input names an org node: the node must be the user's own or below it. */
export const orgScopedProcedure = authedProcedure.input(z.object({ orgCode: orgCodeSchema })).use(({ ctx, input, next }) => {
  assertOrgAccess(ctx.user, input.orgCode);
  return next();
});

export const adminProcedure = authedProcedure.use(({ ctx, next }) => {
  if (ctx.user.role !== 'admin') throw new TRPCError({ code: 'FORBIDDEN', message: '需要管理员权限 (administrator only)' });
  return next();
});
