// Colours and type of the dark "wall" look, shared by the ECharts theme, the chart option builders, the deck.gl
// map and the CSS (overview.module.css repeats them as CSS variables). Pure data: safe in tests and on the server.
import type { QueueOverviewData } from '../queue-overview/types';

export type Thresholds = QueueOverviewData['thresholds'];
export type Status = 'ok' | 'warn' | 'alarm' | 'none';

export const STATUS_COLORS: Record<Status, string> = {
  ok: '#2fcf8a',
  warn: '#f5b21b',
  alarm: '#ff4d4f',
  none: '#5b6b85',
};

export const WALL = {
  background: 'transparent',
  text: '#e6edf7',
  textMuted: '#9fb0c8',
  axisLine: '#3a4a66',
  splitLine: 'rgba(120, 144, 180, 0.16)',
  accent: '#3ab8ff',
  accent2: '#7c8cff',
  tooltipBg: 'rgba(10, 20, 38, 0.94)',
  tooltipBorder: '#2d4d7c',
  fontFamily: "'Noto Sans SC Variable', 'Noto Sans SC', 'PingFang SC', 'Microsoft YaHei', sans-serif",
  fontSize: 16,
  fontSizeSmall: 14,
} as const;

export const DEFAULT_THRESHOLDS: Thresholds = { waitWarnMin: 20, waitAlarmMin: 30, queueLengthWarn: 15 };

/**
 * Status of a waiting time, as DOMAIN.md §2.1 words it: wait > 20 min is a warning, > 30 min an alarm (the
 * threshold value itself is still within it). null (no called ticket) has no status.
 */
export function waitStatus(min: number | null | undefined, th: Thresholds): Status {
  if (typeof min !== 'number' || !Number.isFinite(min)) return 'none';
  if (min > th.waitAlarmMin) return 'alarm';
  if (min > th.waitWarnMin) return 'warn';
  return 'ok';
}

/** Status of one hall's queue length (> queueLengthWarn → warn, DOMAIN.md §2.1; no queue alarm level by default). */
export function queueStatus(length: number | null | undefined, th: Thresholds): Status {
  if (typeof length !== 'number' || !Number.isFinite(length)) return 'none';
  return length > th.queueLengthWarn ? 'warn' : 'ok';
}

/** Satisfaction target from DOMAIN.md §6 (≥ 99%); the thresholds payload has no satisfaction field yet. */
export const SATISFACTION_TARGET = 0.99;

export function satisfactionStatus(rate: number | null | undefined, target = SATISFACTION_TARGET): Status {
  if (typeof rate !== 'number' || !Number.isFinite(rate)) return 'none';
  return rate >= target ? 'ok' : 'warn';
}
