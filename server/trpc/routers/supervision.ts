import { z } from 'zod';
import { NotFoundError } from '@/core/errors';
import { orgCodeInput } from '../../kpi/query/schema';
import { dutyOf } from '../../duty/services';
import { SUPERVISION_STATUSES, SUPERVISION_SUBJECTS } from '../../duty/supervision';
import { authedProcedure, router } from '../init';
import { hasNoNul, idText } from '../input-guards';

// Inputs, named up front. Instants arrive as epoch ms or ISO text with a zone.
const instant = z.union([z.number().int().min(0), z.iso.datetime({ offset: true }).transform((s) => Date.parse(s))]);
const supervisionId = idText(40);
const text = (max: number) => z.string().trim().min(1).max(max).refine(hasNoNul, 'must not contain a NUL byte');
const createInput = z.object({
  eventId: idText(40).optional(),
  subjectType: z.enum(SUPERVISION_SUBJECTS),
  subjectRef: idText(80),
  orgCode: orgCodeInput,
  title: text(200),
  request: text(2000),
  dueAt: instant,
});
const listInput = z.object({
  orgCode: orgCodeInput.optional(),
  status: z.enum(SUPERVISION_STATUSES).optional(),
  eventId: idText(40).optional(),
  page: z.number().int().min(1).max(10_000).default(1),
  pageSize: z.number().int().min(1).max(200).default(50),
});
const idInput = z.object({ id: supervisionId });
const verifyInput = z.object({ id: supervisionId, accepted: z.boolean(), note: z.string().trim().max(1000).default('') });

// 督办: opened and verified with duty.supervise, read with duty.read, inside the principal's scope. An item
// escalated above the scope stays readable to nobody below; the parent unit's people take it over.

export const supervisionRouter = router({
  /** Opens an item to a unit (about an alert, a work order or a record) and writes it back to the source system. */
  create: authedProcedure('duty.supervise')
    .input(createInput)
    .mutation(async ({ ctx, input }) => {
      ctx.scope.assert(input.orgCode);
      if (input.eventId) {
        const alert = await ctx.rt.db.prisma.alertEvent.findUnique({ where: { id: input.eventId }, select: { orgCode: true } });
        if (!alert) throw new NotFoundError(`预警不存在 (no alert ${input.eventId})`);
        ctx.scope.assert(alert.orgCode);
      }
      return dutyOf(ctx.rt).supervision.create(input, ctx.user.id);
    }),

  list: authedProcedure('duty.read')
    .input(listInput.default({ page: 1, pageSize: 50 }))
    .query(({ ctx, input }) => {
      const orgCode = input.orgCode ?? ctx.scope.orgCode;
      ctx.scope.assert(orgCode);
      return dutyOf(ctx.rt).supervision.list({ ...input, orgCodes: [orgCode] });
    }),

  /** One item with its timeline (every transition: who, when, from, to, note). */
  get: authedProcedure('duty.read')
    .input(idInput)
    .query(async ({ ctx, input }) => {
      const r = await dutyOf(ctx.rt).supervision.get(input.id);
      ctx.scope.assert(r.item.orgCode);
      return r;
    }),

  /** Accepts a reply (closed) or rejects it with a note (written back again). */
  verify: authedProcedure('duty.supervise')
    .input(verifyInput)
    .mutation(async ({ ctx, input }) => {
      const svc = dutyOf(ctx.rt).supervision;
      ctx.scope.assert((await svc.get(input.id)).item.orgCode);
      return svc.verify(input.id, ctx.user.id, input.accepted, input.note);
    }),
});
