import { z } from 'zod';
import { approvePairing } from '../../auth/pairing';
import { listTokens } from '../../auth/tokens';
import { authedProcedure, router } from '../init';

// Inputs, named up front: approving a pairing code for a layout (or one zone of it).
const slug = z.string().regex(/^[a-z0-9][a-z0-9-]{0,39}$/, 'lower-case letters, digits and -');
const approveInput = z.object({
  code: z.string().trim().min(4).max(12),
  layoutId: slug,
  zoneId: slug.nullable().default(null),
  name: z.string().trim().min(1).max(64),
});

// Wall screens: an administrator pairs a screen showing a code with a layout or a zone; the screen then
// runs on its display token (revoked with tokens.revoke, which closes its stream).

export const screensRouter = router({
  /** Paired screens (display tokens) with their layout, zone and last use. */
  list: authedProcedure('screens.manage').query(async ({ ctx }) =>
    (await listTokens(ctx.rt.db, 'display')).filter((t) => ctx.scope.contains(t.orgCode)),
  ),

  /** Pairs the screen showing `code`; its scope is the top org node the layout (or zone) shows. */
  approve: authedProcedure('screens.manage')
    .input(approveInput)
    .mutation(async ({ ctx, input }) => {
      const layout = await ctx.rt.wall.requireLayout(input.layoutId);
      const zones = layout.layout.zones.filter((z) => input.zoneId === null || z.id === input.zoneId);
      if (zones.length === 0) await ctx.rt.wall.requireZone(input.layoutId, input.zoneId ?? '');
      const orgCode = zones.map((z) => z.orgCode).reduce((a, b) => commonPrefix(a, b));
      ctx.scope.assert(orgCode);
      return approvePairing(ctx.rt.db, { ...input, orgCode }, ctx.user.id, ctx.now());
    }),
});

/** The deepest org node containing both codes (codes nest by prefix at lengths 2, 4, 6, 9). */
function commonPrefix(a: string, b: string): string {
  for (const n of [9, 6, 4, 2]) if (a.length >= n && b.length >= n && a.slice(0, n) === b.slice(0, n)) return a.slice(0, n);
  return a.slice(0, 2);
}
