import { localParts } from '@/core/time';
import type { KpiParams } from '../kpi/params';
import type { RuleSpec } from './spec';

// A rule's active calendar (DOMAIN.md §3): working days from the business calendar (weekends and public
// holidays off, make-up working days on) and optional local hours, e.g. a hall's opening hours.

const pad = (n: number) => String(n).padStart(2, '0');

export function isWorkday(ms: number, tz: string, params: Pick<KpiParams, 'calendar.holidays' | 'calendar.makeupWorkdays'>): boolean {
  const p = localParts(ms, tz);
  const date = `${p.year}-${pad(p.month)}-${pad(p.day)}`;
  if (params['calendar.makeupWorkdays'].includes(date)) return true;
  if (params['calendar.holidays'].includes(date)) return false;
  return p.weekday !== 0 && p.weekday !== 6;
}

export function isActive(
  cal: RuleSpec['calendar'],
  ms: number,
  tz: string,
  params: Pick<KpiParams, 'calendar.holidays' | 'calendar.makeupWorkdays'>,
): boolean {
  if (cal.days !== 'all' && isWorkday(ms, tz, params) !== (cal.days === 'workdays')) return false;
  if (!cal.hours) return true;
  const p = localParts(ms, tz);
  const t = `${pad(p.hour)}:${pad(p.minute)}`;
  // A range that wraps midnight (22:00–06:00) is active outside [to, from).
  return cal.hours.from <= cal.hours.to ? t >= cal.hours.from && t < cal.hours.to : t >= cal.hours.from || t < cal.hours.to;
}
