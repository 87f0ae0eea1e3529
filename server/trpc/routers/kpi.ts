import { z } from 'zod';
import { PARAM_SCHEMAS, type ParamKey } from '../../kpi/params';
import { kpiBatchInput, kpiRowsInput } from '../../kpi/query/schema';
import { assertOrgAccess } from '../org-access';
import { adminProcedure, authedProcedure, router } from '../init';

// Inputs, named up front: the declarative query (batched), the drill-down, parameter changes.
const queryInput = kpiBatchInput;
const rowsInput = kpiRowsInput;
const setParametersInput = z.object({
  changes: z
    .partialRecord(z.enum(Object.keys(PARAM_SCHEMAS) as [ParamKey, ...ParamKey[]]), z.unknown())
    .refine((c) => Object.keys(c).length > 0, 'no parameter to change'),
});

/** Every org code a batch names must be the user's node or below it. */
const orgsOf = (input: z.infer<typeof queryInput>) => input.queries.map((q) => q.orgCode);

export const kpiRouter = router({
  /** All KPI definitions: names, formulas, units, direction, thresholds, dimensions, levels and SQL. */
  definitions: authedProcedure.query(async ({ ctx }) => {
    const svc = ctx.rt.kpi;
    return svc.definitions(await svc.getParams());
  }),

  /** A batch of declarative KPI queries (a wall zone's figures in one call). */
  query: authedProcedure
    .input(queryInput)
    .use(({ ctx, input, next }) => {
      assertOrgAccess(ctx.user, ...orgsOf(input));
      return next();
    })
    .query(({ ctx, input }) => ctx.rt.kpi.query(input.queries, ctx.now())),

  /** The drill-down contract: the leaf records behind a KPI figure, paged and sortable. */
  rows: authedProcedure
    .input(rowsInput)
    .use(({ ctx, input, next }) => {
      assertOrgAccess(ctx.user, input.orgCode);
      return next();
    })
    .query(({ ctx, input }) => ctx.rt.kpi.rows(input, ctx.now())),

  /** Definition parameters with their current values and who last changed them. */
  parameters: authedProcedure.query(({ ctx }) => ctx.rt.kpi.parameters()),

  /** Changes definition parameters (administrators); audited; dependent rollups rebuild in the background. */
  setParameters: adminProcedure
    .input(setParametersInput)
    .mutation(({ ctx, input }) => ctx.rt.kpi.setParameters(input.changes, ctx.user.id)),
});
