import { listAlerts } from '../alerts/rule-service';
import type { ClickHouse } from '@/core/clickhouse/client';
import type { Db } from '../db/client';
import type { Env } from '@/core/env';
import { sourceLateness } from '@/etl/runtime/lateness';
import { KPI_BY_ID } from '../kpi/definitions';
import { KpiQueryError } from '../kpi/query/compile';
import { kpiQueryInput, type KpiQuery } from '../kpi/query/schema';
import { businessDate, businessDayOf, ymd } from '../kpi/query/time';
import type { Freshness, KpiService } from '../kpi/service';
import { sourceFreshness } from '@/etl/runtime/run-records';
import { hallDirectory } from '../repositories/queue-tickets';
import { DEMO_LAYOUTS } from './demo-layouts';
import type { WallEvents } from './events';
import { layoutSchema, zoneControlSchema, type PanelSpec, type WallLayout, type ZoneControl, type ZoneSpec } from './layout';
import { PANEL_CATALOG, type PanelNeeds } from './panel-catalog';
import { activePanels, applyControl, DEFAULT_CONTROL, type ControlAction } from './rotation';
import type { PanelData, ZoneData } from './types';

// Wall layouts (relational store, versioned, audited), zone control state (console → every screen of the zone)
// and the zone data call: the needs of every panel in the zone's current list gathered into ONE KPI batch plus
// alerts and freshness, cached per zone for its refresh interval so N screens of a zone cost one computation.

export interface WallRuntime {
  ch: ClickHouse;
  db: Db;
  env: Pick<Env, 'BUSINESS_TZ'>;
  kpi: KpiService;
  events: WallEvents;
  bootedAt: number;
}

export interface LayoutIssue {
  path: string;
  message: string;
}

export class WallNotFoundError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'WallNotFoundError';
  }
}

export class WallLayoutError extends Error {
  constructor(readonly issues: LayoutIssue[]) {
    super(issues.map((i) => (i.path ? `${i.path}: ${i.message}` : i.message)).join('; '));
    this.name = 'WallLayoutError';
  }
}

export class WallConflictError extends Error {
  constructor(readonly current: number) {
    super(`布局已被他人修改（当前版本 ${current}），请重新加载后再保存 (layout changed meanwhile: version ${current})`);
    this.name = 'WallConflictError';
  }
}

export interface StoredLayout {
  layout: WallLayout;
  version: number;
  updatedBy: string;
  updatedAt: string;
}

export interface ZoneControlView extends ZoneControl {
  updatedBy: string | null;
  updatedAt: string | null;
}

const LAYOUT_TTL_MS = 2_000;
const WATCH_MS = 2_000;
/** Halls move rarely: their places are read once per 5 minutes (as the KPI layer reads their names). */
const HALL_POSITIONS_TTL_MS = 300_000;

type HallPlace = { hall_code: string; county_code: string; lon: number; lat: number };

/**
 * Hall code → [lon, lat] (rounded to 1e-5°, about a metre) of the halls within `orgCode` (by hall code or
 * county code, as the KPI layer's hall break-down), leaving out places that cannot be real: not finite, off
 * the globe, or 0/0 (an unset place). The map draws a hall without a place at its county's centroid.
 */
export function hallPositionsWithin(halls: readonly HallPlace[], orgCode: string): Record<string, [number, number]> {
  const out: Record<string, [number, number]> = {};
  const r = (v: number) => Math.round(v * 1e5) / 1e5;
  for (const h of halls) {
    if (!h.hall_code.startsWith(orgCode) && !h.county_code.startsWith(orgCode)) continue;
    const { lon, lat } = h;
    if (!Number.isFinite(lon) || !Number.isFinite(lat) || Math.abs(lon) > 180 || Math.abs(lat) > 90 || (lon === 0 && lat === 0)) continue;
    out[h.hall_code] = [r(lon), r(lat)];
  }
  return out;
}

/**
 * The full check of a layout an administrator saves: the schema, then the panel catalog — every panel type
 * must be in it, a visitor zone may hold only visitor-safe panels (in its own list and every scene), panel ids
 * are unique within a list, scene ids within a zone, and each panel's KPI queries are valid.
 */
