// The dark "wall" ECharts theme: large readable type, Chinese-capable font stack, ok/warn/alarm colours.
// Importing this module registers the theme (idempotent); EChart.tsx initialises charts with WALL_THEME.
import { registerTheme } from 'echarts/core';
import { STATUS_COLORS, WALL } from './palette';

export const WALL_THEME = 'wall';

const axis = {
  axisLine: { show: true, lineStyle: { color: WALL.axisLine } },
  axisTick: { show: false },
  axisLabel: { color: WALL.textMuted, fontSize: WALL.fontSizeSmall, fontFamily: WALL.fontFamily },
  splitLine: { show: true, lineStyle: { color: WALL.splitLine } },
  nameTextStyle: { color: WALL.textMuted, fontSize: WALL.fontSizeSmall, fontFamily: WALL.fontFamily },
};

export const wallTheme = {
  color: [WALL.accent, STATUS_COLORS.warn, WALL.accent2, STATUS_COLORS.ok, STATUS_COLORS.alarm, '#b37feb'],
  backgroundColor: WALL.background,
  textStyle: { color: WALL.text, fontFamily: WALL.fontFamily, fontSize: WALL.fontSize },
  title: {
    textStyle: { color: WALL.text, fontSize: 18, fontWeight: 600, fontFamily: WALL.fontFamily },
    subtextStyle: { color: WALL.textMuted, fontSize: WALL.fontSizeSmall },
  },
  legend: {
    textStyle: { color: WALL.textMuted, fontSize: WALL.fontSizeSmall, fontFamily: WALL.fontFamily },
    itemWidth: 16,
    itemHeight: 10,
  },
  tooltip: {
    backgroundColor: WALL.tooltipBg,
    borderColor: WALL.tooltipBorder,
    borderWidth: 1,
    textStyle: { color: WALL.text, fontSize: WALL.fontSizeSmall, fontFamily: WALL.fontFamily },
    axisPointer: {
      lineStyle: { color: WALL.axisLine },
      crossStyle: { color: WALL.axisLine },
      shadowStyle: { color: 'rgba(58, 184, 255, 0.08)' },
    },
  },
  categoryAxis: { ...axis, splitLine: { show: false } },
  valueAxis: { ...axis, axisLine: { show: false } },
  timeAxis: axis,
  bar: { itemStyle: { borderRadius: 2 } },
  line: { symbolSize: 7, lineStyle: { width: 3 }, smooth: false },
  markLine: { label: { color: WALL.text, fontFamily: WALL.fontFamily } },
};

let registered = false;
export function registerWallTheme(): void {
  if (registered) return;
  registerTheme(WALL_THEME, wallTheme);
  registered = true;
}
registerWallTheme();
