import { z } from 'zod';
import { exportInput } from '../../exports/request';
import { authedProcedure, router } from '../init';

// Inputs, named up front: an export (format, request, language; `background` asks for a job whatever the
// size), and a job id.
const createInput = exportInput.extend({ background: z.boolean().default(false) });
const jobInput = z.object({
  id: z.string().regex(/^[a-z0-9]{1,40}$/i, '导出任务编号无效 (invalid export id)'),
});

export const exportsRouter = router({
  /**
   * Starts an export (导出): a direct download (`url`, GET /api/export) when it holds at most
   * EXPORT_DIRECT_MAX_ROWS rows, else a background job (`jobId`; poll exports.get). Org scope and personal-data
   * reveal are checked here and again by the download.
   */
  create: authedProcedure('export')
    .input(createInput)
    .mutation(({ ctx, input }) => {
      const { background, ...spec } = input;
      return ctx.rt.exports.create(ctx.user, spec, ctx.now(), { background });
    }),

  /** The caller's export jobs, newest first. */
  list: authedProcedure('export').query(({ ctx }) => ctx.rt.exports.list(ctx.user)),

  /** One export job (the caller's; a province administrator sees any): status, rows, bytes, download URL. */
  get: authedProcedure('export')
    .input(jobInput)
    .query(({ ctx, input }) => ctx.rt.exports.get(ctx.user, input.id)),
});
