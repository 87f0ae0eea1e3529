import { describe, expect, it } from 'vitest';
import {
  callTimeline,
  noticeDeadline,
  reconnectionTimeline,
  ticketTimeline,
  workOrderTimeline,
  workOrderVerdict,
} from '@/server/repositories/records/timeline';

// Step timelines against time limits (pure): each state a step can be in, on a pinned clock.

const T0 = Date.parse('2026-11-23T02:00:00Z');
const at = (min: number) => new Date(T0 + min * 60_000).toISOString();
const state = (steps: { key: string; state: string }[], key: string) => steps.find((s) => s.key === key)!.state;

function order(over: Record<string, string | null> = {}) {
  return {
    created_at: at(0),
    arrive_due_at: at(45),
    due_at: at(180),
    due_step: 'handle',
    accepted_at: at(5),
    dispatched_at: at(10),
    arrived_at: null,
    handled_at: null,
    replied_at: null,
    callback_at: null,
    closed_at: null,
    ...over,
  };
}

describe('workOrderTimeline', () => {
  it('holds arrive to arrive_due_at and the due step to due_at, near due at the share of the limit', () => {
    const steps = workOrderTimeline(order(), [{ step: 'accept', actor: 'D01', actor_name: '张三', at: at(5) }], 0.8, T0 + 40 * 60_000);
    expect(steps.map((s) => s.key)).toEqual(['created', 'accept', 'dispatch', 'arrive', 'handle', 'reply', 'callback', 'closed']);
    expect(steps[1]).toMatchObject({ actor: 'D01', actorName: '张三', state: 'done', elapsedMs: 5 * 60_000 });
    const arrive = steps.find((s) => s.key === 'arrive')!;
    expect(arrive).toMatchObject({ due: at(45), nearAt: at(36), state: 'near_due' });
    expect(state(steps, 'handle')).toBe('pending');
    expect(steps.find((s) => s.key === 'reply')!.due).toBeNull();
    expect(workOrderVerdict(steps)).toBe('near_due');
  });

  it('marks a late step and an overdue open one; a closed order’s missing steps are not reached', () => {
    const late = workOrderTimeline(order({ arrived_at: at(50) }), [], 0.8, T0 + 200 * 60_000);
    expect(state(late, 'arrive')).toBe('late');
    expect(state(late, 'handle')).toBe('overdue');
    expect(workOrderVerdict(late)).toBe('overdue');
    const closed = workOrderTimeline(order({ arrived_at: at(30), handled_at: at(100), closed_at: at(120) }), [], 0.8, T0 + 300 * 60_000);
    expect([state(closed, 'arrive'), state(closed, 'handle'), state(closed, 'reply'), state(closed, 'closed')]).toEqual([
      'on_time',
      'on_time',
      'not_reached',
      'done',
    ]);
    expect(workOrderVerdict(closed)).toBe('on_time');
  });
});

describe('ticketTimeline', () => {
  const limits = { waitWarnMin: 20, waitAlarmMin: 30, handleWarnMin: 30 };
  it('judges the wait against the warning and the alarm threshold', () => {
    const t = (called: number) =>
      ticketTimeline(
        { issued_at: at(0), called_at: at(called), ended_at: at(called + 5), status: 'served', rating: 'satisfied' },
        limits,
        T0,
      );
    expect(state(t(10), 'called')).toBe('on_time');
    expect(state(t(25), 'called')).toBe('warn');
    expect(state(t(31), 'called')).toBe('late');
    expect(t(10).find((s) => s.key === 'called')).toMatchObject({ nearAt: at(20), due: at(30) });
    expect(state(t(10), 'rated')).toBe('done');
  });

  it('ages a waiting ticket on the clock and skips the steps of a voided one', () => {
    const waiting = { issued_at: at(0), called_at: null, ended_at: null, status: 'waiting', rating: 'none' };
    expect(state(ticketTimeline(waiting, limits, T0 + 10 * 60_000), 'called')).toBe('pending');
    expect(state(ticketTimeline(waiting, limits, T0 + 22 * 60_000), 'called')).toBe('near_due');
    expect(state(ticketTimeline(waiting, limits, T0 + 35 * 60_000), 'called')).toBe('overdue');
    const voided = ticketTimeline({ ...waiting, status: 'voided' }, limits, T0 + 35 * 60_000);
    expect([state(voided, 'called'), state(voided, 'served'), state(voided, 'rated')]).toEqual([
      'not_reached',
      'not_reached',
      'not_reached',
    ]);
  });
});

describe('callTimeline', () => {
  it('holds the answer to the service level after the agent was requested', () => {
    const s = (answerSec: number) =>
      callTimeline(
        {
          ivr_at: at(0),
          requested_agent_at: at(1),
          ring_at: at(1),
          answered_at: new Date(T0 + 60_000 + answerSec * 1000).toISOString(),
          ended_at: at(5),
          agent_id: 'A7',
        },
        null,
        { serviceLevelSec: 20 },
      );
    expect(state(s(15), 'talk')).toBe('on_time');
    expect(state(s(25), 'talk')).toBe('late');
    expect(s(15).find((x) => x.key === 'talk')!.actor).toBe('A7');
    expect(state(s(15), 'wrap_up')).toBe('not_reached');
  });
});

describe('noticeDeadline and reconnectionTimeline', () => {
  const limits = { leadHours: { planned: 168, temporary: 24, peak_shifting: 24 }, faultNotifyMinutes: 30 };
  it('puts a planned outage’s deadline the lead before its start and a fault one’s after the power went', () => {
    expect(noticeDeadline({ outage_type: 'planned', planned_start: at(10_080), actual_start: null }, limits)).toBe(at(0));
    expect(noticeDeadline({ outage_type: 'fault', planned_start: at(0), actual_start: at(5) }, limits)).toBe(at(35));
    expect(noticeDeadline({ outage_type: 'fault', planned_start: at(0), actual_start: null }, limits)).toBeNull();
  });

  it('holds the reconnection to the limit after payment and the cut to the notice period', () => {
    const r = (reconnectedMin: number | null, now: number) =>
      reconnectionTimeline(
        {
          notice_at: at(0),
          disconnected_at: at(7 * 1440 + 60),
          paid_at: at(8 * 1440),
          reconnected_at: reconnectedMin === null ? null : at(reconnectedMin),
        },
        { reconnectLimitHours: 24, noticeDays: 7 },
        now,
      );
    expect(state(r(8 * 1440 + 600, 0), 'reconnected')).toBe('on_time');
    expect(state(r(null, T0 + (9 * 1440 + 1) * 60_000), 'reconnected')).toBe('overdue');
    expect(state(r(null, T0 + 8 * 1440 * 60_000 + 60_000), 'disconnected')).toBe('on_time');
  });
});
