import type { KpiParams } from '../params';

export type Unit = 'count' | 'percent' | 'minutes' | 'seconds' | 'hours' | 'yuan';

/** How a KPI's value follows from its family's summed measures. Rates are ratios of sums, never averages. */
export type Calc =
  | { op: 'count'; m: string }
  | { op: 'sum'; m: string; scale?: number }
  | { op: 'ratio'; num: string; den: string }
  /** 1 − num/den (接通率 = 1 − 呼损率). */
  | { op: 'complement'; num: string; den: string }
  | { op: 'avg'; sum: string; count: string; scale: number }
  | { op: 'max'; m: string; count: string; scale: number }
  /** now − the oldest timestamp (live longest wait). */
  | { op: 'age'; m: string; count: string; scale: number };

export type Text = { zh: string; en: string };

export interface KpiDef {
  id: string;
  family: string;
  domain: 'queue' | 'call' | 'outage' | 'arrears' | 'work_order';
  name: Text;
  formula: Text;
  unit: Unit;
  /** Whether a higher value is better, worse, or neither (volumes). */
  direction: 'higher_better' | 'lower_better' | 'neutral';
  calc: Calc;
  /** Labels of the drill-down parts (the numerator's and the denominator's records). */
  parts: { numerator: Text; denominator?: Text };
  /** Default thresholds in the KPI's unit: warn / alarm for lower-better, warn / alarm below for higher-better. */
  thresholds?: (p: KpiParams) => { warn?: number; alarm?: number; target?: number };
  /**
   * Time the figure describes when the query does not decide: 'today' (queue state now is today's
   * tickets), live windows of recent records (open work orders), or the whole arrears book.
   */
  fixedTime?: 'today' | 'open_orders' | 'arrears_book' | 'now';
  /** Filters that are part of the definition (arrears = bills past their due date). */
  fixedFilters?: Record<string, readonly string[]>;
  digits: number;
}
