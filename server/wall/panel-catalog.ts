import { KPI_BY_ID } from '../kpi/definitions';
import { FAMILY_BY_ID } from '../kpi/families';
import type { KpiQuery } from '../kpi/query/schema';
import { PRESETS, type Preset } from '../kpi/query/time';
import type { PanelSpec, PanelType, ZoneSpec } from './layout';
import { PROVINCE } from '@/core/org/divisions';

// What each panel type needs from the server, declared once: the zone's data call gathers the needs of the
// panels it shows into ONE batched KPI query (plus alerts and freshness when asked), shared by every screen
// showing the zone. `visitorSafe` panels show only aggregates; a visitor zone may hold nothing else, and the
// server refuses the rest (DOMAIN.md §5: no personal data in the visitor zone, enforced on the server).

export interface PanelNeeds {
  kpi: KpiQuery[];
  /** Active alerts, most severe first. */
  alerts?: { limit: number };
  /** Per-source data freshness. */
  freshness?: boolean;
  /**
   * Where the zone's halls are (longitude/latitude from dim_hall, cached by the wall service): the outage map
   * draws each hall at its place. Never served in a visitor zone (the map keeps its per-county dots there).
   */
  hallPositions?: boolean;
}

export interface PanelCatalogEntry {
  label: { zh: string; en: string };
  visitorSafe: boolean;
  needs(panel: PanelSpec, zone: Pick<ZoneSpec, 'orgCode'>): PanelNeeds;
}

const q = (over: Partial<KpiQuery> & Pick<KpiQuery, 'kpis'>): KpiQuery => ({
  orgCode: PROVINCE.code,
  by: 'total',
  time: { preset: 'today' },
  granularity: 'total',
  filters: {},
  compare: [],
  ...over,
});

// ---- params: a panel's settings are data an administrator types; anything unknown falls back to the
// default, so that a bad setting never breaks the zone's one batched query (a KPI id the engine does not know
// would fail the whole batch). ----

type By = 'city' | 'county' | 'hall';
const LEVEL_RANK = { province: 0, city: 1, county: 2, hall: 3 } as const;
const LEVELS: By[] = ['city', 'county', 'hall'];
const levelOfCode = (code: string): keyof typeof LEVEL_RANK =>
  code.length <= 2 ? 'province' : code.length === 4 ? 'city' : code.length === 6 ? 'county' : 'hall';

/** Known KPI ids among `v` (a string or a list), in order, without repeats; `fallback` when none is known. */
export function kpiParam(v: unknown, fallback: string[]): string[] {
  const list = (Array.isArray(v) ? v : typeof v === 'string' ? [v] : []).filter(
    (x): x is string => typeof x === 'string' && KPI_BY_ID.has(x),
  );
  const unique = [...new Set(list)].slice(0, 12);
  return unique.length ? unique : fallback;
}

export function presetParam(v: unknown, fallback: Preset): Preset {
  return typeof v === 'string' && (PRESETS as readonly string[]).includes(v) ? (v as Preset) : fallback;
}

const CALL_CATEGORIES: readonly string[] = FAMILY_BY_ID.get('call')?.dims.category?.values ?? [];
export function categoryFilter(v: unknown): Record<string, string[]> {
  return typeof v === 'string' && CALL_CATEGORIES.includes(v) ? { category: [v] } : {};
}

export function intParam(v: unknown, fallback: number, min: number, max: number): number {
  return typeof v === 'number' && Number.isInteger(v) && v >= min && v <= max ? v : fallback;
}

/**
 * The break-down level a zone can ask for: the wanted one when it lies below the zone's org, else the level
 * just below it (a city zone's "by city" ranking ranks its counties); null for a hall zone (nothing below).
 */
export function breakdownFor(orgCode: string, wanted: By, deepest: By = 'hall'): By | null {
  const below = LEVELS.filter((l) => LEVEL_RANK[l] > LEVEL_RANK[levelOfCode(orgCode)] && LEVEL_RANK[l] <= LEVEL_RANK[deepest]);
  if (below.includes(wanted)) return wanted;
  return below[0] ?? null;
}

