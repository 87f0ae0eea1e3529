import type { KpiQueryResult } from '../kpi/query/execute';

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
}

/** A zone's figures for one refresh: one call, cached and shared by every screen showing the zone. */
export interface ZoneData {
  asOf: string;
  layoutId: string;
  zoneId: string;
  panels: Record<string, PanelData>;
}
