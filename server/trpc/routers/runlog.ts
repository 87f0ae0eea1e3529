import { z } from 'zod';
import { orgCodeInput } from '../../kpi/query/schema';
import { RUN_LOG_CATEGORIES } from '../../duty/run-log';
import { dutyOf } from '../../duty/services';
import { authedProcedure, router } from '../init';
import { hasNoNul } from '../input-guards';

// Inputs, named up front. Instants arrive as epoch ms or ISO text with a zone.
const instant = z.union([z.number().int().min(0), z.iso.datetime({ offset: true }).transform((s) => Date.parse(s))]);
const searchInput = z.object({
  orgCode: orgCodeInput.optional(),
  from: instant.optional(),
  to: instant.optional(),
  category: z.enum(RUN_LOG_CATEGORIES).optional(),
  origin: z.enum(['auto', 'typed']).optional(),
  text: z.string().trim().max(80).refine(hasNoNul, 'must not contain a NUL byte').optional(),
  page: z.number().int().min(1).max(10_000).default(1),
  pageSize: z.number().int().min(1).max(200).default(50),
});
const writeInput = z.object({
  orgCode: orgCodeInput,
  category: z.enum(RUN_LOG_CATEGORIES).default('note'),
  text: z.string().trim().min(1).max(2000).refine(hasNoNul, 'must not contain a NUL byte'),
});

// 运行日志: read in the principal's scope (or a node inside it); typed entries with duty.act.

export const runlogRouter = router({
  /** Entries newest first: by unit (and below), time, category, origin, text; paged. */
  search: authedProcedure('duty.read')
    .input(searchInput.default({ page: 1, pageSize: 50 }))
    .query(({ ctx, input }) => {
      const orgCode = input.orgCode ?? ctx.scope.orgCode;
      ctx.scope.assert(orgCode);
      return dutyOf(ctx.rt).runLog.search({ ...input, orgCodes: [orgCode] });
    }),

  /** A typed entry by the signed-in person (audited). */
  write: authedProcedure('duty.act')
    .input(writeInput)
    .mutation(({ ctx, input }) => {
      ctx.scope.assert(input.orgCode);
      return dutyOf(ctx.rt).runLog.write({ ...input, at: ctx.now() }, ctx.user.id);
    }),
});
