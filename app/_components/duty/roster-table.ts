// The 值班表 as a table: per unit, per duty role, the shifts of today and tomorrow (Beijing), who is on duty
// now, and leave. Pure.
import { beijingDayStart, DAY_MS } from './shift';

export interface ShiftLike {
  id: string;
  orgCode: string;
  dutyRole: string;
  username: string;
  displayName: string | null;
  kind: 'shift' | 'leave';
  startsAt: string;
  endsAt: string;
  swappedFrom: string | null;
  note: string | null;
}

export interface RosterCell<S extends ShiftLike = ShiftLike> {
  shift: S;
  day: 'today' | 'tomorrow';
  current: boolean;
  /** The person has leave overlapping this shift. */
  onLeave: boolean;
}

export interface RosterGroup<S extends ShiftLike = ShiftLike> {
  orgCode: string;
  dutyRole: string;
  cells: RosterCell<S>[];
}

const overlaps = (a0: number, a1: number, b0: number, b1: number) => a0 < b1 && b0 < a1;

/**
 * Groups the shifts by unit (shorter codes — higher units — first) and duty role, each group's shifts by
 * start; marks the ones running at `now` and those whose person is on leave then. Leave rows are returned
 * apart. Shifts starting outside today/tomorrow (Beijing) are left out.
 */
export function rosterTable<S extends ShiftLike>(rows: readonly S[], now: number): { groups: RosterGroup<S>[]; leave: S[] } {
  const today = beijingDayStart(now);
  const leave = rows.filter((r) => r.kind === 'leave');
  const groups = new Map<string, RosterGroup<S>>();
  for (const s of rows) {
    if (s.kind !== 'shift') continue;
    const start = Date.parse(s.startsAt);
    const end = Date.parse(s.endsAt);
    if (!(end > today && start < today + 2 * DAY_MS)) continue;
    const key = `${s.orgCode}|${s.dutyRole}`;
    const g = groups.get(key) ?? { orgCode: s.orgCode, dutyRole: s.dutyRole, cells: [] };
    groups.set(key, g);
    g.cells.push({
      shift: s,
      day: start < today + DAY_MS ? 'today' : 'tomorrow',
      current: start <= now && now < end,
      onLeave: leave.some((l) => l.username === s.username && overlaps(start, end, Date.parse(l.startsAt), Date.parse(l.endsAt))),
    });
  }
  const list = [...groups.values()];
  for (const g of list) g.cells.sort((a, b) => Date.parse(a.shift.startsAt) - Date.parse(b.shift.startsAt));
  list.sort((a, b) => a.orgCode.length - b.orgCode.length || a.orgCode.localeCompare(b.orgCode) || a.dutyRole.localeCompare(b.dutyRole));
  return { groups: list, leave };
}