export function checkLayout(input: unknown): { layout: WallLayout | null; issues: LayoutIssue[] } {
  const parsed = layoutSchema.safeParse(input);
  if (!parsed.success) return { layout: null, issues: parsed.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message })) };
  const layout = parsed.data;
  const issues: LayoutIssue[] = [];
  layout.zones.forEach((zone, zi) => {
    const lists: [string, PanelSpec[]][] = [[`zones.${zi}.panels`, zone.panels]];
    const sceneIds = new Set<string>();
    zone.scenes.forEach((s, si) => {
      if (sceneIds.has(s.id)) issues.push({ path: `zones.${zi}.scenes.${si}.id`, message: `scene id ${s.id} repeats` });
      sceneIds.add(s.id);
      lists.push([`zones.${zi}.scenes.${si}.panels`, s.panels]);
    });
    for (const [path, panels] of lists) {
      const ids = new Set<string>();
      panels.forEach((p, pi) => {
        const at = `${path}.${pi}`;
        if (ids.has(p.id)) issues.push({ path: `${at}.id`, message: `panel id ${p.id} repeats` });
        ids.add(p.id);
        const entry = PANEL_CATALOG[p.type];
        if (!entry)
          return issues.push({ path: `${at}.type`, message: `面板类型 ${p.type} 尚未提供 (panel type ${p.type} is not available)` });
        if (zone.kind === 'visitor' && !entry.visitorSafe) {
          issues.push({
            path: `${at}.type`,
            message: `参观接待区不能放置 ${p.type}：可能含个人或内部数据 (${p.type} is not allowed in a visitor zone)`,
          });
        }
        const problem = needsProblem(p, zone);
        if (problem) issues.push({ path: `${at}.params`, message: problem });
      });
    }
  });
  return { layout: issues.length ? null : layout, issues };
}

/** Why a panel's KPI queries would be refused by the KPI layer's input check, or null. */
function needsProblem(panel: PanelSpec, zone: ZoneSpec): string | null {
  const entry = PANEL_CATALOG[panel.type];
  if (!entry) return null;
  let needs: PanelNeeds;
  try {
    needs = entry.needs(panel, zone);
  } catch (err) {
    return `面板参数无效 (invalid panel settings): ${err instanceof Error ? err.message : String(err)}`;
  }
  for (const q of needs.kpi) {
    const r = kpiQueryInput.safeParse(q);
    if (!r.success)
      return `面板的指标查询无效 (invalid KPI query): ${r.error.issues.map((i) => `${i.path.join('.')} ${i.message}`).join('; ')}`;
  }
  return null;
}

interface ZoneCacheEntry {
  at: number;
  value: Promise<ZoneData>;
  /** End of the business day the answer describes: at the reset time a cached "today" is yesterday. */
  dayEnd?: number;
}

export class WallService {
  private layouts = new Map<string, { at: number; value: Promise<StoredLayout | null> }>();
  private zoneCache = new Map<string, ZoneCacheEntry>();
  private lastGood = new Map<string, ZoneData>();
  private halls: { at: number; value: Promise<HallPlace[]> } | undefined;
  private lastHalls: HallPlace[] | null = null;
  private watchers = new Map<string, { timer: NodeJS.Timeout; refs: number; seen: Map<string, string>; version: number | null }>();

  constructor(private readonly rt: WallRuntime) {}

  // ---- layouts ----

  async listLayouts() {
    const rows = await this.rt.db.prisma.wallLayout.findMany({ orderBy: { id: 'asc' } });
    return rows.map((r) => {
      const parsed = layoutSchema.safeParse(r.spec);
      return {
        id: r.id,
        name: parsed.success ? parsed.data.name : { zh: r.name, en: r.name },
        canvas: parsed.success ? parsed.data.canvas : null,
        zones: parsed.success ? parsed.data.zones.map((z) => ({ id: z.id, kind: z.kind, name: z.name })) : [],
        valid: parsed.success,
        version: r.version,
        updatedBy: r.updatedBy,
        updatedAt: r.updatedAt.toISOString(),
      };
    });
  }

