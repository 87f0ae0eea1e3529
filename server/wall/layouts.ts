import { ConflictError, InvalidError, NotFoundError } from '@/core/errors';
import type { Db } from '../db/client';
import { kpiQueryInput } from '../kpi/query/schema';
import { DEMO_LAYOUTS } from './demo-layouts';
import type { WallEvents } from './events';
import { layoutSchema, type PanelSpec, type WallLayout, type ZoneSpec } from './layout';
import { PANEL_CATALOG, type PanelNeeds } from './panel-catalog';

// Wall layouts: a relational store of versioned, audited layouts (an administrator's save is checked in full
// against the schema and the panel catalog), read through a short cache by every zone call.

export interface LayoutIssue {
  path: string;
  message: string;
}

export class WallNotFoundError extends NotFoundError {
  constructor(message: string) {
    super(message);
    this.name = 'WallNotFoundError';
  }
}

export class WallLayoutError extends InvalidError {
  constructor(readonly issues: LayoutIssue[]) {
    super(issues.map((i) => (i.path ? `${i.path}: ${i.message}` : i.message)).join('; '));
    this.name = 'WallLayoutError';
  }
}

export class WallConflictError extends ConflictError {
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

const LAYOUT_TTL_MS = 2_000;

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
export function needsProblem(panel: PanelSpec, zone: ZoneSpec): string | null {
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

export class WallLayouts {
  private cache = new Map<string, { at: number; value: Promise<StoredLayout | null> }>();

  constructor(private readonly rt: { db: Db; events: WallEvents }) {}

  async listLayouts() {
    const rows = await this.rt.db.prisma.wallLayout.findMany({ orderBy: { id: 'asc' } });
    return rows.map((r) => {
      const parsed = layoutSchema.safeParse(r.spec);
      return {
        id: r.id,
        name: parsed.success ? parsed.data.name : { zh: r.name, en: r.name },
        canvas: parsed.success ? parsed.data.canvas : null,
        zones: parsed.success ? parsed.data.zones.map((z) => ({ id: z.id, kind: z.kind, name: z.name, orgCode: z.orgCode })) : [],
        valid: parsed.success,
        version: r.version,
        updatedBy: r.updatedBy,
        updatedAt: r.updatedAt.toISOString(),
      };
    });
  }

  /** A stored layout, read through a 2 s cache (every zone data call starts here). */
  getLayout(id: string): Promise<StoredLayout | null> {
    const hit = this.cache.get(id);
    if (hit && Date.now() - hit.at < LAYOUT_TTL_MS) return hit.value;
    const value = (async () => {
      const row = await this.rt.db.prisma.wallLayout.findUnique({ where: { id } });
      if (!row) return null;
      const parsed = layoutSchema.safeParse(row.spec);
      if (!parsed.success) throw new WallLayoutError(parsed.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message })));
      return { layout: parsed.data, version: row.version, updatedBy: row.updatedBy, updatedAt: row.updatedAt.toISOString() };
    })();
    this.cache.set(id, { at: Date.now(), value });
    value.catch(() => this.cache.delete(id));
    return value;
  }

  /** Drops a layout from the cache: it changed (a save here, or a new version another process wrote). */
  forget(id: string): void {
    this.cache.delete(id);
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
    this.forget(layout.id);
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
}
