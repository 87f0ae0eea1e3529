import { formatLocal } from '@/core/time';
import type { MessageSeverity } from '../notify/types';

// What a duty message says. Chinese first: the people on duty read it on a phone at night.

/**
 * Times in what the duty desk writes (messages, run log, supervision notes) are Beijing time and say so
 * (DOMAIN.md §2: times are stored in UTC and always shown in Beijing time), whatever BUSINESS_TZ sets the
 * business day by.
 */
export const DISPLAY_TZ = 'Asia/Shanghai';
/** "北京时间 2026-12-05 14:30". */
export const beijingMinute = (ms: number) => `北京时间 ${formatLocal(ms, DISPLAY_TZ).slice(0, 16)}`;
/** "北京时间12-05 14:30": a message line's time (the year is the message's own). */
export const beijingShort = (ms: number) => `北京时间${formatLocal(ms, DISPLAY_TZ).slice(5, 16)}`;

export const SEVERITY_ZH: Record<MessageSeverity, string> = { red: '红色', orange: '橙色', yellow: '黄色', blue: '蓝色' };
const RANK: Record<MessageSeverity, number> = { red: 0, orange: 1, yellow: 2, blue: 3 };

export const worstSeverity = (s: MessageSeverity[]): MessageSeverity => [...s].sort((a, b) => RANK[a] - RANK[b])[0] ?? 'blue';

export interface MessageAlert {
  id: string;
  severity: MessageSeverity;
  orgName: string;
  title: string;
  firedAt: Date;
}

export type MessageReason = 'notify' | 'escalation' | 'repeat';

const REASON_ZH: Record<MessageReason, string> = { notify: '', escalation: '【升级】', repeat: '【未确认，再次提醒】' };

/**
 * The title and lines of one message about a group of alerts (at most 20 lines; the rest counted). Each line
 * says when its alert fired, in Beijing time, and says so: `红色 北京时间12-05 02:30 五华区…`.
 */
export function renderMessage(alerts: MessageAlert[], reason: MessageReason, ruleName: string, unitName: string) {
  const severity = worstSeverity(alerts.map((a) => a.severity));
  const title = `${REASON_ZH[reason]}【${SEVERITY_ZH[severity]}预警】${unitName} ${ruleName}${alerts.length > 1 ? ` 共${alerts.length}条` : ''}`;
  const sorted = [...alerts].sort((a, b) => RANK[a.severity] - RANK[b.severity] || a.firedAt.getTime() - b.firedAt.getTime());
  const lines = sorted.slice(0, 20).map((a) => `${SEVERITY_ZH[a.severity]} ${beijingShort(a.firedAt.getTime())} ${a.title}`);
  if (sorted.length > 20) lines.push(`…另有 ${sorted.length - 20} 条，请登录值班台查看`);
  return { severity, title, lines };
}
