import { z } from 'zod';
import { PROVINCE } from '@/core/org/divisions';

// A wall layout is data (DOMAIN.md §5): a canvas of any spliced size, zones on it, and in each zone an
// ordered list of panels with its own rotation; scenes switch a zone to another panel list at once
// ("storm response", "visitor tour"). Stored in the relational store, edited by administrators.

export const ZONE_KINDS = ['monitoring', 'analysis', 'visitor', 'indicator', 'custom'] as const;
export type ZoneKind = (typeof ZONE_KINDS)[number];
export const ZONE_KIND_LABEL: Record<ZoneKind, { zh: string; en: string }> = {
  monitoring: { zh: '监控区', en: 'Monitoring' },
  analysis: { zh: '分析区', en: 'Analysis' },
  visitor: { zh: '参观接待区', en: 'Visitor reception' },
  indicator: { zh: '指标展示区', en: 'Indicator display' },
  custom: { zh: '自定义区', en: 'Custom' },
};

export const PANEL_TYPES = [
  'kpi_tiles', // headline KPI tiles with threshold colours and trend vs the previous period
  'queue_board', // live hall queue board
  'call_trend', // 95598 call volume, call loss and service level by interval
  'agent_states', // agents by state
  'outage_map', // deck.gl map: outages, halls by queue status, call density
  'outage_list', // outages with notification rates
  'arrears_by_city', // arrears and recovery by city
  'work_orders', // work orders near due and overdue
  'ranking', // red/yellow/green ranking of cities or counties
  'alert_banner', // the most severe active alert(s), one line
  'alert_list', // active alert list
  'freshness', // source freshness
  'achievements', // the company's service achievements (visitor zone: aggregates only)
] as const;
export type PanelType = (typeof PANEL_TYPES)[number];

const id = z.string().regex(/^[a-z0-9][a-z0-9-]{0,39}$/, 'lower-case letters, digits and -');

export const panelSchema = z.object({
  id,
  type: z.enum(PANEL_TYPES),
  title: z.object({ zh: z.string().max(40), en: z.string().max(60) }).optional(),
  /** Seconds this panel stays before the zone rotates on. */
  durationSec: z.number().int().min(5).max(3600).default(30),
  /** Panel-specific settings (KPI ids, org level, domain…), checked by the panel catalog. */
  params: z.record(z.string(), z.unknown()).default({}),
});
export type PanelSpec = z.output<typeof panelSchema>;

export const zoneSchema = z.object({
  id,
  kind: z.enum(ZONE_KINDS),
  name: z.object({ zh: z.string().max(40), en: z.string().max(60) }),
  /** Position on the canvas in canvas pixels. */
  rect: z.object({ x: z.number().int().min(0), y: z.number().int().min(0), w: z.number().int().min(100), h: z.number().int().min(100) }),
  /** Org node the zone shows (the province by default). */
  orgCode: z
    .string()
    .regex(/^\d{2}(\d{2})?(\d{2})?$/)
    .default(PROVINCE.code),
  /** Seconds between data refreshes. */
  refreshSec: z.number().int().min(2).max(300).default(10),
  /** Panels shown side by side at once (a zone shows `columns` panels of the list per page). */
  columns: z.number().int().min(1).max(6).default(1),
  panels: z.array(panelSchema).min(1).max(40),
  /** Named alternative panel lists the console can switch the zone to. */
  scenes: z
    .array(
      z.object({ id, name: z.object({ zh: z.string().max(40), en: z.string().max(60) }), panels: z.array(panelSchema).min(1).max(40) }),
    )
    .max(10)
    .default([]),
});
export type ZoneSpec = z.output<typeof zoneSchema>;

export const layoutSchema = z
  .object({
    id,
    name: z.object({ zh: z.string().max(60), en: z.string().max(80) }),
    canvas: z.object({ width: z.number().int().min(640).max(30_720), height: z.number().int().min(360).max(8640) }),
    zones: z.array(zoneSchema).min(1).max(12),
  })
  .superRefine((l, ctx) => {
    const ids = new Set<string>();
    for (const [i, z] of l.zones.entries()) {
      if (ids.has(z.id)) ctx.addIssue({ code: 'custom', path: ['zones', i, 'id'], message: `zone id ${z.id} repeats` });
      ids.add(z.id);
      if (z.id === 'control') ctx.addIssue({ code: 'custom', path: ['zones', i, 'id'], message: '"control" is the console route' });
      if (z.rect.x + z.rect.w > l.canvas.width || z.rect.y + z.rect.h > l.canvas.height) {
        ctx.addIssue({ code: 'custom', path: ['zones', i, 'rect'], message: `zone ${z.id} lies outside the canvas` });
      }
    }
  });
export type WallLayout = z.output<typeof layoutSchema>;

/** A zone's live state, set from the control console and pushed to every screen showing the zone. */
export const zoneControlSchema = z.object({
  scene: z.string().nullable().default(null),
  /** Panel id held on screen (rotation stops on it). */
  pinned: z.string().nullable().default(null),
  paused: z.boolean().default(false),
  /** Index of the panel page shown; advanced by rotation or the console. */
  index: z.number().int().min(0).default(0),
  /** When the current panel page started (epoch ms), so every screen of the zone rotates in step. */
  since: z.number().int().default(0),
});
export type ZoneControl = z.output<typeof zoneControlSchema>;
