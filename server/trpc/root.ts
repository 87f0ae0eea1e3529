import { createCallerFactory, router } from './init';
import { alertsRouter } from './routers/alerts';
import { auditRouter } from './routers/audit';
import { dutyRouter } from './routers/duty';
import { handoverRouter } from './routers/handover';
import { rosterRouter } from './routers/roster';
import { runlogRouter } from './routers/runlog';
import { supervisionRouter } from './routers/supervision';
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
  duty: dutyRouter,
  handover: handoverRouter,
  roster: rosterRouter,
  runlog: runlogRouter,
  supervision: supervisionRouter,
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
