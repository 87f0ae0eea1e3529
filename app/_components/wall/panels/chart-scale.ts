// Type sizes of a chart drawn on canvas (ECharts cannot use CSS container units): everything scales with the
// panel's box so a chart is as legible in a 3840×2160 zone as on a desktop. Pure; see chart-scale.test.ts.

export interface BoxSize {
  width: number;
  height: number;
}

/** Design box: at 640×400 CSS px a chart uses 18 px text (a wall is read from metres away). */
const DESIGN = { width: 640, height: 400 };

/** Scale of the panel box against the design box (the smaller of the two ratios), kept within 0.75–5. */
export function chartScale(size: BoxSize | null | undefined): number {
  if (!size || size.width <= 0 || size.height <= 0) return 1;
  const s = Math.min(size.width / DESIGN.width, size.height / DESIGN.height);
  return Math.min(5, Math.max(0.75, s));
}

/** Sizes at a scale, rounded to whole pixels. */
export function chartSizes(scale: number) {
  const px = (v: number) => Math.round(v * scale);
  return {
    text: px(18),
    small: px(15),
    legend: px(16),
    label: px(15),
    line: Math.max(2, px(3)),
    symbol: Math.max(6, px(8)),
    gap: px(10),
    px,
  };
}
export type ChartSizes = ReturnType<typeof chartSizes>;
