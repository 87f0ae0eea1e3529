// Pieces shared by the panels' ECharts options. Pure.
import type { GraphicComponentOption } from 'echarts/components';
import type { Translate } from '../../../_i18n/locale';
import { WALL } from '../../charts/palette';
import type { ChartSizes } from './chart-scale';

/**
 * The "no data" notice, always present with a fixed id and shown or hidden: charts are updated by merging
 * (setOption without notMerge), where an element left out of a later option would stay on screen.
 */
export function noDataText(show: boolean, s: ChartSizes, t: Translate): GraphicComponentOption {
  return {
    id: 'no-data',
    type: 'text',
    left: 'center',
    top: 'middle',
    silent: true,
    invisible: !show,
    style: { text: t('wallp.noData'), fill: WALL.textMuted, fontSize: Math.round(s.text * 1.4), fontFamily: WALL.fontFamily },
  };
}

/** The characters an option draws as text (legend, category names, axis and series names), without repeats. */
export function optionText(option: object): string {
  const out = new Set<string>();
  const add = (v: unknown) => {
    if (typeof v === 'string') for (const ch of v) out.add(ch);
    else if (v && typeof v === 'object' && 'value' in v) add((v as { value: unknown }).value);
  };
  const list = (v: unknown): unknown[] => (Array.isArray(v) ? v : v ? [v] : []);
  const o = option as Record<string, unknown>;
  for (const l of list(o.legend)) for (const d of list((l as { data?: unknown }).data)) add(d);
  for (const axis of [...list(o.xAxis), ...list(o.yAxis)]) {
    add((axis as { name?: unknown }).name);
    for (const d of list((axis as { data?: unknown }).data)) add(d);
  }
  for (const s of list(o.series)) add((s as { name?: unknown }).name);
  return [...out].join('');
}
