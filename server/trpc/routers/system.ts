import { checkHealth, configuredSources } from '../../health';
import { publicProcedure, router } from '../init';

export const systemRouter = router({
  /** Liveness for anyone (status and time); the sources, jobs and back-fill detail for signed-in callers. */
  health: publicProcedure.query(async ({ ctx }) => {
    const health = await checkHealth(ctx.rt, configuredSources(ctx.rt.env));
    return ctx.user ? health : { status: health.status, time: health.time };
  }),
});
