import { describe, expect, it } from 'vitest';
import { rosterTable, type ShiftLike } from './roster-table';

const bj = (s: string) => new Date(Date.parse(`${s}:00+08:00`)).toISOString();
const shift = (
  id: string,
  orgCode: string,
  username: string,
  from: string,
  to: string,
  kind: 'shift' | 'leave' = 'shift',
  dutyRole = 'duty_officer',
): ShiftLike => ({
  id,
  orgCode,
  dutyRole,
  username,
  displayName: null,
  kind,
  startsAt: bj(from),
  endsAt: bj(to),
  swappedFrom: null,
  note: null,
});

describe('roster table', () => {
  const now = Date.parse('2026-12-05T10:00:00+08:00');
  const rows = [
    shift('b', '5301', 'li', '2026-12-05T16:00', '2026-12-06T00:00'),
    shift('a', '5301', 'wang', '2026-12-05T08:00', '2026-12-05T16:00'),
    shift('c', '53', 'zhao', '2026-12-06T08:00', '2026-12-06T16:00'),
    shift('old', '53', 'zhao', '2026-12-03T08:00', '2026-12-03T16:00'),
    shift('far', '53', 'zhao', '2026-12-07T08:00', '2026-12-07T16:00'),
    shift('l', '5301', 'li', '2026-12-05T12:00', '2026-12-05T20:00', 'leave'),
  ];
  it('groups by unit (higher first) and role, ordered by start, only today and tomorrow', () => {
    const { groups, leave } = rosterTable(rows, now);
    expect(groups.map((g) => g.orgCode)).toEqual(['53', '5301']);
    expect(groups[0]!.cells.map((c) => [c.shift.id, c.day])).toEqual([['c', 'tomorrow']]);
    expect(groups[1]!.cells.map((c) => c.shift.id)).toEqual(['a', 'b']);
    expect(leave.map((l) => l.id)).toEqual(['l']);
  });
  it('marks who is on duty now and who is on leave in a shift', () => {
    const cells = rosterTable(rows, now).groups[1]!.cells;
    expect(cells.map((c) => c.current)).toEqual([true, false]);
    expect(cells.map((c) => c.onLeave)).toEqual([false, true]);
  });
});