/**
 * The org a KPI can be asked for within a zone: province-wide families (the 95598 agents: one call center)
 * only for the province; families that end at county level for a hall zone's county.
 */
export function orgForKpi(kpiId: string, orgCode: string): string {
  const f = FAMILY_BY_ID.get(KPI_BY_ID.get(kpiId)?.family ?? '');
  if (!f) return orgCode;
  if (f.leaf === 'none') return orgCode.slice(0, 2);
  if (f.leaf !== 'hall' && orgCode.length === 9) return orgCode.slice(0, 6);
  return orgCode;
}

/** One query per org the KPIs need (see orgForKpi), keyed `panelId` (then `panelId@org` for the rest). */
function perOrg(panelId: string, kpis: string[], orgCode: string, over: Partial<KpiQuery>): KpiQuery[] {
  const groups = new Map<string, string[]>();
  for (const k of kpis) {
    const org = orgForKpi(k, orgCode);
    groups.set(org, [...(groups.get(org) ?? []), k]);
  }
  return [...groups.entries()].map(([org, ids], i) =>
    q({ key: i === 0 ? panelId : `${panelId}@${org}`, kpis: ids, orgCode: org, ...over }),
  );
}

/** A break-down query, or none when the zone's org has nothing below it to break down into. */
function byQuery(key: string, kpis: string[], orgCode: string, by: By | null, over: Partial<KpiQuery> = {}): KpiQuery[] {
  return by ? [q({ key, kpis, orgCode, by, ...over })] : [];
}

// ---- periods: which time a figure is asked for ----

/**
 * Suffixes of the keys of a panel's "last business day" questions (the desktop home's rule, see
 * app/_components/home/home-batch.ts): today's tickets of the zone's node, the day before's, and the panel's
 * day figures asked again for the day before. When today has no ticket yet (the halls are closed) while the
 * day before had some, the panel shows the day before, labelled with its date; live figures stay live.
 */
export const DAY_KEYS = { ticketsToday: ':day-tickets', ticketsBefore: ':day-before', dayBefore: '~yesterday' } as const;

/** A day figure of the hall queue (a period KPI, not a live one): at night the wall shows the last business day's. */
export function followsBusinessDay(kpiId: string): boolean {
  const k = KPI_BY_ID.get(kpiId);
  return !!k && k.family === 'queue' && !k.fixedTime;
}

/** The two one-figure questions that say whether today has tickets yet and the day before had some. */
function dayTicketQueries(panelId: string, orgCode: string): KpiQuery[] {
  return [
    q({ key: `${panelId}${DAY_KEYS.ticketsToday}`, kpis: ['queue.tickets'], orgCode, time: { preset: 'today' } }),
    q({ key: `${panelId}${DAY_KEYS.ticketsBefore}`, kpis: ['queue.tickets'], orgCode, time: { preset: 'yesterday' } }),
  ];
}

/** A tile's period: asked for `preset`, compared by `compare`; `fallback` when `preset` has no figure yet. */
export interface TilePeriod {
  preset: Preset;
  compare: 'previous' | 'yoy';
  fallback?: Preset;
}

/**
 * The period a KPI tile asks for. The panel's own (params.time) when set to anything but today; for today, a
 * KPI whose data comes with the marketing system's daily exports (DOMAIN.md §2.4: bills, payments, dunning,
 * reconnections) has no figure for today, so it asks for its natural period instead: the fee recovery rate
 * (and billed / collected: bill months) year to date, compared with last year; the others this month, else
 * last month (early in a month before its first export), compared with the month before.
 */
export function tilePeriod(kpiId: string, panelPreset: Preset): TilePeriod {
  const k = KPI_BY_ID.get(kpiId);
  const f = FAMILY_BY_ID.get(k?.family ?? '');
  if (panelPreset !== 'today' || !k || !f || k.fixedTime) return { preset: panelPreset, compare: 'previous' };
  if (!f.sources.every((s) => s.startsWith('billing.'))) return { preset: panelPreset, compare: 'previous' };
  if (f.id === 'bill') return { preset: 'this_year', compare: 'yoy' };
  return { preset: 'this_month', compare: 'previous', fallback: 'last_month' };
}

