import { createCallerFactory, router } from './init';
import { alertsRouter } from './routers/alerts';
import { auditRouter } from './routers/audit';
import { dutyRouter } from './routers/duty';
import { handoverRouter } from './routers/handover';
import { rosterRouter } from './routers/roster';
import { runlogRouter } from './routers/runlog';
import { supervisionRouter } from './routers/supervision';
import { reportsRouter } from './routers/reports';
import { authRouter } from './routers/auth';
import { screensRouter } from './routers/screens';
import { tokensRouter } from './routers/tokens';
import { usersRouter } from './routers/users';
import { kpiRouter } from './routers/kpi';
import { recordsRouter } from './routers/records';
import { rulesRouter } from './routers/rules';
import { systemRouter } from './routers/system';
import { wallRouter } from './routers/wall';
import { exportsRouter } from './routers/exports';

export const appRouter = router({
  alerts: alertsRouter,
  audit: auditRouter,
  duty: dutyRouter,
  handover: handoverRouter,
  roster: rosterRouter,
  runlog: runlogRouter,
  supervision: supervisionRouter,
  reports: reportsRouter,
  auth: authRouter,
  screens: screensRouter,
  tokens: tokensRouter,
  users: usersRouter,
  kpi: kpiRouter,
  records: recordsRouter,
  rules: rulesRouter,
  system: systemRouter,
  wall: wallRouter,
  exports: exportsRouter,
});

export type AppRouter = typeof appRouter;
export const createCaller = createCallerFactory(appRouter);
