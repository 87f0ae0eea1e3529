import { checkHealth, configuredSources } from '../../health';
import { publicProcedure, router } from '../init';

export const systemRouter = router({
  /** Liveness for anyone (status and time); the sources, jobs and back-fill detail for signed-in callers. */
  health: publicProcedure.query(async ({ ctx }) => {
    const health = await checkHealth(ctx.rt, configuredSources(ctx.rt.env));
    // Per duty channel: messages sent, failed, throttled and waiting in the last 24 h, and the last attempt.
    return ctx.user
      ? { ...health, channels: await ctx.rt.duty.desk.channelHealth().catch(() => null) }
      : { status: health.status, time: health.time };
  }),
});
