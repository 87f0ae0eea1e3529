import { checkHealth, configuredSources } from '../../health';
import { publicProcedure, router } from '../init';

export const systemRouter = router({
  health: publicProcedure.query(({ ctx }) => checkHealth(ctx.rt, configuredSources(ctx.rt.env))),
});
