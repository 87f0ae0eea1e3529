// Outages with their notification rates, by county: only counties with outages in the period, most
// customers affected first, with the zone's total. Pure; see outage-list.test.ts.
import type { KpiPoint } from '@/server/kpi/query/result';
import type { PanelData } from '@/server/wall/types';
import { isNum } from '../../../_i18n/format';
import { findSeries, pointsByOrg, totalPoint } from './kpi-data';

export interface OutageRow {
  code: string;
  name: string;
  events: number | null;
  affected: number | null;
  notified: KpiPoint | null;
  timely: KpiPoint | null;
}

export function buildOutageList(data: PanelData | undefined): { rows: OutageRow[]; total: OutageRow | null } {
  const events = pointsByOrg(findSeries(data, 'outage.events'));
  const affected = pointsByOrg(findSeries(data, 'outage.affected'));
  const notified = pointsByOrg(findSeries(data, 'outage.notified_rate'));
  const timely = pointsByOrg(findSeries(data, 'outage.timely_rate'));
  const rows = [...events.keys()]
    .map((code) => ({
      code,
      name: events.get(code)!.orgName,
      events: events.get(code)?.value ?? null,
      affected: affected.get(code)?.value ?? null,
      notified: notified.get(code) ?? null,
      timely: timely.get(code) ?? null,
    }))
    .filter((r) => (isNum(r.events) && r.events > 0) || (isNum(r.affected) && r.affected > 0))
    .sort((a, b) => (b.affected ?? -1) - (a.affected ?? -1) || (b.events ?? -1) - (a.events ?? -1) || a.code.localeCompare(b.code));
  const te = totalPoint(findSeries(data, 'outage.events', ':total'));
  const total: OutageRow | null = te
    ? {
        code: te.orgCode,
        name: te.orgName,
        events: te.value,
        affected: totalPoint(findSeries(data, 'outage.affected', ':total'))?.value ?? null,
        notified: totalPoint(findSeries(data, 'outage.notified_rate', ':total')),
        timely: totalPoint(findSeries(data, 'outage.timely_rate', ':total')),
      }
    : null;
  return { rows, total };
}
