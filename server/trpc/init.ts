import { initTRPC, TRPCError } from '@trpc/server';
import superjson from 'superjson';
import { ZodError, z } from 'zod';
import { ClickHouseQueryError } from '@/core/clickhouse/errors';
import { KpiQueryError } from '../kpi/query/compile';
import { KpiParamError } from '../kpi/service';
import { RuleNotFoundError } from '../alerts/rule-service';
import type { Context } from './context';

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

const CH_TO_TRPC = {
  resource: 'TOO_MANY_REQUESTS',
  timeout: 'GATEWAY_TIMEOUT',
  unavailable: 'SERVICE_UNAVAILABLE',
  syntax: 'INTERNAL_SERVER_ERROR',
  schema: 'INTERNAL_SERVER_ERROR',
  query: 'INTERNAL_SERVER_ERROR',
} as const;

/** The one error-handling middleware: data-layer failures become typed tRPC errors with a plain message. */
const errors = t.middleware(async ({ next, path }) => {
  const result = await next();
  if (!result.ok) {
    const cause = result.error.cause;
    // A question the KPI layer cannot answer as asked (unknown dimension, level below a family's leaf, bad
    // parameter value) is the caller's to fix: a 400 with the reason.
    if (cause instanceof KpiQueryError || cause instanceof KpiParamError) {
      throw new TRPCError({ code: 'BAD_REQUEST', message: cause.message, cause });
    }
    if (cause instanceof RuleNotFoundError) throw new TRPCError({ code: 'NOT_FOUND', message: cause.message, cause });
    if (cause instanceof ClickHouseQueryError) {
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
  if (!input.orgCode.startsWith(ctx.user.orgCode)) {
    throw new TRPCError({ code: 'FORBIDDEN', message: `无权查看该单位 (no access to org ${input.orgCode})` });
  }
  return next();
});

export const adminProcedure = authedProcedure.use(({ ctx, next }) => {
  if (ctx.user.role !== 'admin') throw new TRPCError({ code: 'FORBIDDEN', message: '需要管理员权限 (administrator only)' });
  return next();
});
