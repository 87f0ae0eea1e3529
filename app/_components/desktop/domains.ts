// The five desktop dashboards as data: one generic dashboard (Dashboard.tsx) reads a spec per domain — its
// headline KPIs, trend, break-downs, filters, ranking and default time. KPI ids are the KPI layer's
// (server/kpi/definitions/*.ts); names, formulas, thresholds and levels come from `kpi.definitions` at run time.
// Pure data: safe in tests and on the server.

export type DomainId = 'queue' | 'call' | 'outage' | 'arrears' | 'work_order';
export type TimePreset = 'today' | 'yesterday' | 'this_month' | 'last_month';
export type Granularity = 'hour' | 'day' | 'month';

export interface BreakdownSpec {
  /** The KPI whose value each bar shows (one query per dimension value, with the page's filters). */
  kpi: string;
  /** A family dimension with a closed value list. */
  dim: string;
}

export interface DomainSpec {
  id: DomainId;
  /** The page's path. */
  path: string;
  /** KPI domain in `kpi.definitions` (`domain`). */
  kpiDomain: DomainId;
  /** Deepest org level of the domain's records: halls for tickets, counties for the rest. */
  leaf: 'hall' | 'county';
  /** Tiles, in order. */
  headline: readonly string[];
  /** The few figures the cross-domain overview shows. */
  overview: readonly string[];
  /** The trend chart's KPIs (first on the left axis, second on the right). */
  trend: readonly string[];
  breakdowns: readonly BreakdownSpec[];
  /** Filter dimensions offered in the filter bar (a dimension of at least one headline KPI's family). */
  filters: readonly string[];
  /** Units one level down ranked by these (红黄绿榜); the first orders the list. */
  ranking: readonly string[];
  defaultTime: TimePreset;
  defaultGranularity: Granularity;
}

export const DOMAINS: readonly DomainSpec[] = [
  {
    id: 'queue',
    path: '/queue',
    kpiDomain: 'queue',
    leaf: 'hall',
    headline: [
      'queue.tickets',
      'queue.length',
      'queue.longest_wait_now',
      'queue.avg_wait',
      'queue.max_wait',
      'queue.avg_handle',
      'queue.wait_over_rate',
      'queue.satisfaction',
      'queue.dissatisfied',
    ],
    overview: ['queue.tickets', 'queue.length', 'queue.avg_wait', 'queue.satisfaction'],
    trend: ['queue.tickets', 'queue.avg_wait'],
    breakdowns: [{ kpi: 'queue.tickets', dim: 'business_type' }],
    filters: ['business_type'],
    ranking: ['queue.avg_wait', 'queue.wait_over_rate', 'queue.satisfaction'],
    defaultTime: 'today',
    defaultGranularity: 'hour',
  },
  {
    id: 'call',
    path: '/calls',
    kpiDomain: 'call',
    leaf: 'county',
    headline: [
      'call.inbound',
      'call.manual',
      'call.loss_rate',
      'call.connection_rate',
      'call.service_level',
      'call.asa',
      'call.lost_queue',
      'call.lost_ringing',
      'call.blocked',
    ],
    overview: ['call.inbound', 'call.loss_rate', 'call.service_level', 'call.asa'],
    trend: ['call.inbound', 'call.loss_rate'],
    breakdowns: [{ kpi: 'call.inbound', dim: 'category' }],
    filters: ['category'],
    ranking: ['call.loss_rate', 'call.service_level', 'call.asa'],
    defaultTime: 'today',
    defaultGranularity: 'hour',
  },
  {
    id: 'outage',
    path: '/outages',
    kpiDomain: 'outage',
    leaf: 'county',
    headline: [
      'outage.events',
      'outage.affected',
      'outage.notified_rate',
      'outage.timely_rate',
      'outage.fault_timely_rate',
      'outage.unnotified',
      'outage.sms_failed',
    ],
    overview: ['outage.events', 'outage.affected', 'outage.notified_rate', 'outage.timely_rate'],
    trend: ['outage.affected', 'outage.notified_rate'],
    breakdowns: [
      { kpi: 'outage.affected', dim: 'outage_type' },
      { kpi: 'outage.affected', dim: 'important' },
    ],
    filters: ['outage_type', 'important'],
    ranking: ['outage.notified_rate', 'outage.timely_rate', 'outage.fault_timely_rate'],
    defaultTime: 'this_month',
    defaultGranularity: 'day',
  },
  {
    id: 'arrears',
    path: '/arrears',
    kpiDomain: 'arrears',
    leaf: 'county',
    headline: [
      'arrears.recovery_rate',
      'arrears.billed',
      'arrears.collected',
      'arrears.amount',
      'arrears.customers',
      'arrears.key_accounts',
      'arrears.debit_success_rate',
      'arrears.dunning_effect',
      'arrears.reconnect_in_limit',
      'arrears.balance_warning',
    ],
    overview: ['arrears.recovery_rate', 'arrears.amount', 'arrears.customers', 'arrears.debit_success_rate'],
    trend: ['arrears.debit_success_rate', 'arrears.dunning_effect'],
    breakdowns: [
      { kpi: 'arrears.amount', dim: 'age' },
      { kpi: 'arrears.amount', dim: 'class' },
    ],
    filters: ['class', 'age', 'channel'],
    ranking: ['arrears.recovery_rate', 'arrears.debit_success_rate', 'arrears.reconnect_in_limit'],
    defaultTime: 'last_month',
    defaultGranularity: 'day',
  },
  {
    id: 'work_order',
    path: '/work-orders',
    kpiDomain: 'work_order',
    leaf: 'county',
    headline: [
      'wo.orders',
      'wo.open',
      'wo.near_due',
      'wo.overdue',
      'wo.arrive_on_time',
      'wo.on_time',
      'wo.avg_repair',
      'wo.satisfaction',
      'wo.breach',
      'wo.work_error',
    ],
    overview: ['wo.orders', 'wo.overdue', 'wo.on_time', 'wo.satisfaction'],
    trend: ['wo.orders', 'wo.on_time'],
    breakdowns: [
      { kpi: 'wo.orders', dim: 'type' },
      { kpi: 'wo.orders', dim: 'area_class' },
    ],
    filters: ['type', 'area_class'],
    ranking: ['wo.on_time', 'wo.arrive_on_time', 'wo.satisfaction'],
    defaultTime: 'this_month',
    defaultGranularity: 'day',
  },
];

export const DOMAIN_BY_ID: ReadonlyMap<DomainId, DomainSpec> = new Map(DOMAINS.map((d) => [d.id, d]));

export function domainSpec(id: DomainId): DomainSpec {
  return DOMAIN_BY_ID.get(id)!;
}

/**
 * Families kept by bill month only (rollup grain 'month', dated by bill month): their figures describe whole
 * months, so a day preset asks for its month and hour/day granularity becomes month.
 */
export const MONTHLY_FAMILIES: ReadonlySet<string> = new Set(['bill']);
