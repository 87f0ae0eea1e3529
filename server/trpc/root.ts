import { createCallerFactory, router } from './init';
import { alertsRouter } from './routers/alerts';
import { kpiRouter } from './routers/kpi';
import { rulesRouter } from './routers/rules';
import { systemRouter } from './routers/system';
import { wallRouter } from './routers/wall';

export const appRouter = router({
  alerts: alertsRouter,
  kpi: kpiRouter,
  rules: rulesRouter,
  system: systemRouter,
  wall: wallRouter,
});

export type AppRouter = typeof appRouter;
export const createCaller = createCallerFactory(appRouter);
