import type { KpiQuery } from '../kpi/query/schema';
import type { PanelSpec, PanelType, ZoneSpec } from './layout';

// What each panel type needs from the server, declared once: the zone's data call gathers the needs of the
// panels it shows into ONE batched KPI query (plus alerts and freshness when asked), shared by every screen
// showing the zone. `visitorSafe` panels show only aggregates; a visitor zone may hold nothing else, and the
// server refuses the rest (DOMAIN.md §5: no personal data in the visitor zone, enforced on the server).

export interface PanelNeeds {
  kpi: KpiQuery[];
  /** Active alerts, most severe first. */
  alerts?: { limit: number };
  /** Per-source data freshness. */
  freshness?: boolean;
}

export interface PanelCatalogEntry {
  label: { zh: string; en: string };
  visitorSafe: boolean;
  needs(panel: PanelSpec, zone: Pick<ZoneSpec, 'orgCode'>): PanelNeeds;
}

const q = (over: Partial<KpiQuery> & Pick<KpiQuery, 'kpis'>): KpiQuery => ({
  orgCode: '53',
  by: 'total',
  time: { preset: 'today' },
  granularity: 'total',
  filters: {},
  compare: [],
  ...over,
});

/** Filled in panel by panel; a type missing here cannot be placed on a wall (the layout check says so). */
export const PANEL_CATALOG: Partial<Record<PanelType, PanelCatalogEntry>> = {
  kpi_tiles: {
    label: { zh: '核心指标', en: 'Headline KPIs' },
    visitorSafe: true,
    needs: (p, z) => ({
      kpi: [q({ key: p.id, kpis: (p.params.kpis as string[] | undefined) ?? ['queue.tickets', 'call.loss_rate'], orgCode: z.orgCode, compare: ['previous'] })],
    }),
  },
  alert_list: {
    label: { zh: '预警列表', en: 'Active alerts' },
    visitorSafe: false,
    needs: () => ({ kpi: [], alerts: { limit: 20 } }),
  },
  freshness: {
    label: { zh: '数据时效', en: 'Data freshness' },
    visitorSafe: false,
    needs: () => ({ kpi: [], freshness: true }),
  },
};
