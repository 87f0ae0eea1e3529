import { z } from 'zod';
import { ForbiddenError } from '@/core/errors';
import { PROVINCE } from '@/core/org/divisions';
import { searchAudit } from '../../auth/audit';
import { authedProcedure, router } from '../init';

// Inputs, named up front: the audit search.
const searchInput = z.object({
  actor: z.string().max(80).optional(),
  action: z.string().max(60).optional(),
  target: z.string().max(80).optional(),
  text: z.string().max(80).optional(),
  from: z.iso.datetime().optional(),
  to: z.iso.datetime().optional(),
  limit: z.number().int().min(1).max(200).default(50),
  cursor: z
    .string()
    .regex(/^\d{1,19}$/)
    .optional(),
});

export const auditRouter = router({
  /** The append-only audit log, newest first, searchable by actor, action (family), target, text and time. */
  search: authedProcedure('audit.read')
    .input(searchInput)
    .query(({ ctx, input }) => {
      // Entries are not tagged by org unit (a sign-in, a rule, a parameter): only province-wide administrators read them.
      if (ctx.scope.orgCode !== PROVINCE.code)
        throw new ForbiddenError('审计日志仅限省级管理员查看 (audit log: province administrators only)');
      return searchAudit(ctx.rt.db, {
        ...input,
        from: input.from ? new Date(input.from) : undefined,
        to: input.to ? new Date(input.to) : undefined,
      });
    }),
});