  /** A stored layout, read through a 2 s cache (every zone data call starts here). */
  getLayout(id: string): Promise<StoredLayout | null> {
    const hit = this.layouts.get(id);
    if (hit && Date.now() - hit.at < LAYOUT_TTL_MS) return hit.value;
    const value = (async () => {
      const row = await this.rt.db.prisma.wallLayout.findUnique({ where: { id } });
      if (!row) return null;
      const parsed = layoutSchema.safeParse(row.spec);
      if (!parsed.success) throw new WallLayoutError(parsed.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message })));
      return { layout: parsed.data, version: row.version, updatedBy: row.updatedBy, updatedAt: row.updatedAt.toISOString() };
    })();
    this.layouts.set(id, { at: Date.now(), value });
    value.catch(() => this.layouts.delete(id));
    return value;
  }

  async requireLayout(id: string): Promise<StoredLayout> {
    const l = await this.getLayout(id);
    if (!l) throw new WallNotFoundError(`没有大屏布局 ${id} (no wall layout ${id})`);
    return l;
  }

  async requireZone(layoutId: string, zoneId: string): Promise<{ stored: StoredLayout; zone: ZoneSpec }> {
    const stored = await this.requireLayout(layoutId);
    const zone = stored.layout.zones.find((z) => z.id === zoneId);
    if (!zone) throw new WallNotFoundError(`布局 ${layoutId} 没有区域 ${zoneId} (no zone ${zoneId} in layout ${layoutId})`);
    return { stored, zone };
  }

  /**
   * Creates or replaces a layout after the full check. `expectedVersion` (the version the editor loaded; null
   * for a new layout) guards against overwriting someone else's save. Audited with the before/after versions.
   */
  async saveLayout(input: unknown, expectedVersion: number | null, actor: string, note?: string): Promise<{ id: string; version: number }> {
    const { layout, issues } = checkLayout(input);
    if (!layout) throw new WallLayoutError(issues);
    const saved = await this.rt.db.prisma.$transaction(async (tx) => {
      const current = await tx.wallLayout.findUnique({ where: { id: layout.id }, select: { version: true } });
      if ((current?.version ?? null) !== expectedVersion) throw new WallConflictError(current?.version ?? 0);
      const version = (current?.version ?? 0) + 1;
      const data = { name: layout.name.zh, spec: layout as object, version, updatedBy: actor };
      await tx.wallLayout.upsert({ where: { id: layout.id }, create: { id: layout.id, ...data }, update: data });
      await tx.auditLog.create({
        data: {
          actor,
          action: current ? 'wall.layout.update' : 'wall.layout.create',
          target: layout.id,
          detail: { version, previousVersion: current?.version ?? null, note: note ?? null, spec: layout } as object,
        },
      });
      return { id: layout.id, version };
    });
    this.layouts.delete(layout.id);
    this.rt.events.publish({ type: 'layout', layoutId: layout.id, version: saved.version, at: Date.now() });
    return saved;
  }

  /** Writes the demo layouts that are absent (a fresh start, or one deleted by an administrator). */
  async seedDemoLayouts(actor = 'system'): Promise<string[]> {
    const written: string[] = [];
    for (const input of DEMO_LAYOUTS) {
      const layout = layoutSchema.parse(input);
      if (await this.rt.db.prisma.wallLayout.findUnique({ where: { id: layout.id }, select: { id: true } })) continue;
      await this.rt.db.prisma.$transaction([
        this.rt.db.prisma.wallLayout.create({
          data: { id: layout.id, name: layout.name.zh, spec: layout as object, version: 1, updatedBy: actor },
        }),
        this.rt.db.prisma.auditLog.create({
          data: {
            actor,
            action: 'wall.layout.create',
            target: layout.id,
            detail: { version: 1, note: 'demo layout', spec: layout } as object,
          },
        }),
      ]);
      written.push(layout.id);
    }
    return written;
  }

  // ---- zone control ----

  async controls(layoutId: string): Promise<Record<string, ZoneControlView>> {
    const stored = await this.requireLayout(layoutId);
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
    const { zone } = await this.requireZone(layoutId, zoneId);
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
            this.layouts.delete(layoutId);
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

  // ---- zone data ----

  /**
   * The figures of every panel in the zone's list for `scene` (null = the zone's own panels): one KPI batch,
   * alerts and freshness, shared for the zone's refresh interval by every screen that asks. When the data
   * store fails, the last good answer comes back with every panel marked stale and `degraded` saying why.
   */
  async zoneData(layoutId: string, zoneId: string, scene: string | null, now: number): Promise<ZoneData> {
    const { stored, zone } = await this.requireZone(layoutId, zoneId);
    const sceneId = scene && zone.scenes.some((s) => s.id === scene) ? scene : null;
    const key = `${layoutId}@${stored.version}/${zoneId}/${sceneId ?? ''}`;
    const hit = this.zoneCache.get(key);
    if (hit && Date.now() - hit.at < zone.refreshSec * 1000 && !(hit.dayEnd !== undefined && now >= hit.dayEnd)) return hit.value;
    // The last good answer outlives a layout version: a save while the store is down must not blank the zone.
    const goodKey = `${layoutId}/${zoneId}/${sceneId ?? ''}`;
    const value = this.computeZone(layoutId, stored.version, zone, sceneId, now).then(
      (data) => {
        this.lastGood.set(goodKey, data);
        return data;
      },
      (err: unknown) => {
        const last = this.lastGood.get(goodKey);
        if (!last) throw err;
        const reason = err instanceof Error ? err.message : String(err);
        console.error(`[wall] ${key}: serving the last good data: ${reason}`);
        return {
          ...last,
          degraded: '数据服务暂不可用，显示最近一次成功获取的数据 (data store unavailable: showing the last good data)',
          panels: Object.fromEntries(Object.entries(last.panels).map(([id, p]) => [id, { ...p, stale: true }])),
        } satisfies ZoneData;
      },
    );
    const entry: ZoneCacheEntry = { at: Date.now(), value };
    // A failure is shared for the interval too: N screens of a zone whose store is down still cost one call.
    value.then((d) => (entry.dayEnd = Date.parse(d.businessDay.to))).catch(() => {});
    this.zoneCache.set(key, entry);
    if (this.zoneCache.size > 200) for (const [k, v] of this.zoneCache) if (Date.now() - v.at > 300_000) this.zoneCache.delete(k);
    return value;
  }

  private async computeZone(layoutId: string, version: number, zone: ZoneSpec, scene: string | null, now: number): Promise<ZoneData> {
    const visitor = zone.kind === 'visitor';
    const panels = activePanels(zone, scene);
    const kpi = this.rt.kpi;
    const result: Record<string, PanelData> = {};
    const plans: { panel: PanelSpec; needs: PanelNeeds; from: number; to: number }[] = [];
    const batch: KpiQuery[] = [];
    for (const panel of panels) {
      const entry = PANEL_CATALOG[panel.type];
      // Enforced here, not only in the layout check: a visitor zone never serves a panel that is not visitor-safe.
      const refused = !entry
        ? 'unknown_type'
        : visitor && !entry.visitorSafe
          ? 'not_visitor_safe'
          : needsProblem(panel, zone)
            ? 'bad_params'
            : null;
      if (refused || !entry) {
        result[panel.id] = { kpi: [], dataAsOf: null, stale: false, refused: refused ?? 'unknown_type' };
        continue;
      }
      const needs = entry.needs(panel, zone);
      const queries = needs.kpi.map((q) => kpiQueryInput.parse(q));
      plans.push({ panel, needs, from: batch.length, to: batch.length + queries.length });
      batch.push(...queries);
    }
    const alertLimit = Math.max(0, ...plans.map((p) => p.needs.alerts?.limit ?? 0));
    const wantFreshness = plans.some((p) => p.needs.freshness);
    // A visitor zone never gets hall positions: its map keeps one dot per county (the panel catalog).
    const wantPositions = !visitor && plans.some((p) => p.needs.hallPositions);
    const [ctx, kpiRes, alerts, fresh, halls] = await Promise.all([
      kpi.context(now),
      batch.length ? this.runBatch(batch, plans, now) : null,
      alertLimit ? listAlerts(this.rt, { state: 'firing', orgCode: zone.orgCode, limit: alertLimit }) : null,
      wantFreshness ? sourceFreshness(this.rt.ch) : null,
      wantPositions ? this.hallPlaces() : null,
    ]);
    const positions = halls ? hallPositionsWithin(halls, zone.orgCode) : null;
    const asOf = new Date(now).toISOString();
    for (const plan of plans) {
      const { panel, needs } = plan;
      const data: PanelData = { kpi: [], dataAsOf: asOf, stale: false };
      if (needs.kpi.length && kpiRes) {
        const own = kpiRes.results.slice(plan.from, plan.to);
        if (own.some((r) => r === null)) {
          result[panel.id] = { kpi: [], dataAsOf: null, stale: false, refused: 'bad_params' };
          continue;
        }
        data.kpi = own as NonNullable<(typeof own)[number]>[];
        const families = new Set(needs.kpi.flatMap((q) => q.kpis).map((id) => KPI_BY_ID.get(id)?.family));
        const fams = kpiRes.freshness.filter((f) => families.has(f.family));
        data.dataAsOf = oldest(fams);
        data.stale = fams.some((f) => f.stale);
      }
      if (needs.alerts && alerts) {
        data.alertCounts = alerts.firingBySeverity;
        // A visitor zone learns how many alerts there are, never what they say.
        if (!visitor) {
          data.alerts = alerts.items.slice(0, needs.alerts.limit).map((a) => ({
            id: a.id,
            severity: a.severity,
            title: a.title,
            titleEn: a.titleEn,
            orgName: a.orgName,
            firedAt: a.firedAt,
            condition: a.condition,
            situationId: a.situationId,
          }));
        }
      }
      if (needs.hallPositions && positions && !visitor) data.hallPositions = positions;
      if (needs.freshness && fresh && !visitor) {
        data.freshness = fresh.map((f) => {
          const { lagSeconds, late } = sourceLateness(f.source, f.completeUpTo, now, this.rt.bootedAt);
          return {
            source: f.source,
            ok: !late,
            lagSeconds,
            lastSuccessAt: f.lastSuccessAt == null ? null : new Date(f.lastSuccessAt).toISOString(),
          };
        });
      }
      result[panel.id] = data;
    }
    const b = businessDate(ctx.cal, now);
    const day = businessDayOf(ctx.cal, now);
    return {
      asOf,
      layoutId,
      zoneId: zone.id,
      version,
      scene,
      businessDay: { date: ymd(b), from: new Date(day.from).toISOString(), to: new Date(day.to).toISOString() },
      refreshSec: zone.refreshSec,
      degraded: null,
      panels: result,
    };
  }

  /**
   * Every hall's place, read through a 5-minute cache. When they cannot be read: the last places read, else null
   * (the map then draws its halls per county) rather than the zone failing for want of an extra.
   */
  private async hallPlaces(): Promise<HallPlace[] | null> {
    if (!this.halls || Date.now() - this.halls.at >= HALL_POSITIONS_TTL_MS) {
      const value = hallDirectory(this.rt.ch);
      const entry = { at: Date.now(), value };
      this.halls = entry;
      value.catch(() => {
        if (this.halls === entry) this.halls = undefined;
      });
    }
    try {
      return (this.lastHalls = await this.halls.value);
    } catch (err) {
      console.error(`[wall] hall positions unavailable: ${err instanceof Error ? err.message : String(err)}`);
      return this.lastHalls;
    }
  }

  /**
   * The zone's one KPI batch. A question the KPI layer refuses (a panel's settings it cannot answer) would sink
   * the whole batch: then each panel is asked alone once, so one bad panel is refused and the others show.
   */
  private async runBatch(batch: KpiQuery[], plans: { from: number; to: number }[], now: number) {
    const kpi = this.rt.kpi;
    try {
      return await kpi.query(batch, now);
    } catch (err) {
      if (!(err instanceof KpiQueryError)) throw err;
      const parts = await Promise.all(
        plans.map((p) => (p.to > p.from ? kpi.query(batch.slice(p.from, p.to), now).catch(() => null) : null)),
      );
      const results: (Awaited<ReturnType<typeof kpi.query>>['results'][number] | null)[] = [];
      const freshness: Freshness[] = [];
      plans.forEach((p, i) => {
        const part = parts[i];
        for (let j = p.from; j < p.to; j++) results.push(part ? part.results[j - p.from]! : null);
        if (part) freshness.push(...part.freshness);
      });
      return { asOf: new Date(now).toISOString(), results, freshness };
    }
  }
}

function oldest(fams: Freshness[]): string | null {
  if (!fams.length || fams.some((f) => f.dataAsOf === null)) return null;
  return fams.map((f) => f.dataAsOf!).sort()[0]!;
}

const strip = (c: ZoneControlView): ZoneControl => ({ scene: c.scene, pinned: c.pinned, paused: c.paused, index: c.index, since: c.since });
