// The alert list's logic: the order people read it in (firing first, newest first), alerts that belong to
// one situation (关联研判) shown together, and the `kpi.rows` question behind an alert. Pure functions.

import type { z } from 'zod';
import type { kpiRowsInput as kpiRowsSchema } from '@/server/kpi/query/schema';
import { severityOrder, worstSeverity, type Severity } from './severity';

/** The fields of an `alerts.list` item this logic reads. */
export interface AlertLike {
  id: string;
  state: string;
  severity: string;
  firedAt: string;
  situationId: string | null;
}

/** Firing before recovered; then newest fired first; then the more severe; then by id (stable). */
export function orderAlerts<A extends AlertLike>(items: readonly A[]): A[] {
  return [...items].sort(
    (a, b) =>
      Number(b.state === 'firing') - Number(a.state === 'firing') ||
      Date.parse(b.firedAt) - Date.parse(a.firedAt) ||
      severityOrder(a.severity) - severityOrder(b.severity) ||
      (a.id < b.id ? -1 : a.id > b.id ? 1 : 0),
  );
}

export type AlertEntry<A extends AlertLike> =
  | { type: 'single'; key: string; alert: A }
  | {
      type: 'situation';
      key: string;
      situationId: string;
      /** The alert that opened the situation (the correlation rule's), when it is on this page. */
      head: A | null;
      /** The other alerts joined to it, in list order. */
      members: A[];
      worst: Severity | null;
      firing: boolean;
    };

/**
 * Groups alerts that share a situationId into one entry, placed where its first alert would be in the
 * ordered list; alerts without a situation stay single. A situation of one alert (its head alone) is shown
 * as a situation too, so the duty officer sees it is one.
 */
export function groupBySituation<A extends AlertLike>(ordered: readonly A[]): AlertEntry<A>[] {
  const out: AlertEntry<A>[] = [];
  const groups = new Map<string, Extract<AlertEntry<A>, { type: 'situation' }>>();
  for (const a of ordered) {
    if (!a.situationId) {
      out.push({ type: 'single', key: a.id, alert: a });
      continue;
    }
    let g = groups.get(a.situationId);
    if (!g) {
      g = {
        type: 'situation',
        key: `situation:${a.situationId}`,
        situationId: a.situationId,
        head: null,
        members: [],
        worst: null,
        firing: false,
      };
      groups.set(a.situationId, g);
      out.push(g);
    }
    if (a.id === a.situationId) g.head = a;
    else g.members.push(a);
  }
  for (const g of groups.values()) {
    const all = [...(g.head ? [g.head] : []), ...g.members];
    g.worst = worstSeverity(all.map((a) => a.severity));
    g.firing = all.some((a) => a.state === 'firing');
  }
  return out;
}

export type KpiRowsInput = z.input<typeof kpiRowsSchema>;

/** An alert's `drill` as the `kpi.rows` input, or null when it is not a KPI drill (a record, or none). */
export function kpiRowsInput(drill: unknown, pageSize = 20): KpiRowsInput | null {
  if (typeof drill !== 'object' || drill === null) return null;
  const d = drill as Record<string, unknown>;
  if (d.kind !== 'kpi' || typeof d.kpi !== 'string' || typeof d.orgCode !== 'string') return null;
  const t = d.time as Record<string, unknown> | undefined;
  const time =
    t && typeof t.from === 'string' && typeof t.to === 'string'
      ? { from: t.from, to: t.to }
      : t && typeof t.preset === 'string'
        ? ({ preset: t.preset } as { preset: 'today' })
        : null;
  if (!time) return null;
  const filters = (typeof d.filters === 'object' && d.filters !== null ? d.filters : {}) as Record<string, string[]>;
  return { kpi: d.kpi, orgCode: d.orgCode, time, filters, pageSize };
}
