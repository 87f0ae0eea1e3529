import { z } from 'zod';
import { findCounty } from '@/core/org/divisions';
import { chTime, parseLocal } from '@/core/time';
import { AGENT_STATE_CODE, CATEGORY_LABEL, RELEASE_CAUSE, invert } from './source-schema';

// CTI vendor records → fact rows. Anything that cannot be trusted is returned as a reason instead of a
// row, so one bad record is quarantined while the rest of the page loads.

/** Abandons quicker than this after asking for an agent are short abandons (DOMAIN §2.2 default). */
export const SHORT_ABANDON_MS = 5_000;

const CATEGORY = invert(CATEGORY_LABEL);
const OUTCOME = invert(RELEASE_CAUSE);
const AGENT_STATE = invert(AGENT_STATE_CODE);

const time = z.string().nullable().optional();

export const sourceCdrSchema = z.object({
  callId: z.coerce.string().min(1),
  callerArea: z.coerce.string(),
  skillGroup: z.string(),
  category: z.string(),
  ivrStartTime: z.string(),
  queueStartTime: time,
  ringStartTime: time,
  answerTime: time,
  releaseTime: z.string(),
  releaseCause: z.string(),
  agentId: z.coerce.string().nullable().optional(),
});

export const sourceAgentStateSchema = z.object({
  agentId: z.coerce.string().min(1),
  skillGroup: z.string(),
  state: z.string(),
  stateStartTime: z.string(),
  stateEndTime: time,
  updateTime: z.string(),
});

export type Transform = { ok: true; row: Record<string, unknown> } | { ok: false; reason: string };

const malformed = (error: z.ZodError): Transform => ({
  ok: false,
  reason: `malformed record: ${error.issues.map((i) => `${i.path.join('.')} ${i.message}`).join('; ')}`,
});

/** Parses the named local times; the first bad one becomes the reason. Empty text counts as absent. */
function parseTimes<K extends string>(
  rec: Partial<Record<K, string | null | undefined>>,
  fields: readonly K[],
  tz: string,
): { ok: true; t: Partial<Record<K, number>> } | { ok: false; reason: string } {
  const t: Partial<Record<K, number>> = {};
  for (const f of fields) {
    const v = rec[f];
    if (v === null || v === undefined || v === '') continue;
    const ms = parseLocal(v, tz);
    if (ms === null) return { ok: false, reason: `bad date in ${f}: ${JSON.stringify(v)}` };
    t[f] = ms;
  }
  return { ok: true, t };
}

const CDR_TIMES = ['ivrStartTime', 'queueStartTime', 'ringStartTime', 'answerTime', 'releaseTime'] as const;

export function transformCdr(raw: unknown, tz: string, source = 'cti'): Transform {
  const parsed = sourceCdrSchema.safeParse(raw);
  if (!parsed.success) return malformed(parsed.error);
  const c = parsed.data;
  const county = findCounty(c.callerArea);
  if (!county) return { ok: false, reason: `unknown area code ${c.callerArea}` };
  const category = CATEGORY.get(c.category);
  if (!category) return { ok: false, reason: `unknown category ${c.category}` };
  const outcome = OUTCOME.get(c.releaseCause);
  if (!outcome) return { ok: false, reason: `unknown release cause ${c.releaseCause}` };
  const parsedTimes = parseTimes(c, CDR_TIMES, tz);
  if (!parsedTimes.ok) return parsedTimes;
  const { ivrStartTime: ivr, queueStartTime: queued, ringStartTime: ring, answerTime: answered, releaseTime: released } = parsedTimes.t;
  if (ivr === undefined || released === undefined) return { ok: false, reason: 'ivrStartTime and releaseTime are required' };
  if (released < ivr) return { ok: false, reason: 'releaseTime before ivrStartTime' };
  if (outcome === 'ivr_only') {
    if (queued !== undefined) return { ok: false, reason: 'IVR-only call with queueStartTime' };
  } else {
    if (queued === undefined) return { ok: false, reason: `${outcome} call without queueStartTime` };
    if (queued < ivr) return { ok: false, reason: 'queueStartTime before ivrStartTime' };
    if (released < queued) return { ok: false, reason: 'releaseTime before queueStartTime' };
  }
  if (answered !== undefined) {
    if (queued === undefined || answered < queued) return { ok: false, reason: 'answerTime before queueStartTime' };
    if (answered > released) return { ok: false, reason: 'answerTime after releaseTime' };
  }
  if (outcome === 'answered' && answered === undefined) return { ok: false, reason: 'answered call without answerTime' };
  if (outcome !== 'answered' && answered !== undefined) return { ok: false, reason: `${outcome} call with answerTime` };
  const agentId = c.agentId ?? '';
  if (outcome === 'answered' && !agentId) return { ok: false, reason: 'answered call without agentId' };
  const abandoned = outcome === 'abandoned_queue' || outcome === 'abandoned_ringing';

  return {
    ok: true,
    row: {
      call_id: c.callId,
      source,
      province_code: county.cityCode.slice(0, 2),
      city_code: county.cityCode,
      county_code: county.code,
      skill_group: c.skillGroup,
      category,
      ivr_at: chTime(ivr),
      requested_agent_at: queued === undefined ? null : chTime(queued),
      ring_at: ring === undefined ? null : chTime(ring),
      answered_at: answered === undefined ? null : chTime(answered),
      ended_at: chTime(released),
      outcome,
      short_abandon: abandoned && released - queued! < SHORT_ABANDON_MS ? 1 : 0,
      agent_id: agentId,
      // A CDR is written once the call has ended; its release time is its version.
      src_updated_at: chTime(released),
    },
  };
}

const STATE_TIMES = ['stateStartTime', 'stateEndTime', 'updateTime'] as const;

export function transformAgentState(raw: unknown, tz: string, source = 'cti'): Transform {
  const parsed = sourceAgentStateSchema.safeParse(raw);
  if (!parsed.success) return malformed(parsed.error);
  const s = parsed.data;
  const state = AGENT_STATE.get(s.state);
  if (!state) return { ok: false, reason: `unknown agent state ${s.state}` };
  const parsedTimes = parseTimes(s, STATE_TIMES, tz);
  if (!parsedTimes.ok) return parsedTimes;
  const { stateStartTime: started, stateEndTime: ended, updateTime: updated } = parsedTimes.t;
  if (started === undefined || updated === undefined) return { ok: false, reason: 'stateStartTime and updateTime are required' };
  if (ended !== undefined && ended < started) return { ok: false, reason: 'stateEndTime before stateStartTime' };
  return {
    ok: true,
    row: {
      agent_id: s.agentId,
      source,
      skill_group: s.skillGroup,
      state,
      started_at: chTime(started),
      ended_at: ended === undefined ? null : chTime(ended),
      src_updated_at: chTime(updated),
    },
  };
}

/** Stable key of a record for the quarantine (which deduplicates on it). */
export const cdrKey = (raw: Record<string, unknown>) => String(raw.callId ?? '');
export const agentStateKey = (raw: Record<string, unknown>) => `${String(raw.agentId ?? '')}|${String(raw.stateStartTime ?? '')}`;
