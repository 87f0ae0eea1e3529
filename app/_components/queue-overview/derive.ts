// Pure derivations for the overview (tested in derive.test.ts).
import { isNum } from '../../_i18n/format';
import { queueStatus, satisfactionStatus, waitStatus, type Status } from '../charts/palette';
import type { QueueOverviewData } from './types';

export type TileStatus = Status | 'info';

export interface HallRow {
  code: string;
  name: string;
  countyName: string | null;
  cityName: string | null;
  queueLength: number;
  longestWaitMin: number;
  waitStatus: Status;
  queueStatus: Status;
}

/** The n halls with the longest current wait, longest first (ties: longer queue first); halls without a wait are left out. */
export function topLongestWaitHalls(data: Pick<QueueOverviewData, 'halls' | 'byCounty' | 'byCity' | 'thresholds'>, n = 10): HallRow[] {
  const county = new Map(data.byCounty.map((c) => [c.code, c]));
  const city = new Map(data.byCity.map((c) => [c.code, c]));
  return data.halls
    .filter((h) => isNum(h.longestWaitMin))
    .sort(
      (a, b) =>
        (b.longestWaitMin as number) - (a.longestWaitMin as number) || b.queueLength - a.queueLength || a.code.localeCompare(b.code),
    )
    .slice(0, n)
    .map((h) => {
      const c = county.get(h.countyCode);
      return {
        code: h.code,
        name: h.name,
        countyName: c?.name ?? null,
        cityName: (c && city.get(c.cityCode)?.name) ?? null,
        queueLength: h.queueLength,
        longestWaitMin: h.longestWaitMin as number,
        waitStatus: waitStatus(h.longestWaitMin, data.thresholds),
        queueStatus: queueStatus(h.queueLength, data.thresholds),
      };
    });
}

/** False before any source change was loaded: counts are then unknown (shown as —), not 0. */
export function hasSourceData(data: Pick<QueueOverviewData, 'dataAsOf'>): boolean {
  return data.dataAsOf !== null;
}

/** Halls whose current queue is above the warning length (> queueLengthWarn; exactly at it is still ok). */
export function hallsOverQueueWarn(data: Pick<QueueOverviewData, 'halls' | 'thresholds'>): number {
  return data.halls.filter((h) => queueStatus(h.queueLength, data.thresholds) === 'warn').length;
}

export interface KpiStatuses {
  tickets: TileStatus;
  queue: TileStatus;
  wait: TileStatus;
  satisfaction: TileStatus;
}

/**
 * Tile colours. Tickets issued has no threshold (neutral). The queue threshold is per hall: above hall level the
 * tile warns when any hall is above it (the province total is not compared with a per-hall number).
 */
export function kpiStatuses(data: QueueOverviewData): KpiStatuses {
  const { totals, thresholds } = data;
  if (!hasSourceData(data)) return { tickets: 'none', queue: 'none', wait: 'none', satisfaction: 'none' };
  const queue: TileStatus =
    data.scope.level === 'hall' ? queueStatus(totals.queueLength, thresholds) : hallsOverQueueWarn(data) > 0 ? 'warn' : 'ok';
  return {
    tickets: 'info',
    queue,
    wait: waitStatus(totals.avgWaitMin, thresholds),
    satisfaction: satisfactionStatus(totals.satisfactionRate),
  };
}
