import { TRPCError } from '@trpc/server';
import { z } from 'zod';
import { PANEL_TYPES } from '../../wall/layout';
import { PANEL_CATALOG } from '../../wall/panel-catalog';
import { checkLayout } from '../../wall/layouts';
import type { Principal } from '../../auth/principal';
import type { OrgScope } from '../../auth/scope';
import { authedProcedure, router } from '../init';

// Inputs, named up front: a layout, a zone (with the scene a screen shows), a console action, a layout save.
const slug = z.string().regex(/^[a-z0-9][a-z0-9-]{0,39}$/, 'lower-case letters, digits and -');
const layoutInput = z.object({ layoutId: slug });
const zoneDataInput = z.object({ layoutId: slug, zoneId: slug, scene: slug.nullable().default(null) });
/** `staticVersion`: the version of the static part (org names, hall places) the screen holds, null for none. */
const zoneDataPackedInput = zoneDataInput.extend({ staticVersion: z.string().max(40).nullable().default(null) });
const actionInput = z.discriminatedUnion('type', [
  z.object({ type: z.literal('pin'), panelId: slug }),
  z.object({ type: z.literal('unpin') }),
  z.object({ type: z.literal('advance'), step: z.number().int().min(-40).max(40).default(1) }),
  z.object({ type: z.literal('pause') }),
  z.object({ type: z.literal('resume') }),
  z.object({ type: z.literal('scene'), sceneId: slug.nullable() }),
  z.object({ type: z.literal('reset') }),
]);
const controlInput = z.object({ layoutId: slug, zoneId: slug, action: actionInput });
const checkInput = z.object({ spec: z.unknown() });
const saveInput = z.object({
  spec: z.unknown(),
  /** The version the editor loaded; null for a new layout. */
  expectedVersion: z.number().int().min(1).nullable(),
  note: z.string().max(200).optional(),
});

/**
 * A layout is the principal's when at least one of its zones shows an org node inside their scope (a
 * Kunming manager may open a Kunming wall, not the province's); zone figures are checked zone by zone.
 */
function assertLayoutInScope(scope: OrgScope, zones: readonly { orgCode: string }[]) {
  if (!zones.some((z) => scope.contains(z.orgCode))) scope.assert(zones[0]?.orgCode ?? '__none__');
}

/** A paired screen reads its own layout (and zone, when bound to one) and nothing else. */
function assertScreenBinding(p: Principal, layoutId: string, zoneId?: string) {
  if (p.kind !== 'display') return;
  if (p.layoutId !== layoutId || (p.zoneId && zoneId !== undefined && p.zoneId !== zoneId)) {
    throw new TRPCError({ code: 'FORBIDDEN', message: '该屏幕未配对此布局或区域 (screen not paired with this layout or zone)' });
  }
}

/** What a screen needs to know of the panel types: names and whether a visitor zone may show them. */
const catalogView = () =>
  Object.fromEntries(
    PANEL_TYPES.map((t) => [
      t,
      {
        label: PANEL_CATALOG[t]?.label ?? { zh: t, en: t },
        visitorSafe: PANEL_CATALOG[t]?.visitorSafe ?? false,
        available: !!PANEL_CATALOG[t],
      },
    ]),
  );

