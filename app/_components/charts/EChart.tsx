'use client';

import { useEffect, useRef, type CSSProperties } from 'react';
import type { EChartsCoreOption, EChartsType, SetOptionOpts } from 'echarts/core';
import { echarts } from './echarts';
import { WALL_THEME } from './theme';

export interface EChartProps {
  /** The option; pass a memoised object: every new reference triggers a setOption. */
  option: EChartsCoreOption;
  /** Registered theme name; the dark wall theme by default. */
  theme?: string;
  /** Passed to setOption. notMerge defaults to false (updates merge into the current chart, animating). */
  setOptionOpts?: SetOptionOpts;
  className?: string;
  style?: CSSProperties;
  'data-testid'?: string;
  /** Accessible name of the chart (the canvas is announced as an image with this label). */
  ariaLabel?: string;
  /** A click on a data item (bar, point): its series and data index. */
  onItemClick?: (item: { seriesIndex: number; dataIndex: number }) => void;
}

/**
 * One ECharts instance bound to a div: created once on mount (canvas renderer at the screen's device pixel
 * ratio), updated with setOption when `option` changes, resized by a ResizeObserver and disposed on unmount
 * (observer disconnected, instance and its canvas released) so that a 24/7 wall does not leak.
 */
export function EChart({ option, theme = WALL_THEME, setOptionOpts, className, style, ariaLabel, onItemClick, ...rest }: EChartProps) {
  const elRef = useRef<HTMLDivElement>(null);
  const clickRef = useRef(onItemClick);
  useEffect(() => {
    clickRef.current = onItemClick;
  });
  const chartRef = useRef<EChartsType | null>(null);
  const optsRef = useRef(setOptionOpts);

  // Keep the latest setOption options without re-running the effects below when a caller passes a new object.
  useEffect(() => {
    optsRef.current = setOptionOpts;
  });

  // Create / dispose. The theme can only be set at init, so a theme change re-creates the instance.
  useEffect(() => {
    const el = elRef.current;
    if (!el) return;
    const chart = echarts.init(el, theme, {
      renderer: 'canvas',
      devicePixelRatio: window.devicePixelRatio || 1,
    });
    chartRef.current = chart;
    chart.on('click', (p: { seriesIndex?: number; dataIndex?: number }) => {
      if (typeof p.dataIndex === 'number') clickRef.current?.({ seriesIndex: p.seriesIndex ?? 0, dataIndex: p.dataIndex });
    });

    let frame = 0;
    const observer = new ResizeObserver(() => {
      cancelAnimationFrame(frame);
      frame = requestAnimationFrame(() => {
        if (!chart.isDisposed() && el.clientWidth > 0 && el.clientHeight > 0) chart.resize();
      });
    });
    observer.observe(el);

    // Canvas text does not re-render by itself when a web font (the CJK font's subsets arrive lazily) finishes
    // loading after the first draw: redraw then, or a cold wall start could keep fallback glyphs / tofu.
    const fonts = typeof document !== 'undefined' ? document.fonts : undefined;
    const onFontsLoaded = () => {
      if (!chart.isDisposed()) chart.resize();
    };
    fonts?.addEventListener('loadingdone', onFontsLoaded);

    return () => {
      fonts?.removeEventListener('loadingdone', onFontsLoaded);
      cancelAnimationFrame(frame);
      observer.disconnect();
      chart.dispose();
      if (chartRef.current === chart) chartRef.current = null;
    };
  }, [theme]);

  // Apply the option: on mount (this effect runs after the one above), on every new option, and after a
  // theme change re-created the instance.
  useEffect(() => {
    const chart = chartRef.current;
    if (!chart || chart.isDisposed()) return;
    chart.setOption(option, { notMerge: false, ...optsRef.current });
  }, [option, theme]);

  return <div ref={elRef} className={className} style={style} role="img" aria-label={ariaLabel} data-testid={rest['data-testid']} />;
}
