import { z } from 'zod';
import { PERSON_ROLES } from '../../auth/roles';
import { createToken, listTokens, revokeToken } from '../../auth/tokens';
import { authedProcedure, orgCodeSchema, router } from '../init';

// Inputs, named up front: a new service token, a revocation.
const createInput = z.object({
  name: z.string().trim().min(1).max(64),
  role: z.enum(PERSON_ROLES),
  orgCode: orgCodeSchema,
  /** Days until it expires; none = until revoked. */
  expiresInDays: z.number().int().min(1).max(3650).optional(),
});
const revokeInput = z.object({ id: z.string().min(1).max(40) });

// Service tokens for scripts and automation: a role and an org scope, shown once, revocable.

export const tokensRouter = router({
  list: authedProcedure('tokens.manage').query(async ({ ctx }) =>
    (await listTokens(ctx.rt.db, 'service')).filter((t) => ctx.scope.contains(t.orgCode)),
  ),

  /** Creates a token and returns its secret: the only time anyone sees it. */
  create: authedProcedure('tokens.manage')
    .input(createInput)
    .mutation(({ ctx, input }) => {
      ctx.scope.assert(input.orgCode);
      return createToken(ctx.rt.db, {
        kind: 'service',
        name: input.name,
        role: input.role,
        orgCode: input.orgCode,
        createdBy: ctx.user.id,
        expiresAt: input.expiresInDays ? new Date(ctx.now() + input.expiresInDays * 86_400_000) : null,
      });
    }),

  /** Revokes a service or display token; its open streams close at once. */
  revoke: authedProcedure('tokens.manage')
    .input(revokeInput)
    .mutation(async ({ ctx, input }) => {
      const row = await ctx.rt.db.prisma.apiToken.findUnique({ where: { id: input.id }, select: { orgUnitCode: true } });
      ctx.scope.assert(row?.orgUnitCode ?? '__none__');
      await revokeToken(ctx.rt.db, input.id, ctx.user.id);
      ctx.rt.auth.events.emit({ type: 'token-revoked', tokenId: input.id });
      return { ok: true };
    }),
});
