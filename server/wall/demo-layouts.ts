import type { z } from 'zod';
import type { layoutSchema, panelSchema, zoneSchema } from './layout';

// The layouts a fresh start seeds (when absent): `demo`, a 3840×2160 wall of four 1920×1080 zones (each one
// a physical 1080p screen, or the whole canvas in one browser), and `demo-7680`, a 7680×2160 spliced wall
// with the same four zones in other shapes. Administrators edit them (or write new ones) at /admin/walls.

type LayoutInput = z.input<typeof layoutSchema>;
type PanelInput = z.input<typeof panelSchema>;
type ZoneInput = z.input<typeof zoneSchema>;

const t = (zh: string, en: string) => ({ zh, en });

const QUEUE_KPIS = ['queue.tickets', 'queue.length', 'queue.avg_wait', 'queue.wait_over_rate', 'queue.satisfaction'];
const CALL_KPIS = ['call.inbound', 'call.loss_rate', 'call.service_level', 'call.connection_rate', 'call.asa'];
const OUTAGE_KPIS = ['outage.events', 'outage.affected', 'outage.notified_rate', 'outage.timely_rate', 'outage.sms_failed'];
const ARREARS_KPIS = ['arrears.amount', 'arrears.recovery_rate', 'arrears.customers', 'arrears.reconnect_in_limit'];
const WO_KPIS = ['wo.orders', 'wo.on_time', 'wo.near_due', 'wo.overdue', 'wo.satisfaction'];
const VISITOR_KPIS = ['queue.tickets', 'queue.satisfaction', 'call.inbound', 'call.connection_rate', 'outage.notified_rate'];

const monitoringPanels: PanelInput[] = [
  { id: 'alerts', type: 'alert_list', title: t('实时预警', 'Live alerts'), durationSec: 30 },
  { id: 'queue', type: 'queue_board', title: t('营业厅排队', 'Hall queues'), durationSec: 30 },
  { id: 'calls', type: 'call_trend', title: t('95598话务趋势', '95598 call trend'), durationSec: 30 },
  { id: 'agents', type: 'agent_states', title: t('坐席状态', 'Agent states'), durationSec: 30 },
  { id: 'map', type: 'outage_map', title: t('停电与排队地图', 'Outages and queues map'), durationSec: 45 },
  { id: 'orders', type: 'work_orders', title: t('工单临期与超期', 'Work orders near due / overdue'), durationSec: 30 },
];

const stormPanels: PanelInput[] = [
  { id: 'storm-map', type: 'outage_map', title: t('停电影响地图', 'Outage impact map'), durationSec: 60 },
  { id: 'storm-alerts', type: 'alert_list', title: t('应急预警', 'Emergency alerts'), durationSec: 30 },
  { id: 'storm-outages', type: 'outage_list', title: t('停电事件与通知', 'Outages and notices'), durationSec: 45 },
  { id: 'storm-calls', type: 'call_trend', title: t('故障报修话务', 'Fault-repair calls'), durationSec: 30 },
];

const analysisPanels: PanelInput[] = [
  {
    id: 'rank-city',
    type: 'ranking',
    title: t('地市排队红黄绿榜', 'City queue ranking'),
    durationSec: 40,
    params: { kpi: 'queue.avg_wait', by: 'city' },
  },
  { id: 'arrears', type: 'arrears_by_city', title: t('各地市欠费回收', 'Arrears recovery by city'), durationSec: 40 },
  { id: 'call-hours', type: 'call_trend', title: t('话务分时趋势', 'Calls by hour'), durationSec: 40 },
  { id: 'wo-kpis', type: 'kpi_tiles', title: t('工单指标', 'Work-order KPIs'), durationSec: 30, params: { kpis: WO_KPIS } },
];

const analysisMonthly: PanelInput[] = [
  {
    id: 'month-arrears',
    type: 'kpi_tiles',
    title: t('本月电费回收', 'Collections this month'),
    durationSec: 40,
    params: { kpis: ARREARS_KPIS },
  },
  {
    id: 'month-rank',
    type: 'ranking',
    title: t('地市呼损排名', 'City call-loss ranking'),
    durationSec: 40,
    params: { kpi: 'call.loss_rate', by: 'city' },
  },
];

const visitorPanels: PanelInput[] = [
  { id: 'achieve', type: 'achievements', title: t('优质服务成效', 'Service achievements'), durationSec: 40 },
  { id: 'service-kpis', type: 'kpi_tiles', title: t('今日服务概况', 'Service today'), durationSec: 30, params: { kpis: VISITOR_KPIS } },
];

