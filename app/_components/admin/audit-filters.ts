// The audit page's filters as the audit.search input, and how a row is shown. Pure.
// Times are typed and shown in Beijing time (China has no daylight saving: a fixed +08:00); the server
// stores and compares UTC.
import { DISPLAY_TIME_ZONE } from '../../_i18n/format';

/** Action families offered in the filter (the server matches an action by prefix). */
export const AUDIT_ACTION_PREFIXES = ['auth.', 'user.', 'token.', 'screen.', 'rule.', 'kpi.', 'wall.', 'pii.', 'export.'] as const;
export type AuditActionPrefix = (typeof AUDIT_ACTION_PREFIXES)[number];

/** Rows per page of the audit table. */
export const AUDIT_PAGE_SIZE = 50;

/** What the filter form holds: text as typed; times as `<input type="datetime-local">` values in Beijing time. */
export interface AuditFilters {
  actor: string;
  action: '' | AuditActionPrefix;
  target: string;
  text: string;
  from: string;
  to: string;
}

export const EMPTY_AUDIT_FILTERS: AuditFilters = { actor: '', action: '', target: '', text: '', from: '', to: '' };

export interface AuditSearchInput {
  actor?: string;
  action?: string;
  target?: string;
  text?: string;
  from?: string;
  to?: string;
  limit: number;
}

/** A `datetime-local` value ("2026-03-01T08:30", seconds optional) read as Beijing time, as ISO UTC; null if malformed. */
export function beijingLocalToIso(local: string): string | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2}))?$/.exec(local.trim());
  if (!m) return null;
  const d = new Date(`${m[1]}-${m[2]}-${m[3]}T${m[4]}:${m[5]}:${m[6] ?? '00'}+08:00`);
  if (Number.isNaN(d.getTime())) return null;
  // Reject dates the Date constructor rolled over (2026-02-30 → 2026-03-02).
  const back = new Date(d.getTime() + 8 * 3_600_000).toISOString();
  if (back.slice(0, 10) !== `${m[1]}-${m[2]}-${m[3]}`) return null;
  return d.toISOString();
}

export type AuditInputResult = { ok: true; input: AuditSearchInput } | { ok: false; problem: 'from' | 'to' | 'range' };

/** The filters as the audit.search input: blanks left out, text trimmed, times converted to UTC. */
export function auditSearchInput(f: AuditFilters, limit: number = AUDIT_PAGE_SIZE): AuditInputResult {
  const input: AuditSearchInput = { limit };
  const actor = f.actor.trim();
  const target = f.target.trim();
  const text = f.text.trim();
  if (actor) input.actor = actor;
  if (f.action) input.action = f.action;
  if (target) input.target = target;
  if (text) input.text = text;
  if (f.from.trim()) {
    const from = beijingLocalToIso(f.from);
    if (!from) return { ok: false, problem: 'from' };
    input.from = from;
  }
  if (f.to.trim()) {
    const to = beijingLocalToIso(f.to);
    if (!to) return { ok: false, problem: 'to' };
    input.to = to;
  }
  if (input.from && input.to && input.from >= input.to) return { ok: false, problem: 'range' };
  return { ok: true, input };
}

const STAMP = new Intl.DateTimeFormat('en-CA', {
  timeZone: DISPLAY_TIME_ZONE,
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
  second: '2-digit',
  hourCycle: 'h23',
});

/** An ISO time as "2026-03-01 08:30:05" in Beijing time; "—" when missing or invalid. */
export function formatBeijing(iso: string | null | undefined): string {
  if (!iso) return '—';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return '—';
  const p = Object.fromEntries(STAMP.formatToParts(d).map((x) => [x.type, x.value]));
  return `${p.year}-${p.month}-${p.day} ${p.hour}:${p.minute}:${p.second}`;
}

/** An audit row's detail (any JSON) as one line: `key: value` pairs for an object, JSON otherwise; '' for none. */
export function detailText(detail: unknown): string {
  if (detail === null || detail === undefined) return '';
  if (typeof detail === 'object' && !Array.isArray(detail)) {
    return Object.entries(detail as Record<string, unknown>)
      .map(([k, v]) => `${k}: ${typeof v === 'string' ? v : JSON.stringify(v)}`)
      .join(' · ');
  }
  return typeof detail === 'string' ? detail : JSON.stringify(detail);
}
