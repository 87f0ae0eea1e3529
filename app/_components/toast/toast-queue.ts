// The alert toasts' queue: which duty events make a toast, how many stay, and when each goes. Pure.

export type ToastSeverity = 'red' | 'orange' | 'yellow' | 'blue';

/** The fields of a duty event (server/duty/bus.ts DutyEvent) a toast needs. */
export interface DutyAlertEvent {
  type: 'alert';
  eventId: string;
  change: string;
  severity: ToastSeverity;
  orgCode: string;
  orgName: string;
  title: string;
  titleEn: string;
  at: number;
}

export interface Toast {
  /** The alert's id and the change: an escalation of an alert already shown replaces its toast. */
  key: string;
  eventId: string;
  change: 'fired' | 'escalated';
  severity: ToastSeverity;
  orgName: string;
  title: string;
  titleEn: string;
  at: number;
  /** When it goes by itself (ms); null: stays until closed (red). */
  expiresAt: number | null;
}

export const MAX_TOASTS = 4;
export const TOAST_MS = 12_000;
const SEVERITIES: readonly string[] = ['red', 'orange', 'yellow', 'blue'];

/** A toast for an `alert` event that fired or escalated; null for any other change or an unreadable event. */
export function toastFromEvent(e: unknown, now: number): Toast | null {
  if (!e || typeof e !== 'object') return null;
  const d = e as Partial<DutyAlertEvent>;
  if (d.type !== 'alert' || typeof d.eventId !== 'string' || !d.eventId) return null;
  if (d.change !== 'fired' && d.change !== 'escalated') return null;
  if (typeof d.severity !== 'string' || !SEVERITIES.includes(d.severity)) return null;
  return {
    key: `${d.eventId}:${d.change}`,
    eventId: d.eventId,
    change: d.change,
    severity: d.severity,
    orgName: typeof d.orgName === 'string' && d.orgName ? d.orgName : (d.orgCode ?? ''),
    title: typeof d.title === 'string' ? d.title : '',
    titleEn: typeof d.titleEn === 'string' && d.titleEn ? d.titleEn : typeof d.title === 'string' ? d.title : '',
    at: typeof d.at === 'number' && Number.isFinite(d.at) ? d.at : now,
    expiresAt: d.severity === 'red' ? null : now + TOAST_MS,
  };
}

/**
 * The list with `t` on top (newest first). The same alert shown already is replaced (an escalation supersedes
 * its firing). Over `max`, the oldest toast that would go by itself goes first, then the oldest red one.
 */
export function pushToast(list: readonly Toast[], t: Toast, max = MAX_TOASTS): Toast[] {
  const out = [t, ...list.filter((x) => x.eventId !== t.eventId)];
  while (out.length > max) {
    let drop = -1;
    for (let i = out.length - 1; i > 0; i--) {
      if (out[i]!.expiresAt !== null) {
        drop = i;
        break;
      }
    }
    out.splice(drop > 0 ? drop : out.length - 1, 1);
  }
  return out;
}

/** The toasts still due to show at `now`. Returns the same array when nothing went (no re-render). */
export function expireToasts(list: readonly Toast[], now: number): readonly Toast[] {
  const kept = list.filter((t) => t.expiresAt === null || t.expiresAt > now);
  return kept.length === list.length ? list : kept;
}

/** When the next toast goes by itself, or null when none will. */
export function nextExpiry(list: readonly Toast[]): number | null {
  let next: number | null = null;
  for (const t of list) if (t.expiresAt !== null && (next === null || t.expiresAt < next)) next = t.expiresAt;
  return next;
}

/** Reconnect delay after `failures` failed attempts in a row: 1 s doubling to 60 s, with ±20 % jitter. */
export function backoffMs(failures: number, random: () => number = Math.random): number {
  const base = Math.min(60_000, 1000 * 2 ** Math.max(0, Math.min(failures, 16)));
  return Math.round(base * (0.8 + 0.4 * random()));
}

/** The pages that never show toasts: the wall (its own banner) and the phone acknowledgement page. */
export function toastsAllowedOn(path: string | null | undefined): boolean {
  if (!path) return true;
  return !/^\/(wall|ack)(\/|$)/.test(path);
}

/** After the pointer or focus leaves the toasts (they do not go while held), each has at least `minLeftMs` more. */
export function extendToasts(list: readonly Toast[], now: number, minLeftMs = 4_000): readonly Toast[] {
  if (!list.some((t) => t.expiresAt !== null && t.expiresAt < now + minLeftMs)) return list;
  return list.map((t) => (t.expiresAt !== null && t.expiresAt < now + minLeftMs ? { ...t, expiresAt: now + minLeftMs } : t));
}
