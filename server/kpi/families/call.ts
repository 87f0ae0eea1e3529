import type { Family } from './types';

// The call-loss rule of DOMAIN.md §2.2: calls that asked for an agent, less short abandons (hung up within
// the cut-off, excluded from numerator and denominator) and, when so configured, less blocked calls.
const REQUESTED = "outcome != 'ivr_only'";
const ABANDONED = "outcome IN ('abandoned_queue', 'abandoned_ringing')";
const SHORT = `(${ABANDONED} AND dateDiff('millisecond', assumeNotNull(requested_agent_at), ended_at) < {shortAbandonMs:UInt64})`;
const MANUAL = `(${REQUESTED} AND NOT ${SHORT} AND ({countBlocked:UInt8} = 1 OR outcome != 'blocked'))`;
const ANSWERED = "outcome = 'answered'";
const ASA_MS = "dateDiff('millisecond', assumeNotNull(requested_agent_at), assumeNotNull(answered_at))";

/** 95598 话务 (DOMAIN.md §2.2): one row per call. */
export const callFamily: Family = {
  id: 'call',
  label: { zh: '95598话务', en: '95598 calls' },
  sources: ['cti.calls'],
  sourceTables: ['fact_call'],
  from: `(SELECT * FROM fact_call FINAL WHERE {{where}})`,
  timeColumn: 'ivr_at',
  timeType: 'datetime',
  leaf: 'county',
  dims: {
    category: {
      sql: 'category',
      label: { zh: '诉求类别', en: 'Category' },
      values: ['inquiry', 'fault_repair', 'arrears_reconnection', 'complaint', 'opinion'],
    },
    skill_group: { sql: 'skill_group', label: { zh: '技能组', en: 'Skill group' } },
  },
  measures: {
    inbound: { kind: 'count', where: '1' },
    ivr_only: { kind: 'count', where: "outcome = 'ivr_only'" },
    requested: { kind: 'count', where: REQUESTED },
    short_abandon: { kind: 'count', where: SHORT },
    manual: { kind: 'count', where: MANUAL },
    answered: { kind: 'count', where: ANSWERED },
    lost: { kind: 'count', where: `${MANUAL} AND outcome != 'answered'` },
    lost_queue: { kind: 'count', where: `${MANUAL} AND outcome = 'abandoned_queue'` },
    lost_ringing: { kind: 'count', where: `${MANUAL} AND outcome = 'abandoned_ringing'` },
    blocked: { kind: 'count', where: "outcome = 'blocked'" },
    sl_base: { kind: 'count', where: `${REQUESTED} AND NOT ${SHORT}` },
    answered_in_sl: { kind: 'count', where: `${ANSWERED} AND ${ASA_MS} <= {serviceLevelMs:UInt64}` },
    asa_ms_sum: { kind: 'sum', expr: ASA_MS, where: ANSWERED, rowsOf: 'answered' },
  },
  params: (p) => ({
    shortAbandonMs: p['call.shortAbandonSec'] * 1000,
    countBlocked: p['call.countBlocked'] ? 1 : 0,
    serviceLevelMs: p['call.serviceLevelSec'] * 1000,
  }),
  grains: ['hour', 'day'],
  rows: {
    call_id: { sql: 'call_id', label: { zh: '话单号', en: 'Call' }, type: 'string' },
    county_code: { sql: 'county_code', label: { zh: '区县', en: 'County' }, type: 'string' },
    skill_group: { sql: 'skill_group', label: { zh: '技能组', en: 'Skill group' }, type: 'string' },
    category: { sql: 'category', label: { zh: '诉求类别', en: 'Category' }, type: 'string' },
    ivr_at: { sql: 'ivr_at', label: { zh: '进线时间', en: 'Entered IVR' }, type: 'time' },
    requested_agent_at: { sql: 'requested_agent_at', label: { zh: '转人工时间', en: 'Requested agent' }, type: 'time' },
    answered_at: { sql: 'answered_at', label: { zh: '应答时间', en: 'Answered' }, type: 'time' },
    ended_at: { sql: 'ended_at', label: { zh: '结束时间', en: 'Ended' }, type: 'time' },
    outcome: { sql: 'outcome', label: { zh: '结果', en: 'Outcome' }, type: 'string' },
    agent_id: { sql: 'agent_id', label: { zh: '坐席', en: 'Agent' }, type: 'string' },
  },
  defaultSort: 'ivr_at',
};

