// What a stored report (table reports, `content`) holds: the numbers, never rendered text, plus the KPI
// definitions' names, units and formulas they were computed with, so the page (/reports/[id]) and the xlsx
// download render the same figures. Plain types: the browser imports them.

export type Text = { zh: string; en: string };
export const REPORT_KINDS = ['daily', 'weekly', 'monthly'] as const;
export type ReportKind = (typeof REPORT_KINDS)[number];
export const SEVERITIES = ['red', 'orange', 'yellow', 'blue'] as const;
export type Severity = (typeof SEVERITIES)[number];
export type Status = 'ok' | 'warn' | 'alarm';
/** 红黄绿榜: green good, yellow watch, red behind. */
export type Tier = 'green' | 'yellow' | 'red';
export const DOMAINS = ['queue', 'call', 'outage', 'arrears', 'work_order'] as const;
export type Domain = (typeof DOMAINS)[number];
/** An alert whose rule reads no single domain's KPI (none today) is counted as 'other'. */
export type AlertDomain = Domain | 'other';

export interface KpiMeta {
  id: string;
  domain: Domain;
  name: Text;
  formula: Text;
  unit: 'count' | 'percent' | 'minutes' | 'seconds' | 'hours' | 'yuan';
  direction: 'higher_better' | 'lower_better' | 'neutral';
  digits: number;
  thresholds: { warn?: number; alarm?: number; target?: number } | null;
}

/** One KPI's figure for one org node and period, as `kpi.query` answered it. */
export interface Figure {
  value: number | null;
  /** Records behind the figure. */
  count: number;
  status: Status | null;
  /** The previous period's value (day-on-day, week-on-week, month-on-month). */
  previous?: number | null;
  /** The same period one year earlier (同比). */
  yoy?: number | null;
}

export interface UnitFigures {
  code: string;
  name: string;
  figures: Record<string, Figure>;
}

export interface Period {
  start: string;
  end: string;
}

export interface ReportBase {
  kind: ReportKind;
  orgCode: string;
  orgName: string;
  period: Period;
  /** The period compared with (环比), and the same period a year earlier (同比), when the report compares. */
  previousPeriod: Period | null;
  yoyPeriod: Period | null;
  /** ISO instant (UTC) the report was generated. */
  generatedAt: string;
  /** The level of the units one below the node, or null for a county (no units below in every domain). */
  unitLevel: 'city' | 'county' | null;
  /** The KPIs the report uses, with their definitions at generation time. */
  kpis: KpiMeta[];
  /** Key KPIs per domain, in display order. */
  sections: { domain: Domain; kpis: string[] }[];
  /** The node's own figures, by KPI id. */
  node: Record<string, Figure>;
  /** The units' figures (same KPIs), in org-code order. */
  units: UnitFigures[];
  /** How the report's counts are defined (shown on the page and written into the xlsx). */
  notes: Text[];
}

export interface SeverityCounts {
  red: number;
  orange: number;
  yellow: number;
  blue: number;
}

export interface MajorAlert {
  id: string;
  ruleName: string;
  orgCode: string;
  orgName: string;
  severity: Severity;
  title: string;
  firedAt: string;
  phase: string;
  state: string;
  acknowledgedAt: string | null;
  closedAt: string | null;
  recoveredAt: string | null;
}

export interface DailyContent extends ReportBase {
  kind: 'daily';
  alerts: {
    total: number;
    bySeverity: SeverityCounts;
    byDomain: { domain: AlertDomain; total: number; bySeverity: SeverityCounts }[];
    /** Per unit one level down (the node's own alerts under its code), in org-code order. */
    byUnit: { code: string; name: string; total: number; bySeverity: SeverityCounts }[];
    /** Red and orange alerts raised that day, oldest first (at most MAJOR_LIMIT; `majorTotal` counts all). */
    major: MajorAlert[];
    majorTotal: number;
    /** Alerts still firing and not closed at the end of the day (raised that day or before). */
    openAtEnd: { total: number; bySeverity: SeverityCounts };
  };
  supervision: { opened: number; closed: number; overdue: number };
}

export interface RankRow {
  code: string;
  name: string;
  value: number | null;
  status: Status | null;
  /** Competition rank (1, 2, 2, 4); null for a unit without a value. */
  rank: number | null;
  tier: Tier | null;
}

export interface Ranking {
  kpi: string;
  rows: RankRow[];
}

export interface WeeklyContent extends ReportBase {
  kind: 'weekly';
  rankings: Ranking[];
  alerts: {
    total: number;
    bySeverity: SeverityCounts;
    /** The most frequent rules (at most TOP_RULES), most alerts first. */
    topRules: { ruleId: string; name: string; total: number; bySeverity: SeverityCounts }[];
  };
}

export interface Assessment {
  code: string;
  name: string;
  ok: number;
  warn: number;
  alarm: number;
  /** KPIs with a status (a value and thresholds); the score's denominator. */
  assessed: number;
  score: number | null;
  rank: number | null;
  tier: Tier | null;
  /** The same score for the previous month and the same month last year (null without data). */
  scorePrevious: number | null;
  scoreYoy: number | null;
}

export interface MonthlyContent extends ReportBase {
  kind: 'monthly';
  /** The KPIs scored, in display order. */
  assessedKpis: string[];
  scoring: { formula: Text; tiers: Text; green: number; yellow: number };
  assessment: Assessment[];
}

export type ReportContent = DailyContent | WeeklyContent | MonthlyContent;
