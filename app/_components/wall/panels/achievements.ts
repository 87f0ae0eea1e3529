// The company's service achievements for the visitor zone: this year's aggregates of the published service
// figures (DOMAIN.md §6), from the KPI layer; no person, customer or single site. Pure; see achievements.test.ts.
import { ACHIEVEMENT_KPIS } from '@/server/wall/panel-catalog';
import type { PanelData } from '@/server/wall/types';
import type { Locale, MessageKey, Translate } from '../../../_i18n/locale';
import { findSeries, formatFigure, kpiName, totalPoint, trendOf, type Trend } from './kpi-data';

export interface Achievement {
  kpi: string;
  label: string;
  value: string;
  unit: string;
  /** Against the same period last year (同比), null without both figures. */
  yoy: Trend | null;
}

/** Labels that say what a volume stands for to a visitor ("营业厅服务客户" rather than "叫号量"). */
const LABELS: Record<string, MessageKey> = { 'queue.called': 'wallp.ach.served', 'call.inbound': 'wallp.ach.calls' };

export function buildAchievements(data: PanelData | undefined, locale: Locale, t: Translate): Achievement[] {
  return ACHIEVEMENT_KPIS.map((kpi) => {
    const p = totalPoint(findSeries(data, kpi));
    const f = formatFigure(kpi, p?.value, locale, t);
    const label = LABELS[kpi];
    return {
      kpi,
      label: label ? t(label) : kpiName(kpi, locale),
      value: f.value,
      unit: f.unit,
      yoy: p ? trendOf(kpi, p.value, p.compare.yoy, locale, t) : null,
    };
  });
}

/** The period the figures cover, from the panel's time setting ("本年累计" by default). */
export function periodLabel(panelTime: unknown, t: Translate): string {
  if (panelTime === undefined || panelTime === 'this_year') return t('wallp.ach.period.this_year');
  if (panelTime === 'last_13_months') return t('wallp.ach.period.last_13_months');
  return t('wallp.ach.period.other');
}