export const wallRouter = router({
  /** Every stored layout: name, canvas, zones, version. */
  layouts: authedProcedure('wall.read').query(async ({ ctx }) => {
    const all = await ctx.rt.wall.listLayouts();
    if (ctx.user.kind === 'display') return all.filter((l) => l.id === ctx.user.layoutId);
    return all.filter((l) => l.zones.some((z) => ctx.scope.contains(z.orgCode)));
  }),

  /** One layout with every zone's control state and the server's clock (screens rotate on server time). */
  layout: authedProcedure('wall.read')
    .input(layoutInput)
    .query(async ({ ctx, input }) => {
      assertScreenBinding(ctx.user, input.layoutId);
      const svc = ctx.rt.wall;
      const stored = await svc.requireLayout(input.layoutId);
      assertLayoutInScope(ctx.scope, stored.layout.zones);
      return { ...stored, controls: await svc.controls(input.layoutId), catalog: catalogView(), serverNow: ctx.now() };
    }),

  /** Control state only: what screens poll while their push stream is down. */
  state: authedProcedure('wall.read')
    .input(layoutInput)
    .query(async ({ ctx, input }) => {
      assertScreenBinding(ctx.user, input.layoutId);
      const svc = ctx.rt.wall;
      const stored = await svc.requireLayout(input.layoutId);
      assertLayoutInScope(ctx.scope, stored.layout.zones);
      return { version: stored.version, controls: await svc.controls(input.layoutId), serverNow: ctx.now() };
    }),

  /** A zone's figures: its stored answer (one KPI batch per commit), shared by every screen showing the zone. */
  zoneData: authedProcedure('wall.read')
    .input(zoneDataInput)
    .query(async ({ ctx, input }) => {
      assertScreenBinding(ctx.user, input.layoutId, input.zoneId);
      const svc = ctx.rt.wall;
      const { zone } = await svc.requireZone(input.layoutId, input.zoneId);
      ctx.scope.assert(zone.orgCode);
      return svc.zoneData(input.layoutId, input.zoneId, input.scene, ctx.now());
    }),

  /**
   * The same answer packed for a screen's refresh (server/wall/zone-pack.ts: figures as columns, names and hall
   * places in a static part sent only when the screen's `staticVersion` is not the current one).
   */
  zoneDataPacked: authedProcedure('wall.read')
    .input(zoneDataPackedInput)
    .query(async ({ ctx, input }) => {
      assertScreenBinding(ctx.user, input.layoutId, input.zoneId);
      const svc = ctx.rt.wall;
      const { zone } = await svc.requireZone(input.layoutId, input.zoneId);
      ctx.scope.assert(zone.orgCode);
      return svc.zoneDataPacked(input.layoutId, input.zoneId, input.scene, ctx.now(), input.staticVersion);
    }),

  /** A console action on one zone (pin, advance, pause, resume, scene, reset), pushed to every screen at once. */
  control: authedProcedure('wall.control')
    .input(controlInput)
    .mutation(async ({ ctx, input }) => {
      const { zone } = await ctx.rt.wall.requireZone(input.layoutId, input.zoneId);
      ctx.scope.assert(zone.orgCode);
      return ctx.rt.wall.control(input.layoutId, input.zoneId, input.action, ctx.user.id, ctx.now());
    }),

  /** The full check of a layout (schema and panel catalog) without saving: the editor's error list. */
  checkLayout: authedProcedure('wall.layout')
    .input(checkInput)
    .mutation(({ input }) => {
      const { layout, issues } = checkLayout(input.spec);
      return { ok: !!layout, issues };
    }),

  /** Saves a layout (new or a new version of one), audited; refused with the reasons when it does not check. */
  saveLayout: authedProcedure('wall.layout')
    .input(saveInput)
    .mutation(async ({ ctx, input }) => {
      // Every zone of the layout, and of the version it replaces, must lie in the principal's scope.
      const { layout } = checkLayout(input.spec);
      if (layout) {
        ctx.scope.assert(...layout.zones.map((z) => z.orgCode));
        const before = await ctx.rt.wall.getLayout(layout.id).catch(() => null);
        if (before) ctx.scope.assert(...before.layout.zones.map((z) => z.orgCode));
      }
      return ctx.rt.wall.saveLayout(input.spec, input.expectedVersion, ctx.user.id, input.note);
    }),

  /** Who saved which version of a layout, and when (from the audit log). */
  history: authedProcedure('wall.layout')
    .input(layoutInput)
    .query(async ({ ctx, input }) => {
      assertLayoutInScope(ctx.scope, (await ctx.rt.wall.requireLayout(input.layoutId)).layout.zones);
      const rows = await ctx.rt.db.prisma.auditLog.findMany({
        where: { target: input.layoutId, action: { startsWith: 'wall.layout.' } },
        orderBy: { at: 'desc' },
        take: 50,
      });
      return rows.map((r) => {
        const d = (r.detail ?? {}) as { version?: number; note?: string | null };
        return { at: r.at.toISOString(), actor: r.actor, action: r.action, version: d.version ?? null, note: d.note ?? null };
      });
    }),
});
