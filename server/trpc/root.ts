import { createCallerFactory, router } from './init';
import { alertsRouter } from './routers/alerts';
import { kpiRouter } from './routers/kpi';
import { rulesRouter } from './routers/rules';
import { systemRouter } from './routers/system';

export const appRouter = router({
  alerts: alertsRouter,
  kpi: kpiRouter,
  rules: rulesRouter,
  system: systemRouter,
});

export type AppRouter = typeof appRouter;
export const createCaller = createCallerFactory(appRouter);
