import { createCallerFactory, router } from './init';
import { alertsRouter } from './routers/alerts';
import { auditRouter } from './routers/audit';
import { authRouter } from './routers/auth';
import { screensRouter } from './routers/screens';
import { tokensRouter } from './routers/tokens';
import { usersRouter } from './routers/users';
import { kpiRouter } from './routers/kpi';
import { rulesRouter } from './routers/rules';
import { systemRouter } from './routers/system';
import { wallRouter } from './routers/wall';

export const appRouter = router({
  alerts: alertsRouter,
  audit: auditRouter,
  auth: authRouter,
  screens: screensRouter,
  tokens: tokensRouter,
  users: usersRouter,
  kpi: kpiRouter,
  rules: rulesRouter,
  system: systemRouter,
  wall: wallRouter,
});

export type AppRouter = typeof appRouter;
export const createCaller = createCallerFactory(appRouter);
