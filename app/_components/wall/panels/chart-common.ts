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
