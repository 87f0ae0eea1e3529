// Colours and type of the dark "wall" look, shared by the ECharts theme, the chart option builders, the deck.gl
// map and the CSS (home/home.module.css repeats them as CSS variables). Pure data: safe in tests and on the server.
// Statuses are never judged here: every status is the one the KPI layer returned with its figure.

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
