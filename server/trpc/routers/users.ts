import { z } from 'zod';
import { PERSON_ROLES } from '../../auth/roles';
import type { OrgScope } from '../../auth/scope';
import type { Runtime } from '../../runtime';
import { authedProcedure, orgCodeSchema, router } from '../init';

// Inputs, named up front: a new user, a change, a password reset, an id.
const userId = z.string().min(1).max(64);
const newUserInput = z.object({
  username: z.string().min(2).max(64),
  displayName: z.string().trim().min(1).max(64),
  role: z.enum(PERSON_ROLES),
  orgCode: orgCodeSchema,
  email: z.email().max(200).optional(),
  password: z.string().min(1).max(128),
});
const updateUserInput = z.object({
  id: userId,
  displayName: z.string().trim().min(1).max(64).optional(),
  role: z.enum(PERSON_ROLES).optional(),
  orgCode: orgCodeSchema.optional(),
  disabled: z.boolean().optional(),
});
const passwordInput = z.object({ id: userId, password: z.string().min(1).max(128) });
const idInput = z.object({ id: userId });

// User administration: administrators, within their own org scope (a city administrator manages the city).

export const usersRouter = router({
  list: authedProcedure('users.manage').query(({ ctx }) => ctx.rt.auth.users.list({ orgCode: ctx.scope.orgCode })),

  create: authedProcedure('users.manage')
    .input(newUserInput)
    .mutation(({ ctx, input }) => {
      ctx.scope.assert(input.orgCode);
      return ctx.rt.auth.users.create(input, ctx.user.id);
    }),

  update: authedProcedure('users.manage')
    .input(updateUserInput)
    .mutation(async ({ ctx, input }) => {
      const { id, ...patch } = input;
      await assertUserInScope(ctx, id);
      if (patch.orgCode) ctx.scope.assert(patch.orgCode);
      return ctx.rt.auth.users.update(id, patch, ctx.user.id);
    }),

  setPassword: authedProcedure('users.manage')
    .input(passwordInput)
    .mutation(async ({ ctx, input }) => {
      await assertUserInScope(ctx, input.id);
      await ctx.rt.auth.users.setPassword(input.id, input.password, ctx.user.id);
      return { ok: true };
    }),

  unlock: authedProcedure('users.manage')
    .input(idInput)
    .mutation(async ({ ctx, input }) => {
      await assertUserInScope(ctx, input.id);
      await ctx.rt.auth.users.unlock(input.id, ctx.user.id);
      return { ok: true };
    }),
});

async function assertUserInScope(ctx: { rt: Runtime; scope: OrgScope }, id: string) {
  const u = await ctx.rt.db.prisma.user.findUnique({ where: { id } });
  // An unknown id and one outside the scope answer alike: a city administrator cannot probe for users.
  ctx.scope.assert(u?.orgUnitCode ?? '__none__');
}
