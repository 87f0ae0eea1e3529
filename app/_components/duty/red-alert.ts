// When the desk rings: a newly fired red alert, unless muted. Pure parts of the red-alert notice.

export const MUTE_KEY = 'duty.desk.mute';

export interface DutyEventLike {
  type?: string;
  eventId: string;
  change: string;
  severity: string;
  title: string;
  titleEn?: string;
  orgName?: string;
}

/** Parses one SSE `alert` payload; null when it is not a duty event. */
export function parseDutyEvent(data: string): DutyEventLike | null {
  try {
    const v = JSON.parse(data) as Partial<DutyEventLike>;
    if (!v || typeof v.eventId !== 'string' || typeof v.change !== 'string' || typeof v.severity !== 'string') return null;
    return { ...v, title: typeof v.title === 'string' ? v.title : '' } as DutyEventLike;
  } catch {
    return null;
  }
}

/** Rings for a red alert that has just fired, once per alert. */
export function shouldRing(e: DutyEventLike, muted: boolean, rung: Set<string>): boolean {
  if (muted || e.severity !== 'red' || e.change !== 'fired') return false;
  if (rung.has(e.eventId)) return false;
  rung.add(e.eventId);
  return true;
}
