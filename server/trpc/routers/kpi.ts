import { TRPCError } from '@trpc/server';
import { z } from 'zod';
import { queueOverview } from '../../kpi/queue-overview';
import { PARAM_SCHEMAS, type ParamKey } from '../../kpi/params';
import { kpiBatchInput, kpiRowsInput } from '../../kpi/query/schema';
import { adminProcedure, authedProcedure, orgScopedProcedure, router } from '../init';

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
  /** 营业厅排队 overview for today. Input: { orgCode } (the province until the KPI layer adds drill levels). */
  queueOverview: orgScopedProcedure.query(({ ctx }) => queueOverview(ctx.rt.ch, ctx.now(), ctx.rt.env.BUSINESS_TZ)),

  /** All KPI definitions: names, formulas, units, direction, thresholds, dimensions, levels and SQL. */
  definitions: authedProcedure.query(async ({ ctx }) => {
    const svc = ctx.rt.kpi;
    return svc.definitions(await svc.getParams());
  }),

  /** A batch of declarative KPI queries (a wall zone's figures in one call). */
  query: authedProcedure
    .input(queryInput)
    .use(({ ctx, input, next }) => {
      assertOrgAccess(ctx.user.orgCode, orgsOf(input));
      return next();
    })
    .query(({ ctx, input }) => ctx.rt.kpi.query(input.queries, ctx.now())),

  /** The drill-down contract: the leaf records behind a KPI figure, paged and sortable. */
  rows: authedProcedure
    .input(rowsInput)
    .use(({ ctx, input, next }) => {
      assertOrgAccess(ctx.user.orgCode, [input.orgCode]);
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

function assertOrgAccess(userOrg: string, codes: string[]): void {
  const denied = codes.find((c) => !c.startsWith(userOrg));
  if (denied) throw new TRPCError({ code: 'FORBIDDEN', message: `无权查看该单位 (no access to org ${denied})` });
}
