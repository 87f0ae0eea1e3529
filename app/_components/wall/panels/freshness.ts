// Per-source data freshness (the ETL's last successful run and lag per source): late sources first. Pure;
// see freshness.test.ts.
import type { PanelData } from '@/server/wall/types';
import type { Locale } from '../../../_i18n/locale';

export type SourceFreshness = NonNullable<PanelData['freshness']>[number];

/** Names of the ETL sources (README: the simulated systems); an unknown source shows its id. */
export const SOURCE_NAMES: Record<string, { zh: string; en: string }> = {
  'hall-queue.tickets': { zh: '排队叫号·票据', en: 'Hall queue · tickets' },
  'hall-queue.halls': { zh: '排队叫号·营业厅', en: 'Hall queue · halls' },
  'cti.calls': { zh: '95598 CTI·话单', en: '95598 CTI · calls' },
  'cti.agent-states': { zh: '95598 CTI·坐席状态', en: '95598 CTI · agent states' },
  'outage.events': { zh: '停电·事件', en: 'Outages · events' },
  'outage.customers': { zh: '停电·影响客户', en: 'Outages · affected customers' },
  'outage.notices': { zh: '停电·通知', en: 'Outages · notices' },
  'outage.sms-reports': { zh: '短信网关·回执', en: 'SMS gateway · delivery reports' },
  'billing.customers': { zh: '营销系统·客户', en: 'Billing · customers' },
  'billing.bills': { zh: '营销系统·电费账单', en: 'Billing · bills' },
  'billing.payments': { zh: '营销系统·缴费', en: 'Billing · payments' },
  'billing.dunning': { zh: '营销系统·催费', en: 'Billing · dunning' },
  'billing.reconnections': { zh: '营销系统·复电', en: 'Billing · reconnections' },
  'billing.balances': { zh: '营销系统·预付费余额', en: 'Billing · balances' },
  'workorder.orders': { zh: '客服工单', en: 'Work orders' },
};

export const sourceName = (id: string, locale: Locale) => SOURCE_NAMES[id]?.[locale === 'en' ? 'en' : 'zh'] ?? id;

export function sortFreshness(list: readonly SourceFreshness[] | undefined): SourceFreshness[] {
  return [...(list ?? [])].sort(
    (a, b) => Number(a.ok) - Number(b.ok) || (b.lagSeconds ?? Infinity) - (a.lagSeconds ?? Infinity) || a.source.localeCompare(b.source),
  );
}
