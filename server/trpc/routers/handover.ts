import { z } from 'zod';
import { orgCodeInput } from '../../kpi/query/schema';
import { HANDOVER_STATUSES } from '../../duty/handover';
import { dutyOf } from '../../duty/services';
import { authedProcedure, router } from '../init';
import { idText } from '../input-guards';

// Inputs, named up front. Instants arrive as epoch ms or ISO text with a zone.
const instant = z.union([z.number().int().min(0), z.iso.datetime({ offset: true }).transform((s) => Date.parse(s))]);
const handoverId = idText(40);
const draftInput = z.object({ orgCode: orgCodeInput, shiftEndsAt: instant });
const updateInput = z.object({ id: handoverId, notes: z.string().max(10_000) });
const idInput = z.object({ id: handoverId });
const listInput = z.object({
  orgCode: orgCodeInput.optional(),
  status: z.enum(HANDOVER_STATUSES).optional(),
  from: instant.optional(),
  to: instant.optional(),
  person: idText(64).optional(),
  page: z.number().int().min(1).max(10_000).default(1),
  pageSize: z.number().int().min(1).max(100).default(20),
});

// 交接班: the signed-in person drafts, edits and submits their own record; another person acknowledges it.
// Every record is reached through its unit, which must be inside the principal's scope.

type Ctx = { rt: object; scope: { assert(...codes: string[]): void } };
async function inScope(ctx: Ctx, id: string) {
  const h = await dutyOf(ctx.rt).handover.get(id);
  ctx.scope.assert(h.orgCode);
  return h;
}

export const handoverRouter = router({
  /** Generates (or regenerates) the signed-in person's draft for the unit's shift ending at `shiftEndsAt`. */
  draft: authedProcedure('duty.act')
    .input(draftInput)
    .mutation(({ ctx, input }) => {
      ctx.scope.assert(input.orgCode);
      return dutyOf(ctx.rt).handover.draft(input.orgCode, ctx.user.id, input.shiftEndsAt, ctx.now());
    }),

  /** Edits the notes of one's own draft. */
  update: authedProcedure('duty.act')
    .input(updateInput)
    .mutation(async ({ ctx, input }) => {
      await inScope(ctx, input.id);
      return dutyOf(ctx.rt).handover.update(input.id, input.notes, ctx.user.id);
    }),

  submit: authedProcedure('duty.act')
    .input(idInput)
    .mutation(async ({ ctx, input }) => {
      await inScope(ctx, input.id);
      return dutyOf(ctx.rt).handover.submit(input.id, ctx.user.id);
    }),

  /** The incoming person's acknowledgement; the record is immutable afterwards. */
  acknowledge: authedProcedure('duty.act')
    .input(idInput)
    .mutation(async ({ ctx, input }) => {
      await inScope(ctx, input.id);
      return dutyOf(ctx.rt).handover.acknowledge(input.id, ctx.user.id);
    }),

  list: authedProcedure('duty.read')
    .input(listInput.default({ page: 1, pageSize: 20 }))
    .query(({ ctx, input }) => {
      const orgCode = input.orgCode ?? ctx.scope.orgCode;
      ctx.scope.assert(orgCode);
      return dutyOf(ctx.rt).handover.search({ ...input, orgCodes: [orgCode] });
    }),

  get: authedProcedure('duty.read')
    .input(idInput)
    .query(({ ctx, input }) => inScope(ctx, input.id)),
});
