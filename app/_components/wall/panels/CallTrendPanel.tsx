'use client';

import { useMemo } from 'react';
import { createTranslator } from '../../../_i18n/locale';
import { buildCallTrendOption, callHours } from './call-trend-options';
import { ChartPanel } from './ChartPanel';
import { findSeries, kpiName, totalPoint } from './kpi-data';
import { TotalsLine } from './TotalsLine';
import type { PanelProps } from './types';

/** call_trend: today's 95598 calls by hour (bars) with call-loss rate and service level (lines, % axis). */
export function CallTrendPanel({ panel, data, locale }: PanelProps) {
  const t = useMemo(() => createTranslator(locale), [locale]);
  const hours = useMemo(() => callHours(data), [data]);
  const totals = ['call.inbound', 'call.loss_rate', 'call.service_level'].map((kpi) => ({
    kpi,
    point: totalPoint(findSeries(data, kpi, ':total')),
  }));
  return (
    <ChartPanel
      testId={`panel-${panel.id}`}
      type="call_trend"
      ariaLabel={`${kpiName('call.inbound', locale)} · ${kpiName('call.loss_rate', locale)} · ${kpiName('call.service_level', locale)}`}
      header={<TotalsLine items={totals} locale={locale} t={t} />}
      build={(s) => buildCallTrendOption(hours, s, locale, t)}
      deps={[hours, locale, t]}
    />
  );
}
