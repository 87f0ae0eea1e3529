import { initTRPC, TRPCError } from '@trpc/server';
import { z } from 'zod';
import type { Context } from './context';
import { formatError, mapErrors } from './errors';
import { guardedTransformer } from './input-guards';
import { can, ROLE_LABELS, type Permission } from '../auth/roles';
import { orgScope } from '../auth/scope';
import type { Policy, ProcedureMeta } from './policy';

export { DOMAIN_TO_TRPC } from './errors';

const t = initTRPC.context<Context>().meta<ProcedureMeta>().create({
  // superjson, with the raw input checked first (no `__proto__` keys, no NUL bytes): input-guards.ts.
  transformer: guardedTransformer,
  // The one error formatter (errors.ts): actionable messages for invalid input, nothing internal.
  errorFormatter: formatError,
});

/** The one error-handling middleware (errors.ts): domain and data-layer failures as typed tRPC errors. */
const errors = t.middleware(mapErrors);

export const router = t.router;
export const createCallerFactory = t.createCallerFactory;

// Procedures stacked by access level. Each declares its policy as meta (the inventory test reads it and
// fails on a procedure without one): public, or a permission (server/auth/roles.ts) that the principal's
// role must grant. Org scope is then the procedure's to apply with `ctx.scope` (server/auth/scope.ts).

const base = t.procedure.use(errors);

/** No sign-in needed (liveness only). */
export const publicProcedure = base.meta({ policy: { access: 'public' } satisfies Policy });

const signedIn = t.middleware(({ ctx, next }) => {
  if (!ctx.user) {
    const message =
      ctx.authFailure === 'invalid-token' ? '令牌无效、已过期或已吊销 (token invalid, expired or revoked)' : '请先登录 (sign in required)';
    throw new TRPCError({ code: 'UNAUTHORIZED', message });
  }
  return next({ ctx: { ...ctx, user: ctx.user, scope: orgScope(ctx.user) } });
});

/** Signed in as anyone (a person, a service token or a paired screen). */
export const signedInProcedure = base.meta({ policy: { access: 'signed-in' } satisfies Policy }).use(signedIn);

/** Signed in (a person, a service token or a paired screen) with a role that grants `permission`. */
export function authedProcedure(permission: Permission) {
  return base
    .meta({ policy: { access: 'authed', permission } satisfies Policy })
    .use(signedIn)
    .use(({ ctx, next }) => {
      if (!can(ctx.user.role, permission)) {
        throw new TRPCError({
          code: 'FORBIDDEN',
          message: `${ROLE_LABELS[ctx.user.role].zh}无此权限 (role ${ctx.user.role} may not ${permission})`,
        });
      }
      return next();
    });
}

export const orgCodeSchema = z.string().regex(/^\d{2,9}$/, 'org code is 2–9 digits');

/** As authedProcedure, for inputs that name an org node: the node must be the principal's own or below it. */
export function orgScopedProcedure(permission: Permission) {
  return authedProcedure(permission)
    .input(z.object({ orgCode: orgCodeSchema }))
    .use(({ ctx, input, next }) => {
      ctx.scope.assert(input.orgCode);
      return next();
    });
}
