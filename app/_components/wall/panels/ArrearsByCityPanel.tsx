'use client';

import { useMemo } from 'react';
import { createTranslator } from '../../../_i18n/locale';
import { ChartPanel } from './ChartPanel';
import { findSeries, kpiName, totalPoint } from './kpi-data';
import { ARREARS_SPEC, buildOrgBarsOption, orgRows, type OrgBarsSpec } from './org-bars-options';
import { TotalsLine } from './TotalsLine';
import { periodLabel } from './achievements';
import type { PanelProps } from './types';

/** arrears_by_city: arrears outstanding (bars) and the fee recovery rate (line) per city, with the totals. */
export function ArrearsByCityPanel({ panel, data, locale }: PanelProps) {
  const t = useMemo(() => createTranslator(locale), [locale]);
  const spec = useMemo<OrgBarsSpec>(
    () => ({
      ...ARREARS_SPEC,
      barAxis: t('wallp.arrears.axisAmount'),
      rateAxis: t('wallp.arrears.axisRate'),
      barScale: locale === 'en' ? { divisor: 1e6, unit: '¥M' } : { divisor: 1e4, unit: '万元' },
    }),
    [t, locale],
  );
  const rows = useMemo(() => orgRows(data, spec), [data, spec]);
  const totals = [
    { kpi: 'arrears.amount', point: totalPoint(findSeries(data, 'arrears.amount', ':total')) },
    {
      kpi: 'arrears.recovery_rate',
      point: totalPoint(findSeries(data, 'arrears.recovery_rate', ':total')),
      suffix: t('wallp.arrears.period', { period: periodLabel(panel.params.time, t) }),
    },
  ];
  return (
    <ChartPanel
      testId={`panel-${panel.id}`}
      type="arrears_by_city"
      ariaLabel={`${kpiName('arrears.amount', locale)} · ${kpiName('arrears.recovery_rate', locale)}`}
      header={<TotalsLine items={totals} locale={locale} t={t} />}
      build={(s) => buildOrgBarsOption(rows, spec, s, locale, t)}
      deps={[rows, spec, locale, t]}
    />
  );
}
