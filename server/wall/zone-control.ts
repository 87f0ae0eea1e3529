import type { Db } from '../db/client';
import type { WallEvents } from './events';
import { zoneControlSchema, type ZoneControl } from './layout';
import type { WallLayouts } from './layouts';
import { applyControl, DEFAULT_CONTROL, type ControlAction } from './rotation';

// Zone control: the console's actions on a zone, stored (audited) and pushed to every screen of the layout,
// and the watchers that, while screens of a layout are connected here, push what another process changed.

export interface ZoneControlView extends ZoneControl {
  updatedBy: string | null;
  updatedAt: string | null;
}

const WATCH_MS = 2_000;

export class ZoneControls {
  private watchers = new Map<string, { timer: NodeJS.Timeout; refs: number; seen: Map<string, string>; version: number | null }>();

  constructor(
    private readonly rt: { db: Db; events: WallEvents },
    private readonly layouts: WallLayouts,
  ) {}

  async controls(layoutId: string): Promise<Record<string, ZoneControlView>> {
    const stored = await this.layouts.requireLayout(layoutId);
    const rows = await this.rt.db.prisma.wallZoneControl.findMany({ where: { layoutId } });
    const byZone = new Map(rows.map((r) => [r.zoneId, r]));
    return Object.fromEntries(
      stored.layout.zones.map((z) => {
        const r = byZone.get(z.id);
        const view: ZoneControlView = r
          ? {
              scene: r.scene,
              pinned: r.pinned,
              paused: r.paused,
              index: r.index,
              since: r.since.getTime(),
              updatedBy: r.updatedBy,
              updatedAt: r.updatedAt.toISOString(),
            }
          : { ...DEFAULT_CONTROL, updatedBy: null, updatedAt: null };
        return [z.id, view];
      }),
    );
  }

  /** Applies a console action to a zone, stores it (audited) and pushes it to every screen of the layout. */
  async control(layoutId: string, zoneId: string, action: ControlAction, actor: string, now: number): Promise<ZoneControlView> {
    const { zone } = await this.layouts.requireZone(layoutId, zoneId);
    const current = (await this.controls(layoutId))[zoneId]!;
    const next = zoneControlSchema.parse(applyControl(zone, current, action, now));
    const data = {
      scene: next.scene,
      pinned: next.pinned,
      paused: next.paused,
      index: next.index,
      since: new Date(next.since),
      updatedBy: actor,
    };
    // Stored, then pushed at once (the screens follow within a second), then audited: the audit write is not on
    // the path from the console's tap to the wall.
    const row = await this.rt.db.prisma.wallZoneControl.upsert({
      where: { layoutId_zoneId: { layoutId, zoneId } },
      create: { layoutId, zoneId, ...data },
      update: data,
    });
    this.markSeen(layoutId, zoneId, next);
    this.rt.events.publish({ type: 'control', layoutId, zoneId, control: next, updatedBy: actor, at: now });
    await this.rt.db.prisma.auditLog.create({
      data: {
        actor,
        action: `wall.control.${action.type}`,
        target: `${layoutId}/${zoneId}`,
        detail: { action, before: strip(current), after: next } as object,
      },
    });
    return { ...next, updatedBy: actor, updatedAt: row.updatedAt.toISOString() };
  }

  /**
   * While screens of a layout are connected to this process, re-read its control state every 2 s and push
   * what changed here without passing through this process (another web process took the console's call).
   * Shared by every stream of the layout; stops with its last stream.
   */
  watch(layoutId: string): () => void {
    let w = this.watchers.get(layoutId);
    if (!w) {
      const entry = {
        refs: 0,
        seen: new Map<string, string>(),
        version: null as number | null,
        timer: undefined as unknown as NodeJS.Timeout,
      };
      const tick = async () => {
        try {
          const rows = await this.rt.db.prisma.wallZoneControl.findMany({ where: { layoutId } });
          for (const r of rows) {
            const c: ZoneControl = { scene: r.scene, pinned: r.pinned, paused: r.paused, index: r.index, since: r.since.getTime() };
            const key = JSON.stringify(c);
            const before = entry.seen.get(r.zoneId);
            entry.seen.set(r.zoneId, key);
            if (before !== undefined && before !== key) {
              this.rt.events.publish({ type: 'control', layoutId, zoneId: r.zoneId, control: c, updatedBy: r.updatedBy, at: Date.now() });
            }
          }
          const l = await this.rt.db.prisma.wallLayout.findUnique({ where: { id: layoutId }, select: { version: true } });
          if (l && entry.version !== null && l.version !== entry.version) {
            this.layouts.forget(layoutId);
            this.rt.events.publish({ type: 'layout', layoutId, version: l.version, at: Date.now() });
          }
          entry.version = l?.version ?? null;
        } catch {
          // The database is unreachable: screens keep their state and poll; the next tick tries again.
        }
      };
      entry.timer = setInterval(() => void tick(), WATCH_MS);
      entry.timer.unref?.();
      void tick();
      this.watchers.set(layoutId, entry);
      w = entry;
    }
    w.refs++;
    return () => {
      const cur = this.watchers.get(layoutId);
      if (!cur) return;
      cur.refs--;
      if (cur.refs <= 0 || this.rt.events.subscriberCount(layoutId) === 0) {
        clearInterval(cur.timer);
        this.watchers.delete(layoutId);
      }
    };
  }

  private markSeen(layoutId: string, zoneId: string, c: ZoneControl) {
    this.watchers.get(layoutId)?.seen.set(zoneId, JSON.stringify(c));
  }
}

const strip = (c: ZoneControlView): ZoneControl => ({ scene: c.scene, pinned: c.pinned, paused: c.paused, index: c.index, since: c.since });
