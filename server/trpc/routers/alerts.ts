import { z } from 'zod';
import { listAlerts } from '../../alerts/rule-service';
import { SEVERITIES } from '../../alerts/spec';
import { orgCodeInput } from '../../kpi/query/schema';
import { authedProcedure, router } from '../init';
import { hasNoNul } from '../input-guards';

// Inputs, named up front: the alert list's filters.
const listInput = z.object({
  state: z.enum(['firing', 'recovered']).optional(),
  severities: z.array(z.enum(SEVERITIES)).max(4).optional(),
  orgCode: orgCodeInput.optional(),
  ruleId: z.string().max(40).refine(hasNoNul, 'must not contain a NUL byte').optional(),
  situationId: z.string().max(40).refine(hasNoNul, 'must not contain a NUL byte').optional(),
  limit: z.number().int().min(1).max(500).default(100),
  cursor: z.string().max(40).refine(hasNoNul, 'must not contain a NUL byte').optional(),
});

export const alertsRouter = router({
  /** Alert events in the principal's scope, newest first, filterable by state, severity, org node, rule, situation. */
  list: authedProcedure('alerts.read')
    .input(listInput.default({ limit: 100 }))
    .query(({ ctx, input }) => {
      const orgCode = input.orgCode ?? ctx.scope.orgCode;
      ctx.scope.assert(orgCode);
      return listAlerts(ctx.rt, { ...input, orgCode });
    }),
});