const tourPanels: PanelInput[] = [
  { id: 'tour-achieve', type: 'achievements', title: t('服务成效巡礼', 'Achievements tour'), durationSec: 60 },
  { id: 'tour-kpis', type: 'kpi_tiles', title: t('服务指标一览', 'Service at a glance'), durationSec: 30, params: { kpis: VISITOR_KPIS } },
];

const indicatorPanels: PanelInput[] = [
  { id: 'kpi-queue', type: 'kpi_tiles', title: t('排队指标', 'Queue KPIs'), durationSec: 30, params: { kpis: QUEUE_KPIS } },
  { id: 'kpi-call', type: 'kpi_tiles', title: t('话务指标', 'Call KPIs'), durationSec: 30, params: { kpis: CALL_KPIS } },
  { id: 'kpi-outage', type: 'kpi_tiles', title: t('停电通知指标', 'Outage-notice KPIs'), durationSec: 30, params: { kpis: OUTAGE_KPIS } },
  { id: 'banner', type: 'alert_banner', title: t('最高级别预警', 'Top alert'), durationSec: 20 },
  { id: 'fresh', type: 'freshness', title: t('数据时效', 'Data freshness'), durationSec: 20 },
  { id: 'kpi-arrears', type: 'kpi_tiles', title: t('欠费指标', 'Arrears KPIs'), durationSec: 30, params: { kpis: ARREARS_KPIS } },
];

const indicatorStorm: PanelInput[] = [
  { id: 'st-outage', type: 'kpi_tiles', title: t('停电应急指标', 'Outage response KPIs'), durationSec: 30, params: { kpis: OUTAGE_KPIS } },
  { id: 'st-call', type: 'kpi_tiles', title: t('报修话务指标', 'Repair-call KPIs'), durationSec: 30, params: { kpis: CALL_KPIS } },
  { id: 'st-banner', type: 'alert_banner', title: t('最高级别预警', 'Top alert'), durationSec: 20 },
];

const storm = (panels: PanelInput[]) => ({ id: 'storm', name: t('风暴应急', 'Storm response'), panels });

function zones(
  rects: Record<'monitoring' | 'analysis' | 'visitor' | 'indicator', { x: number; y: number; w: number; h: number }>,
  cols: Record<string, number>,
): ZoneInput[] {
  return [
    {
      id: 'monitoring',
      kind: 'monitoring',
      name: t('监控区', 'Monitoring'),
      rect: rects.monitoring,
      refreshSec: 10,
      columns: cols.monitoring,
      panels: monitoringPanels,
      scenes: [storm(stormPanels)],
    },
    {
      id: 'analysis',
      kind: 'analysis',
      name: t('分析区', 'Analysis'),
      rect: rects.analysis,
      refreshSec: 30,
      columns: cols.analysis,
      panels: analysisPanels,
      scenes: [{ id: 'monthly', name: t('月度分析', 'Monthly review'), panels: analysisMonthly }],
    },
    {
      id: 'visitor',
      kind: 'visitor',
      name: t('参观接待区', 'Visitor reception'),
      rect: rects.visitor,
      refreshSec: 30,
      columns: cols.visitor,
      panels: visitorPanels,
      scenes: [{ id: 'tour', name: t('参观模式', 'Visitor tour'), panels: tourPanels }],
    },
    {
      id: 'indicator',
      kind: 'indicator',
      name: t('指标展示区', 'Indicator display'),
      rect: rects.indicator,
      refreshSec: 10,
      columns: cols.indicator,
      panels: indicatorPanels,
      scenes: [storm(indicatorStorm)],
    },
  ];
}

export const DEMO_LAYOUTS: LayoutInput[] = [
  {
    id: 'demo',
    name: t('演示大屏 3840×2160', 'Demo wall 3840×2160'),
    canvas: { width: 3840, height: 2160 },
    zones: zones(
      {
        monitoring: { x: 0, y: 0, w: 1920, h: 1080 },
        analysis: { x: 1920, y: 0, w: 1920, h: 1080 },
        indicator: { x: 0, y: 1080, w: 1920, h: 1080 },
        visitor: { x: 1920, y: 1080, w: 1920, h: 1080 },
      },
      { monitoring: 2, analysis: 2, visitor: 1, indicator: 3 },
    ),
  },
  {
    id: 'demo-7680',
    name: t('演示拼接屏 7680×2160', 'Demo spliced wall 7680×2160'),
    canvas: { width: 7680, height: 2160 },
    zones: zones(
      {
        monitoring: { x: 0, y: 0, w: 3840, h: 1440 },
        indicator: { x: 0, y: 1440, w: 3840, h: 720 },
        analysis: { x: 3840, y: 0, w: 1920, h: 2160 },
        visitor: { x: 5760, y: 0, w: 1920, h: 2160 },
      },
      { monitoring: 3, analysis: 1, visitor: 1, indicator: 3 },
    ),
  },
];
