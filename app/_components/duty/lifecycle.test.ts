import { describe, expect, it } from 'vitest';
import { ACTIONS as SERVER_ACTIONS, PHASES as SERVER_PHASES, allowedActions } from '@/server/duty/lifecycle';
import { DUTY_ROLES as SERVER_ROLES } from '@/server/duty/roster';
import { RUN_LOG_CATEGORIES as SERVER_CATEGORIES } from '@/server/duty/run-log';
import { SUPERVISION_STATUSES as SERVER_SUP } from '@/server/duty/supervision';
import {
  ACTIONS,
  DUTY_ROLES,
  PHASES,
  RUN_LOG_CATEGORIES,
  SUPERVISION_STATUSES,
  actionButtons,
  errorText,
  isConflict,
  phaseCounts,
  suppressionKind,
} from './lifecycle';

const ALL = ['duty.read', 'duty.act', 'duty.supervise'];

describe('life cycle lists', () => {
  it('match the server', () => {
    expect([...PHASES]).toEqual([...SERVER_PHASES]);
    expect([...ACTIONS]).toEqual([...SERVER_ACTIONS]);
    expect([...DUTY_ROLES]).toEqual([...SERVER_ROLES]);
    expect([...RUN_LOG_CATEGORIES]).toEqual([...SERVER_CATEGORIES]);
    expect([...SUPERVISION_STATUSES]).toEqual([...SERVER_SUP]);
  });
});

describe('action buttons', () => {
  it('a raised alert: acknowledge first and primary, then assign, supervise, close', () => {
    const b = actionButtons(allowedActions('raised'), ALL);
    expect(b.map((x) => x.action)).toEqual(['acknowledge', 'assign', 'supervise', 'close']);
    expect(b.filter((x) => x.primary).map((x) => x.action)).toEqual(['acknowledge']);
    expect(b.find((x) => x.action === 'assign')?.input).toBe('assignee');
    expect(b.find((x) => x.action === 'close')?.input).toBe('note');
    expect(b.find((x) => x.action === 'supervise')?.input).toBe('supervision');
  });
  it('a closed alert only reopens, and reopen is not primary', () => {
    const b = actionButtons(allowedActions('closed'), ALL);
    expect(b).toEqual([{ action: 'reopen', input: 'note', primary: false }]);
  });
  it('hides 督办 without duty.supervise and everything without duty.act', () => {
    expect(actionButtons(allowedActions('acknowledged'), ['duty.read', 'duty.act']).map((x) => x.action)).toEqual([
      'assign',
      'handle',
      'close',
    ]);
    expect(actionButtons(allowedActions('acknowledged'), ['duty.read', 'duty.supervise']).map((x) => x.action)).toEqual(['supervise']);
    expect(actionButtons(allowedActions('handled'), ['duty.read'])).toEqual([]);
  });
  it('keeps the life-cycle order whatever order the server sent', () => {
    expect(actionButtons(['close', 'verify', 'reopen'], ALL).map((x) => x.action)).toEqual(['verify', 'close', 'reopen']);
  });
});

describe('counts and markers', () => {
  it('lists the open phases in order with 0 for missing ones', () => {
    expect(phaseCounts({ assigned: 2, raised: 5, closed: 9 })).toEqual([
      { phase: 'raised', count: 5 },
      { phase: 'acknowledged', count: 0 },
      { phase: 'assigned', count: 2 },
      { phase: 'supervised', count: 0 },
      { phase: 'handled', count: 0 },
      { phase: 'verified', count: 0 },
    ]);
  });
  it('tells silence from outage inhibition', () => {
    expect(suppressionKind('silenced:abc')).toBe('silenced');
    expect(suppressionKind('inhibited:sit1')).toBe('inhibited');
    expect(suppressionKind(null)).toBeNull();
  });
  it('reads conflicts and messages off tRPC errors', () => {
    const err = { message: 'alert changed meanwhile; reload it', data: { code: 'CONFLICT', httpStatus: 409 } };
    expect(isConflict(err)).toBe(true);
    expect(isConflict({ message: 'x', data: { code: 'NOT_FOUND' } })).toBe(false);
    expect(errorText(err)).toBe('alert changed meanwhile; reload it');
  });
});
