import { etlJobs } from '@/etl/simulator/start';
import { checkHealth } from '../../health';
import { publicProcedure, router } from '../init';

export const systemRouter = router({
  health: publicProcedure.query(({ ctx }) =>
    checkHealth(
      ctx.rt,
      etlJobs(ctx.rt.env).map((j) => j.source),
    ),
  ),
});
