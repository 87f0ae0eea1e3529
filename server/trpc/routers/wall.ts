import { TRPCError } from '@trpc/server';
import { z } from 'zod';
import { PANEL_TYPES } from '../../wall/layout';
import { PANEL_CATALOG } from '../../wall/panel-catalog';
import { ControlError } from '../../wall/rotation';
import { checkLayout, WallConflictError, WallLayoutError, WallNotFoundError } from '../../wall/service';
import { adminProcedure, authedProcedure, router } from '../init';

// Inputs, named up front: a layout, a zone (with the scene a screen shows), a console action, a layout save.
const slug = z.string().regex(/^[a-z0-9][a-z0-9-]{0,39}$/, 'lower-case letters, digits and -');
const layoutInput = z.object({ layoutId: slug });
const zoneDataInput = z.object({ layoutId: slug, zoneId: slug, scene: slug.nullable().default(null) });
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

/** The wall's own failures as tRPC errors with a plain message. */
const wallProcedure = authedProcedure.use(async ({ next }) => {
  const result = await next();
  if (!result.ok) {
    const cause = result.error.cause;
    if (cause instanceof WallNotFoundError) throw new TRPCError({ code: 'NOT_FOUND', message: cause.message, cause });
    if (cause instanceof WallConflictError) throw new TRPCError({ code: 'CONFLICT', message: cause.message, cause });
    if (cause instanceof WallLayoutError || cause instanceof ControlError)
      throw new TRPCError({ code: 'BAD_REQUEST', message: cause.message, cause });
  }
  return result;
});

/** Duty operators and administrators drive the console; viewers only look. */
const operatorProcedure = wallProcedure.use(({ ctx, next }) => {
  if (ctx.user.role === 'viewer') throw new TRPCError({ code: 'FORBIDDEN', message: '需要值班员权限 (operator only)' });
  return next();
});

const wallAdminProcedure = adminProcedure.use(async ({ next }) => {
  const result = await next();
  if (!result.ok) {
    const cause = result.error.cause;
    if (cause instanceof WallConflictError) throw new TRPCError({ code: 'CONFLICT', message: cause.message, cause });
    if (cause instanceof WallLayoutError) throw new TRPCError({ code: 'BAD_REQUEST', message: cause.message, cause });
    if (cause instanceof WallNotFoundError) throw new TRPCError({ code: 'NOT_FOUND', message: cause.message, cause });
  }
  return result;
});

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
  layouts: wallProcedure.query(({ ctx }) => ctx.rt.wall.listLayouts()),

  /** One layout with every zone's control state and the server's clock (screens rotate on server time). */
  layout: wallProcedure.input(layoutInput).query(async ({ ctx, input }) => {
    const svc = ctx.rt.wall;
    const stored = await svc.requireLayout(input.layoutId);
    return { ...stored, controls: await svc.controls(input.layoutId), catalog: catalogView(), serverNow: ctx.now() };
  }),

  /** Control state only: what screens poll while their push stream is down. */
  state: wallProcedure.input(layoutInput).query(async ({ ctx, input }) => {
    const svc = ctx.rt.wall;
    const stored = await svc.requireLayout(input.layoutId);
    return { version: stored.version, controls: await svc.controls(input.layoutId), serverNow: ctx.now() };
  }),

  /** A zone's figures for one refresh: one batched, cached call shared by every screen showing the zone. */
  zoneData: wallProcedure.input(zoneDataInput).query(async ({ ctx, input }) => {
    const svc = ctx.rt.wall;
    const { zone } = await svc.requireZone(input.layoutId, input.zoneId);
    if (!zone.orgCode.startsWith(ctx.user.orgCode)) {
      throw new TRPCError({ code: 'FORBIDDEN', message: `无权查看该单位 (no access to org ${zone.orgCode})` });
    }
    return svc.zoneData(input.layoutId, input.zoneId, input.scene, ctx.now());
  }),

  /** A console action on one zone (pin, advance, pause, resume, scene, reset), pushed to every screen at once. */
  control: operatorProcedure
    .input(controlInput)
    .mutation(({ ctx, input }) => ctx.rt.wall.control(input.layoutId, input.zoneId, input.action, ctx.user.id, ctx.now())),

  /** The full check of a layout (schema and panel catalog) without saving: the editor's error list. */
  checkLayout: wallAdminProcedure.input(checkInput).mutation(({ input }) => {
    const { layout, issues } = checkLayout(input.spec);
    return { ok: !!layout, issues };
  }),

  /** Saves a layout (new or a new version of one), audited; refused with the reasons when it does not check. */
  saveLayout: wallAdminProcedure
    .input(saveInput)
    .mutation(({ ctx, input }) => ctx.rt.wall.saveLayout(input.spec, input.expectedVersion, ctx.user.id, input.note)),

  /** Who saved which version of a layout, and when (from the audit log). */
  history: wallAdminProcedure.input(layoutInput).query(async ({ ctx, input }) => {
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
