import type { ClickHouse } from '@/core/clickhouse/client';
import type { KpiParams } from '../../kpi/params';
import type { KpiQuery } from '../../kpi/query/schema';
import type { KpiService } from '../../kpi/service';
import type { RuleSpec, Severity } from '../spec';

/** The records behind an alert: a `kpi.rows` question (the drill-down contract) or the record itself. */
export type DrillRef =
  | {
      kind: 'kpi';
      kpi: string;
      orgCode: string;
      time: { from: string; to: string } | { preset: string };
      filters: Record<string, string[]>;
    }
  | { kind: 'record'; table: 'work_order' | 'outage' | 'reconnection' | 'queue_ticket' | 'sms_batch' | 'balance'; id: string };

/** What one evaluation saw for one subject (an org unit, or a record such as a work order). */
export interface Observation {
  subject: string;
  orgCode: string;
  orgName: string;
  value: number | null;
  severity: Severity | null;
  /** The figures shown with the alert: value, threshold, base, records behind it… */
  figures: Record<string, number | string | null>;
  drill: DrillRef | null;
  /** What the alert says, in both languages (the rule's name is shown beside it). */
  text: { zh: string; en: string };
}

export interface Evaluation {
  observations: Observation[];
  /** Sources this rule reads that stopped delivering: the rule cannot judge, which is not "all clear". */
  staleSources: string[];
}

export interface EvalContext {
  ch: ClickHouse;
  kpi: KpiService;
  params: KpiParams;
  tz: string;
  now: number;
  orgName: (code: string) => string;
}

export interface RuleRef {
  id: string;
  name: string;
  spec: RuleSpec;
}

/** KPI rules are planned first so a whole evaluation round runs as a few batched statements. */
export interface KpiPlan {
  queries: KpiQuery[];
  decide: (results: import('../../kpi/query/result').KpiQueryResult[], stale: string[]) => Evaluation;
}
