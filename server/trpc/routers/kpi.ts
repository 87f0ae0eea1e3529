import { z } from 'zod';
import { ForbiddenError } from '@/core/errors';
import { PROVINCE } from '@/core/org/divisions';
import { audit } from '../../auth/audit';
import { maskRows } from '../../auth/mask';
import { can } from '../../auth/roles';
import { KPI_BY_ID } from '../../kpi/definitions';
import { FAMILY_BY_ID } from '../../kpi/families';
import { PARAM_SCHEMAS, type ParamKey } from '../../kpi/params';
import { kpiBatchInput, kpiRowsInput } from '../../kpi/query/schema';
import { authedProcedure, router } from '../init';
import { TRPCError } from '@trpc/server';

// Inputs, named up front: the declarative query (batched), the drill-down, parameter changes.
const queryInput = kpiBatchInput;
/** `reveal`: personal columns unmasked (roles with pii.reveal; audited). */
const rowsInput = kpiRowsInput.extend({ reveal: z.boolean().default(false) });
const setParametersInput = z.object({
  changes: z
    .partialRecord(z.enum(Object.keys(PARAM_SCHEMAS) as [ParamKey, ...ParamKey[]]), z.unknown())
    .refine((c) => Object.keys(c).length > 0, 'no parameter to change'),
});

/** The drill-down columns of a KPI's family that hold personal data. */
function personalColumns(kpi: string): string[] {
  const family = FAMILY_BY_ID.get(KPI_BY_ID.get(kpi)!.family)!;
  return Object.entries(family.rows)
    .filter(([, c]) => c.personal)
    .map(([name]) => name);
}

export const kpiRouter = router({
  /** All KPI definitions: names, formulas, units, direction, thresholds, dimensions, levels and SQL. */
  definitions: authedProcedure('kpi.read').query(async ({ ctx }) => {
    const svc = ctx.rt.kpi;
    return svc.definitions(await svc.getParams());
  }),

  /** A batch of declarative KPI queries (a wall zone's figures in one call); every org node in scope. */
  query: authedProcedure('kpi.read')
    .input(queryInput)
    .query(({ ctx, input }) => {
      ctx.scope.assert(...input.queries.map((q) => q.orgCode));
      return ctx.rt.kpi.query(input.queries, ctx.now());
    }),

  /** The drill-down contract: the leaf records behind a KPI figure, paged and sortable; personal data masked. */
  rows: authedProcedure('rows.read')
    .input(rowsInput)
    .query(async ({ ctx, input }) => {
      ctx.scope.assert(input.orgCode);
      const { reveal, ...q } = input;
      if (reveal && !can(ctx.user.role, 'pii.reveal')) {
        throw new TRPCError({ code: 'FORBIDDEN', message: '无权查看完整个人信息 (role may not reveal personal data)' });
      }
      const result = await ctx.rt.kpi.rows(q, ctx.now());
      const personal = personalColumns(q.kpi);
      if (reveal && personal.length > 0) {
        await audit(ctx.rt.db, {
          actor: ctx.user.id,
          action: 'pii.reveal',
          target: q.kpi,
          detail: { orgCode: q.orgCode, part: q.part, page: q.page, rows: result.rows.length, columns: personal },
        });
      }
      return {
        ...result,
        columns: result.columns.map((c) => ({ ...c, personal: personal.includes(c.name), masked: !reveal && personal.includes(c.name) })),
        rows: reveal ? result.rows : maskRows(result.rows, personal),
      };
    }),

  /** Definition parameters with their current values and who last changed them. */
  parameters: authedProcedure('kpi.read').query(({ ctx }) => ctx.rt.kpi.parameters()),

  /** Changes definition parameters (administrators); audited; dependent rollups rebuild in the background. */
  setParameters: authedProcedure('kpi.params')
    .input(setParametersInput)
    .mutation(({ ctx, input }) => {
      // Parameters move every unit's figures: only a province-wide administrator changes them.
      if (ctx.scope.orgCode !== PROVINCE.code)
        throw new ForbiddenError('指标参数仅限省级管理员修改 (KPI parameters: province administrators only)');
      return ctx.rt.kpi.setParameters(input.changes, ctx.user.id);
    }),
});
