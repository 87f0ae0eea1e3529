import { z } from 'zod';
import { audit } from '../../auth/audit';
import { ReportService } from '../../reports/service';
import { REPORT_KINDS } from '../../reports/types';
import { authedProcedure, router } from '../init';
import { idText } from '../input-guards';

// Inputs, named up front. Dates are local business dates.
const date = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, '日期格式为 YYYY-MM-DD (date as YYYY-MM-DD)');
const reportOrg = z.string().regex(/^(\d{2}|\d{4}|\d{6})$/, '报告单位为省、地市或区县编码 (province, city or county code)');
const listInput = z.object({
  kind: z.enum(REPORT_KINDS).optional(),
  /** One unit's reports; the caller's whole scope (its node and below) when left out. */
  orgCode: reportOrg.optional(),
  from: date.optional(),
  to: date.optional(),
  page: z.number().int().min(1).max(10_000).default(1),
  pageSize: z.number().int().min(1).max(100).default(30),
});
const idInput = z.object({ id: idText(40) });
const generateInput = z.object({
  kind: z.enum(REPORT_KINDS),
  orgCode: reportOrg,
  /** Any date in the period (the day, the Monday–Sunday week or the month containing it). */
  periodStart: date,
});

// 定期报告: read with kpi.read inside the caller's org scope (its node and below); generated on demand by the
// people who also open supervision items (duty.supervise: duty officers, managers, administrators), audited.

export const reportsRouter = router({
  list: authedProcedure('kpi.read')
    .input(listInput.default({ page: 1, pageSize: 30 }))
    .query(({ ctx, input }) => {
      if (input.orgCode) ctx.scope.assert(input.orgCode);
      return new ReportService(ctx.rt).list({ ...input, scopeOrg: ctx.scope.orgCode });
    }),

  get: authedProcedure('kpi.read')
    .input(idInput)
    .query(async ({ ctx, input }) => {
      const r = await new ReportService(ctx.rt).get(input.id);
      ctx.scope.assert(r.orgCode);
      return r;
    }),

  generate: authedProcedure('duty.supervise')
    .input(generateInput)
    .mutation(async ({ ctx, input }) => {
      ctx.scope.assert(input.orgCode);
      const r = await new ReportService(ctx.rt).generate(
        { kind: input.kind, orgCode: input.orgCode, date: input.periodStart, generatedBy: ctx.user.id },
        ctx.now(),
      );
      await audit(ctx.rt.db, {
        actor: ctx.user.id,
        action: 'report.generate',
        target: r.id,
        detail: { kind: r.kind, orgCode: r.orgCode, periodStart: r.period.start, periodEnd: r.period.end, replaced: r.replaced },
      });
      return r;
    }),
});
