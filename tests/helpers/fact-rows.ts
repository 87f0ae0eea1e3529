import { chTime } from '@/core/time';

/** A fact_call row: a call answered in 五华区 of 昆明 that entered the IVR at `t` and lasted five minutes. */
export function answeredCall(callId: string, t: number) {
  return {
    call_id: callId,
    source: 'test',
    province_code: '53',
    city_code: '5301',
    county_code: '530102',
    skill_group: 'general',
    category: 'inquiry',
    ivr_at: chTime(t),
    requested_agent_at: chTime(t + 30_000),
    ring_at: chTime(t + 40_000),
    answered_at: chTime(t + 45_000),
    ended_at: chTime(t + 300_000),
    outcome: 'answered',
    short_abandon: 0,
    agent_id: 'A1',
    src_updated_at: chTime(t + 300_000),
  };
}
