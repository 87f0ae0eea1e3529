// The live hall queue board: every hall of the zone with its queue now, longest wait now and today's
// average wait, worst first. Pure; see queue-board.test.ts.
import type { PanelData } from '@/server/wall/types';
import { isNum } from '../../../_i18n/format';
import { findSeries, pointsByOrg, type PointStatus } from './kpi-data';

export interface HallRow {
  code: string;
  name: string;
  queue: number | null;
  longestWait: number | null;
  avgWait: number | null;
  queueStatus: PointStatus;
  waitStatus: PointStatus;
  avgStatus: PointStatus;
  /** The worse of the queue's and the longest wait's status. */
  status: PointStatus;
}

export interface QueueBoard {
  rows: HallRow[];
  halls: number;
  /** People waiting in all halls; null when no hall reported a queue. */
  waiting: number | null;
  warn: number;
  alarm: number;
}

const RANK: Record<PointStatus, number> = { alarm: 0, warn: 1, ok: 2, none: 3 };
export const worse = (a: PointStatus, b: PointStatus): PointStatus => (RANK[a] <= RANK[b] ? a : b);

/** All halls, worst status first, then longest wait, then queue length (missing values last), then code. */
export function buildQueueBoard(data: PanelData | undefined): QueueBoard {
  const length = pointsByOrg(findSeries(data, 'queue.length'));
  const longest = pointsByOrg(findSeries(data, 'queue.longest_wait_now'));
  const avg = pointsByOrg(findSeries(data, 'queue.avg_wait'));
  const codes = [...new Set([...length.keys(), ...longest.keys(), ...avg.keys()])];
  const rows = codes.map((code): HallRow => {
    const l = length.get(code);
    const w = longest.get(code);
    const a = avg.get(code);
    const queueStatus = l?.status ?? 'none';
    const waitStatus = w?.status ?? 'none';
    return {
      code,
      name: l?.orgName ?? w?.orgName ?? a?.orgName ?? code,
      queue: l?.value ?? null,
      longestWait: w?.value ?? null,
      avgWait: a?.value ?? null,
      queueStatus,
      waitStatus,
      avgStatus: a?.status ?? 'none',
      status: worse(queueStatus, waitStatus),
    };
  });
  const desc = (x: number | null, y: number | null) => (isNum(y) ? y : -Infinity) - (isNum(x) ? x : -Infinity);
  rows.sort(
    (a, b) =>
      RANK[a.status] - RANK[b.status] || desc(a.longestWait, b.longestWait) || desc(a.queue, b.queue) || a.code.localeCompare(b.code),
  );
  const queues = rows.map((r) => r.queue).filter(isNum);
  return {
    rows,
    halls: rows.length,
    waiting: queues.length ? queues.reduce((s, v) => s + v, 0) : null,
    warn: rows.filter((r) => r.status === 'warn').length,
    alarm: rows.filter((r) => r.status === 'alarm').length,
  };
}

/** Rows that fit a board of `height` CSS px (header row included), at least 4. */
export function rowsThatFit(height: number | undefined, perRowPx = 56, max = 30): number {
  if (!height || height <= 0) return 10;
  return Math.max(4, Math.min(max, Math.floor(height / perRowPx) - 2));
}
