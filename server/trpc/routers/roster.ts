import { z } from 'zod';
import { orgCodeInput } from '../../kpi/query/schema';
import { DUTY_ROLES } from '../../duty/roster';
import { dutyOf } from '../../duty/services';
import { authedProcedure, router } from '../init';
import { idText } from '../input-guards';

// Inputs, named up front. Instants arrive as epoch ms or ISO text with a zone (never a zone-less string).
const instant = z.union([z.number().int().min(0), z.iso.datetime({ offset: true }).transform((s) => Date.parse(s))]);
const shiftId = idText(40);
const username = idText(64);
const note = z.string().trim().max(500).optional();
const listInput = z.object({
  orgCode: orgCodeInput,
  subtree: z.boolean().default(false),
  from: instant,
  to: instant,
  dutyRole: z.enum(DUTY_ROLES).optional(),
});
const onDutyInput = z.object({ orgCode: orgCodeInput, dutyRole: z.enum(DUTY_ROLES), at: instant.optional() });
const saveInput = z.object({
  id: shiftId.optional(),
  orgCode: orgCodeInput,
  dutyRole: z.enum(DUTY_ROLES),
  username,
  startsAt: instant,
  endsAt: instant,
  note,
});
const removeInput = z.object({ id: shiftId });
const swapInput = z.object({ id: shiftId, username, note });
const leaveInput = z.object({ orgCode: orgCodeInput, username, startsAt: instant, endsAt: instant, note });

// 值班表: read with duty.read, edited with duty.roster, inside the principal's org scope. `onDuty` may answer
// with a parent unit's people (whom to call when the unit has nobody), which is the point of asking.

export const rosterRouter = router({
  /** Shifts and leave of a unit (optionally with the units below it) overlapping [from, to). */
  list: authedProcedure('duty.read')
    .input(listInput)
    .query(({ ctx, input }) => {
      ctx.scope.assert(input.orgCode);
      return dutyOf(ctx.rt).roster.list(input);
    }),

  /** The people on duty for the unit and role at `at` (default now), walking up the org tree when none. */
  onDuty: authedProcedure('duty.read')
    .input(onDutyInput)
    .query(({ ctx, input }) => {
      ctx.scope.assert(input.orgCode);
      return dutyOf(ctx.rt).roster.onDuty(input.orgCode, input.dutyRole, input.at ?? ctx.now());
    }),

  /** Creates a shift, or edits one (`id`). */
  save: authedProcedure('duty.roster')
    .input(saveInput)
    .mutation(async ({ ctx, input }) => {
      const roster = dutyOf(ctx.rt).roster;
      ctx.scope.assert(input.orgCode);
      if (input.id) ctx.scope.assert((await roster.get(input.id)).orgCode);
      return roster.save({ ...input, note: input.note ?? null }, ctx.user.id);
    }),

  remove: authedProcedure('duty.roster')
    .input(removeInput)
    .mutation(async ({ ctx, input }) => {
      const roster = dutyOf(ctx.rt).roster;
      ctx.scope.assert((await roster.get(input.id)).orgCode);
      await roster.remove(input.id, ctx.user.id);
      return { ok: true };
    }),

  /** Gives a shift to another person (换班). */
  swap: authedProcedure('duty.roster')
    .input(swapInput)
    .mutation(async ({ ctx, input }) => {
      const roster = dutyOf(ctx.rt).roster;
      ctx.scope.assert((await roster.get(input.id)).orgCode);
      return roster.swap(input.id, input.username, input.note ?? null, ctx.user.id);
    }),

  /** Marks a person on leave over a span (请假). */
  leave: authedProcedure('duty.roster')
    .input(leaveInput)
    .mutation(({ ctx, input }) => {
      ctx.scope.assert(input.orgCode);
      return dutyOf(ctx.rt).roster.leave({ ...input, note: input.note ?? null }, ctx.user.id);
    }),
});