/** Agents by state now (DOMAIN.md §2.2): the open state row of each agent. Live only, no org (one call center). */
export const agentFamily: Family = {
  id: 'agent',
  label: { zh: '坐席状态', en: 'Agent states' },
  sources: ['cti.agent-states'],
  sourceTables: ['fact_agent_state'],
  // The CTI reports a state spell when it ends, so an agent's state now is its latest spell (minutes old at
  // most while the agent works). Logged-out spells can last days, so the window reaches back a week.
  from: `(SELECT agent_id, argMax(skill_group, started_at) AS group_now, argMax(state, started_at) AS state_now,
                 max(started_at) AS t
          FROM fact_agent_state FINAL
          WHERE started_at >= {now:DateTime64(3, 'UTC')} - INTERVAL 7 DAY AND started_at <= {now:DateTime64(3, 'UTC')} AND {{where}}
          GROUP BY agent_id)`,
  timeColumn: 't',
  timeType: 'datetime',
  leaf: 'none',
  dims: { skill_group: { sql: 'group_now', label: { zh: '技能组', en: 'Skill group' } } },
  measures: {
    logged_in: { kind: 'count', where: "state_now != 'logged_out'" },
    ready: { kind: 'count', where: "state_now = 'ready'" },
    talking: { kind: 'count', where: "state_now = 'talking'" },
    after_call_work: { kind: 'count', where: "state_now = 'after_call_work'" },
    away: { kind: 'count', where: "state_now = 'away'" },
  },
  params: () => ({}),
  grains: [],
  rows: {
    agent_id: { sql: 'agent_id', label: { zh: '坐席', en: 'Agent' }, type: 'string' },
    skill_group: { sql: 'group_now', label: { zh: '技能组', en: 'Skill group' }, type: 'string' },
    state: { sql: 'state_now', label: { zh: '状态', en: 'State' }, type: 'string' },
    since: { sql: 't', label: { zh: '进入状态', en: 'Since' }, type: 'time' },
  },
  defaultSort: 'since',
};

/** A spell's length: to its end, or to now while it lasts. */
const SPELL_MS = "dateDiff('millisecond', started_at, least(ifNull(ended_at, {now:DateTime64(3, 'UTC')}), {now:DateTime64(3, 'UTC')}))";
const spell = (state: string) =>
  ({
    count: { kind: 'count', where: `state = '${state}'`, live: true },
    sum: { kind: 'sum', expr: SPELL_MS, where: `state = '${state}'`, rowsOf: `${state}_spells`, live: true },
  }) as const;
const READY = spell('ready');
const TALKING = spell('talking');
const ACW = spell('after_call_work');
const AWAY = spell('away');

/**
 * Agent time in state (DOMAIN.md §2.2): one row per state spell the CTI reported, dated by when it started;
 * a spell still going counts up to now. Live (reads {now}), no org (one call center).
 */
export const agentTimeFamily: Family = {
  id: 'agent_time',
  label: { zh: '坐席状态时长', en: 'Agent time in state' },
  sources: ['cti.agent-states'],
  sourceTables: ['fact_agent_state'],
  from: `(SELECT * FROM fact_agent_state FINAL WHERE started_at <= {now:DateTime64(3, 'UTC')} AND {{where}})`,
  timeColumn: 'started_at',
  timeType: 'datetime',
  leaf: 'none',
  dims: { skill_group: { sql: 'skill_group', label: { zh: '技能组', en: 'Skill group' } } },
  measures: {
    ready_spells: READY.count,
    ready_ms: READY.sum,
    talking_spells: TALKING.count,
    talking_ms: TALKING.sum,
    after_call_work_spells: ACW.count,
    after_call_work_ms: ACW.sum,
    away_spells: AWAY.count,
    away_ms: AWAY.sum,
  },
  params: () => ({}),
  grains: [],
  rows: {
    agent_id: { sql: 'agent_id', label: { zh: '坐席', en: 'Agent' }, type: 'string' },
    skill_group: { sql: 'skill_group', label: { zh: '技能组', en: 'Skill group' }, type: 'string' },
    state: { sql: 'state', label: { zh: '状态', en: 'State' }, type: 'string' },
    started_at: { sql: 'started_at', label: { zh: '开始', en: 'Started' }, type: 'time' },
    ended_at: { sql: 'ended_at', label: { zh: '结束', en: 'Ended' }, type: 'time' },
    minutes: { sql: `round(${SPELL_MS} / 60000, 1)`, label: { zh: '时长（分）', en: 'Minutes' }, type: 'number' },
  },
  defaultSort: 'started_at',
};