/** Key of a tile group asked for a period other than the panel's (`panelId~this_month`, `panelId@53~last_month`). */
export const periodKey = (key: string, preset: Preset) => `${key}~${preset}`;

/**
 * The kpi_tiles queries: one per org the KPIs need (perOrg) and period (tilePeriod), plus the fallback
 * periods, plus the last-business-day questions when a tile shows a queue day figure for today.
 */
export function tileQueries(panel: PanelSpec, orgCode: string): KpiQuery[] {
  const preset = presetParam(panel.params.time, 'today');
  const kpis = kpiParam(panel.params.kpis, KPI_TILES_DEFAULT);
  const groups = new Map<string, { period: TilePeriod; kpis: string[] }>();
  for (const k of kpis) {
    const period = tilePeriod(k, preset);
    const id = JSON.stringify(period);
    groups.set(id, { period, kpis: [...(groups.get(id)?.kpis ?? []), k] });
  }
  const out: KpiQuery[] = [];
  for (const { period, kpis: ids } of groups.values()) {
    const own = period.preset === preset && !period.fallback;
    const ask = (p: Preset, compare: 'previous' | 'yoy') =>
      perOrg(panel.id, ids, orgCode, { time: { preset: p }, compare: [compare] }).map((x) =>
        own && p === preset ? x : { ...x, key: periodKey(x.key!, p) },
      );
    out.push(...ask(period.preset, period.compare));
    if (period.fallback) out.push(...ask(period.fallback, period.compare));
  }
  const day = preset === 'today' ? kpis.filter(followsBusinessDay) : [];
  if (day.length) {
    out.push(
      ...perOrg(`${panel.id}${DAY_KEYS.dayBefore}`, day, orgCode, { time: { preset: 'yesterday' }, compare: ['previous'] }),
      ...dayTicketQueries(panel.id, orgCode),
    );
  }
  return out;
}

/** The outage map's halls: their queue now, and the day figure that colours them at night (followsBusinessDay). */
export const MAP_HALL_DAY_KPIS = ['queue.avg_wait'];
export const MAP_HALL_KPIS = ['queue.length', 'queue.longest_wait_now', ...MAP_HALL_DAY_KPIS];

export const KPI_TILES_DEFAULT = [
  'queue.tickets',
  'queue.longest_wait_now',
  'call.inbound',
  'call.loss_rate',
  'outage.notified_rate',
  'wo.overdue',
];
export const AGENT_KPIS = [
  'call.agents_logged_in',
  'call.agents_ready',
  'call.agents_talking',
  'call.agents_after_call_work',
  'call.agents_away',
];
export const QUEUE_BOARD_KPIS = ['queue.length', 'queue.longest_wait_now', 'queue.avg_wait'];
export const CALL_TREND_KPIS = ['call.inbound', 'call.manual', 'call.loss_rate', 'call.service_level'];
export const OUTAGE_LIST_KPIS = ['outage.events', 'outage.affected', 'outage.notified_rate', 'outage.timely_rate'];
export const ARREARS_KPIS = ['arrears.amount', 'arrears.recovery_rate'];
export const WORK_ORDER_KPIS = ['wo.near_due', 'wo.overdue', 'wo.on_time'];
/** The visitor zone's achievements: this year's aggregates of DOMAIN.md §6's published service figures. */
export const ACHIEVEMENT_KPIS = [
  'call.connection_rate',
  'queue.satisfaction',
  'wo.arrive_on_time',
  'outage.notified_rate',
  'call.inbound',
  'queue.called',
];

