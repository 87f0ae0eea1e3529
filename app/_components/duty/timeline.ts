// Rows of an alert's detail: the life-cycle timeline (grouped by Beijing day) and the messages sent about it.
// Pure; the component only draws them.
import { beijingDate, formatBeijing } from './shift';

export interface TransitionLike {
  from: string | null;
  to: string;
  actor: string;
  via: string;
  note: string | null;
  at: string;
}

export type Via = 'desk' | 'link' | 'system' | 'api';

export interface TimelineRow {
  key: string;
  at: string;
  /** "HH:mm" Beijing. */
  time: string;
  /** Set on the first row of each Beijing day: "MM-DD". */
  dayHeader: string | null;
  actor: string;
  via: Via;
  from: string | null;
  to: string;
  note: string | null;
}

const VIAS: readonly Via[] = ['desk', 'link', 'system', 'api'];
export const viaOf = (v: string): Via => ((VIAS as readonly string[]).includes(v) ? (v as Via) : 'system');

/** Oldest first (stable for equal times), each with its Beijing time and a day header where the day changes. */
export function timelineRows(steps: readonly TransitionLike[]): TimelineRow[] {
  const sorted = steps
    .map((s, i) => ({ s, i, at: Date.parse(s.at) }))
    .sort((a, b) => (a.at === b.at || Number.isNaN(a.at - b.at) ? a.i - b.i : a.at - b.at));
  let lastDay = '';
  return sorted.map(({ s, i, at }) => {
    const day = Number.isFinite(at) ? beijingDate(at) : '';
    const header = day && day !== lastDay ? day.slice(5) : null;
    lastDay = day || lastDay;
    return {
      key: `${s.at}-${i}`,
      at: s.at,
      time: formatBeijing(s.at, { short: true }),
      dayHeader: header,
      actor: s.actor,
      via: viaOf(s.via),
      from: s.from,
      to: s.to,
      note: s.note,
    };
  });
}

export type MessageStatus = 'sent' | 'waiting' | 'failed';

/** A message's state as the desk shows it: 已发送 / 等待 (pending, deferred, sending) / 失败. */
export function messageStatus(status: string): MessageStatus {
  if (status === 'sent') return 'sent';
  if (status === 'failed') return 'failed';
  return 'waiting';
}

export interface AttemptLike {
  at: string;
  outcome: string;
  detail?: string | null;
  ms?: number | null;
}

/** "2 次：失败 → 成功" style summary parts: the outcomes in order, oldest first. */
export function attemptOutcomes(attempts: readonly AttemptLike[]): string[] {
  return [...attempts].sort((a, b) => Date.parse(a.at) - Date.parse(b.at)).map((a) => a.outcome);
}

/** A figure's value as text: numbers rounded to 2 decimals, objects as compact JSON. */
export function figureText(v: unknown): string {
  if (v === null || v === undefined) return '—';
  if (typeof v === 'number') return Number.isInteger(v) ? String(v) : String(Math.round(v * 100) / 100);
  if (typeof v === 'string' || typeof v === 'boolean') return String(v);
  try {
    return JSON.stringify(v);
  } catch {
    return String(v);
  }
}
