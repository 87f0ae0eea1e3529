import type { KpiQueryResult } from '../kpi/query/result';

/** One panel's data in a zone's data call. */
export interface PanelData {
  kpi: KpiQueryResult[];
  alerts?: {
    id: string;
    severity: 'red' | 'orange' | 'yellow' | 'blue';
    title: string;
    titleEn: string;
    orgName: string;
    firedAt: string;
    condition: string;
    situationId: string | null;
  }[];
  freshness?: { source: string; ok: boolean; lagSeconds: number | null; lastSuccessAt: string | null }[];
  /** Data age: the oldest data behind the panel (ISO), null when unknown. */
  dataAsOf: string | null;
  /** The panel's sources are late (the panel says so and keeps showing what it has). */
  stale: boolean;
  /**
   * Hall code → [longitude, latitude] of the zone's halls with a known place (dim_hall), for the panels that ask
   * (the outage map). Absent in a visitor zone, or when the positions could not be read: the map then shows one
   * dot per county.
   */
  hallPositions?: Record<string, [number, number]>;
  /** Active (firing) alerts per severity: what a visitor zone may know of alerts (never titles or rows). */
  alertCounts?: Record<'red' | 'orange' | 'yellow' | 'blue', number>;
  /**
   * The server does not serve this panel here: its type is not in the panel catalog, it is not visitor-safe in
   * a visitor zone (enforced on the server), or its settings made the KPI layer refuse it. No data then.
   */
  refused?: 'unknown_type' | 'not_visitor_safe' | 'bad_params';
}

/** A zone's figures: computed when data commits, stored and shared by every screen showing the zone. */
export interface ZoneData {
  asOf: string;
  layoutId: string;
  zoneId: string;
  /** Layout version and scene (null = the zone's own panels) the answer was computed for. */
  version: number;
  scene: string | null;
  /** The business day the "today" figures describe (the KPI layer's calendar: BUSINESS_TZ and reset hour). */
  businessDay: { date: string; from: string; to: string };
  /** Seconds the answer is shared for (the zone's refresh interval). */
  refreshSec: number;
  /**
   * Set when the data store failed this refresh: the panels carry the last good answer (all marked stale) and
   * this says why. Null when the answer is fresh.
   */
  degraded: string | null;
  panels: Record<string, PanelData>;
  /**
   * Number of the stored answer (grows with every recompute in the serving process): a `zone` push names the
   * number it announces, and a screen holding that one or a later one need not fetch.
   */
  seq?: number;
}