/**
 * Every panel type. visitorSafe (DOMAIN.md §5: the visitor zone is curated and shows no personal data) is
 * true only where the panel shows aggregates over a city or more, never a record, a person or a single site:
 * - kpi_tiles, call_trend, achievements: figures of the zone's org as a whole.
 * - arrears_by_city: broken down by city in a province zone, else the zone's own total: money over thousands
 *   of accounts, never an account; its needs never break down below city level, whatever the params say.
 * - ranking: cities (or counties) on one KPI: aggregates of a whole unit; never halls, whatever the params say.
 * - outage_map: affected customers and calls summed per county, and halls' queue status (no customer, address
 *   or feeder). Outside a visitor zone each hall is drawn at its own place (hallPositions); in a visitor zone the
 *   server sends no hall positions and the map folds the halls into one dot per county, so it stays aggregate.
 * Not visitor-safe: the operational boards (queue_board names halls with their live problems, outage_list and
 * work_orders are duty work lists, agent_states is the call center's staffing), alerts (their conditions name
 * halls, units and, for record rules, single customers' events) and freshness (internal systems).
 */
export const PANEL_CATALOG: Partial<Record<PanelType, PanelCatalogEntry>> = {
  kpi_tiles: {
    label: { zh: '核心指标', en: 'Headline KPIs' },
    visitorSafe: true,
    needs: (p, z) => ({ kpi: tileQueries(p, z.orgCode) }),
  },
  queue_board: {
    label: { zh: '营业厅排队看板', en: 'Hall queue board' },
    visitorSafe: false,
    needs: (p, z) => {
      const by = breakdownFor(z.orgCode, 'hall');
      // The live queue stays live; today's average wait is the last business day's while the halls are closed.
      const day = QUEUE_BOARD_KPIS.filter(followsBusinessDay);
      return {
        kpi: by
          ? [
              ...byQuery(p.id, QUEUE_BOARD_KPIS, z.orgCode, by),
              ...byQuery(`${p.id}${DAY_KEYS.dayBefore}`, day, z.orgCode, by, { time: { preset: 'yesterday' } }),
              ...dayTicketQueries(p.id, z.orgCode),
            ]
          : [],
      };
    },
  },
  call_trend: {
    label: { zh: '95598话务趋势', en: '95598 call trend' },
    visitorSafe: true,
    needs: (p, z) => {
      const base = {
        kpis: CALL_TREND_KPIS,
        orgCode: orgForKpi('call.inbound', z.orgCode),
        time: { preset: 'today' as const },
        // params.category: one call category (故障报修 fault_repair …) for a storm scene's repair calls.
        filters: categoryFilter(p.params.category),
        // Yesterday's same hours: the dashed line under today's bars, and the totals' move.
        compare: ['previous' as const],
      };
      return { kpi: [q({ key: p.id, ...base, granularity: 'hour' }), q({ key: `${p.id}:total`, ...base })] };
    },
  },
  agent_states: {
    label: { zh: '坐席状态', en: 'Agent states' },
    visitorSafe: false,
    // The agents are one provincial call center: asked for the province whatever the zone's org.
    needs: (p, z) => ({ kpi: [q({ key: p.id, kpis: AGENT_KPIS, orgCode: orgForKpi('call.agents_ready', z.orgCode) })] }),
  },
  outage_map: {
    label: { zh: '停电与服务态势图', en: 'Outage & service map' },
    visitorSafe: true,
    needs: (p, z) => {
      const time = { preset: presetParam(p.params.time, 'today') };
      const county = breakdownFor(z.orgCode, 'county', 'county');
      const halls = breakdownFor(z.orgCode, 'hall');
      return {
        kpi: [
          ...byQuery(`${p.id}:outage`, ['outage.affected', 'outage.events'], orgForKpi('outage.affected', z.orgCode), county, { time }),
          ...byQuery(`${p.id}:calls`, ['call.inbound'], orgForKpi('call.inbound', z.orgCode), county, { time: { preset: 'today' } }),
          // Halls by their queue now; at night (DAY_KEYS: today no ticket yet, the day before some) by the last
          // business day's average wait instead, as the queue board and the ranking show that day.
          ...byQuery(`${p.id}:halls`, MAP_HALL_KPIS, z.orgCode, halls),
          ...(halls
            ? [
                ...byQuery(`${p.id}:halls${DAY_KEYS.dayBefore}`, MAP_HALL_DAY_KPIS, z.orgCode, halls, { time: { preset: 'yesterday' } }),
                ...dayTicketQueries(p.id, z.orgCode),
              ]
            : []),
        ],
        hallPositions: true,
      };
    },
  },
  outage_list: {
    label: { zh: '停电通知', en: 'Outage notification' },
    visitorSafe: false,
    needs: (p, z) => ({
      kpi: [
        ...byQuery(p.id, OUTAGE_LIST_KPIS, orgForKpi('outage.events', z.orgCode), breakdownFor(z.orgCode, 'county', 'county'), {
          time: { preset: presetParam(p.params.time, 'today') },
        }),
        q({
          key: `${p.id}:total`,
          kpis: OUTAGE_LIST_KPIS,
          orgCode: orgForKpi('outage.events', z.orgCode),
          time: { preset: presetParam(p.params.time, 'today') },
        }),
      ],
    }),
  },
  arrears_by_city: {
    label: { zh: '欠费与电费回收', en: 'Arrears and recovery' },
    visitorSafe: true,
    needs: (p, z) => {
      const org = orgForKpi('arrears.amount', z.orgCode);
      // Arrears are the whole book now; the recovery rate is of the period's bills: year to date by default.
      const time = { preset: presetParam(p.params.time, 'this_year') };
      return {
        kpi: [
          // A province zone: its cities. Any other zone: its own total only (never a break-down, see above).
          ...byQuery(p.id, ARREARS_KPIS, org, org.length === 2 ? 'city' : null, { time }),
          q({ key: `${p.id}:total`, kpis: ARREARS_KPIS, orgCode: org, time }),
        ],
      };
    },
  },
  work_orders: {
    label: { zh: '工单时限', en: 'Work-order time limits' },
    visitorSafe: false,
    needs: (p, z) => {
      const org = orgForKpi('wo.overdue', z.orgCode);
      const by = breakdownFor(org, 'city', 'county');
      const time = { preset: presetParam(p.params.time, 'this_month') };
      return {
        kpi: [...byQuery(p.id, WORK_ORDER_KPIS, org, by, { time }), q({ key: `${p.id}:total`, kpis: WORK_ORDER_KPIS, orgCode: org, time })],
      };
    },
  },
  ranking: {
    label: { zh: '红黄绿排名', en: 'Red/yellow/green ranking' },
    visitorSafe: true,
    needs: (p, z) => {
      const [kpi] = kpiParam(p.params.kpi, ['call.loss_rate']) as [string];
      const org = orgForKpi(kpi, z.orgCode);
      const wanted: By = p.params.by === 'county' ? 'county' : 'city';
      const by = breakdownFor(org, wanted, 'county');
      const preset = presetParam(p.params.time, 'today');
      const kpi_ = byQuery(p.id, [kpi], org, by, { time: { preset }, compare: ['previous'] });
      // A queue day figure for today: the last business day's while the halls are closed (DAY_KEYS).
      if (by && preset === 'today' && followsBusinessDay(kpi))
        kpi_.push(
          ...byQuery(`${p.id}${DAY_KEYS.dayBefore}`, [kpi], org, by, { time: { preset: 'yesterday' }, compare: ['previous'] }),
          ...dayTicketQueries(p.id, org),
        );
      return { kpi: kpi_ };
    },
  },
  alert_banner: {
    label: { zh: '预警横幅', en: 'Alert banner' },
    visitorSafe: false,
    needs: () => ({ kpi: [], alerts: { limit: 5 } }),
  },
  alert_list: {
    label: { zh: '预警列表', en: 'Active alerts' },
    visitorSafe: false,
    needs: (p) => ({ kpi: [], alerts: { limit: intParam(p.params.limit, 20, 1, 50) } }),
  },
  freshness: {
    label: { zh: '数据时效', en: 'Data freshness' },
    visitorSafe: false,
    needs: () => ({ kpi: [], freshness: true }),
  },
  achievements: {
    label: { zh: '服务成效', en: 'Service achievements' },
    visitorSafe: true,
    needs: (p, z) => ({
      kpi: perOrg(p.id, ACHIEVEMENT_KPIS, z.orgCode, { time: { preset: presetParam(p.params.time, 'this_year') }, compare: ['yoy'] }),
    }),
  },
};
