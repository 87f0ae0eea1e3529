import { createCallerFactory, router } from './init';
import { kpiRouter } from './routers/kpi';
import { systemRouter } from './routers/system';

export const appRouter = router({
  kpi: kpiRouter,
  system: systemRouter,
});

export type AppRouter = typeof appRouter;
export const createCaller = createCallerFactory(appRouter);
