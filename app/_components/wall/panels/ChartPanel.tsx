'use client';

import { useEffect, useMemo, useRef, useState } from 'react';
import type { EChartsCoreOption } from 'echarts/core';
import { EChart } from '../../charts/EChart';
import { chartScale, chartSizes, type ChartSizes } from './chart-scale';
import { optionText } from './chart-common';
import styles from './panels.module.css';
import { usePanelSize } from './usePanelSize';

export interface ChartPanelProps {
  testId: string;
  type: string;
  ariaLabel: string;
  /** Builds the option for the panel's sizes; memoised on `deps`, so a refresh with new data is one setOption. */
  build: (s: ChartSizes) => EChartsCoreOption;
  deps: readonly unknown[];
  /** Shown above the chart (totals line), optional. */
  header?: React.ReactNode;
}

/**
 * A panel holding one chart: measures its box, builds the option at the matching type sizes and hands it to
 * EChart, which keeps ONE ECharts instance for the panel's life (setOption on each refresh, disposed on
 * unmount), so thousands of refreshes on a 24/7 wall create no new instances.
 */
export function ChartPanel({ testId, type, ariaLabel, build, deps, header }: ChartPanelProps) {
  const ref = useRef<HTMLDivElement>(null);
  const size = usePanelSize(ref);
  const scale = chartScale(size);
  // eslint-disable-next-line react-hooks/exhaustive-deps
  const option = useMemo(() => build(chartSizes(scale)), [scale, ...deps]);
  const fontReady = useFontReady(optionText(option));
  return (
    <div ref={ref} className={styles.panel} data-testid={testId} data-panel-type={type}>
      <div className={styles.fill}>
        {header}
        {size && fontReady ? <EChart option={option} className={styles.chart} ariaLabel={ariaLabel} /> : null}
      </div>
    </div>
  );
}

const CHART_FONT = `16px 'Noto Sans SC Variable'`;

/**
 * Whether the web font's subsets holding `text` have loaded (at least once). ECharts measures and caches text
 * widths when it lays a chart out; drawn before the CJK subsets arrive, a legend keeps the fallback font's
 * widths and its items overlap. Later texts load in the background while the chart stays up.
 */
function useFontReady(text: string): boolean {
  const [ready, setReady] = useState(false);
  useEffect(() => {
    let alive = true;
    const done = () => {
      if (alive) setReady(true);
    };
    if (typeof document === 'undefined' || !document.fonts) done();
    else document.fonts.load(CHART_FONT, text || '0').then(done, done);
    return () => {
      alive = false;
    };
  }, [text]);
  return ready;
}
