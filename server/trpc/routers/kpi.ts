import { queueOverview } from '../../kpi/queue-overview';
import { orgScopedProcedure, router } from '../init';

export const kpiRouter = router({
  /** 营业厅排队 overview for today. Input: { orgCode } (the province until the KPI layer adds drill levels). */
  queueOverview: orgScopedProcedure.query(({ ctx }) => queueOverview(ctx.rt.ch, ctx.now(), ctx.rt.env.BUSINESS_TZ)),
});
