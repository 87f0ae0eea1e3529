'use client';

import { useMemo } from 'react';
import { createTranslator } from '../../../_i18n/locale';
import { ChartPanel } from './ChartPanel';
import { findSeries, kpiName, totalPoint } from './kpi-data';
import { buildOrgBarsOption, orgRows, WORK_ORDER_SPEC, type OrgBarsSpec } from './org-bars-options';
import { TotalsLine } from './TotalsLine';
import type { PanelProps } from './types';

/** work_orders: open orders overdue and near due (stacked bars) and the on-time completion rate per unit. */
export function WorkOrdersPanel({ panel, data, locale }: PanelProps) {
  const t = useMemo(() => createTranslator(locale), [locale]);
  const spec = useMemo<OrgBarsSpec>(
    () => ({ ...WORK_ORDER_SPEC, barAxis: kpiName('wo.open', locale), rateAxis: t('wallp.wo.onTime') }),
    [t, locale],
  );
  const rows = useMemo(() => orgRows(data, spec), [data, spec]);
  const totals = ['wo.overdue', 'wo.near_due', 'wo.on_time'].map((kpi) => ({ kpi, point: totalPoint(findSeries(data, kpi, ':total')) }));
  return (
    <ChartPanel
      testId={`panel-${panel.id}`}
      type="work_orders"
      ariaLabel={`${kpiName('wo.overdue', locale)} · ${kpiName('wo.near_due', locale)} · ${kpiName('wo.on_time', locale)}`}
      header={<TotalsLine items={totals} locale={locale} t={t} />}
      build={(s) => buildOrgBarsOption(rows, spec, s, locale, t)}
      deps={[rows, spec, locale, t]}
    />
  );
}
