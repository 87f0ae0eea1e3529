import { z } from 'zod';
import type { ClickHouse } from '@/core/clickhouse/client';
import { chParamTime, isoTime, LIST_LIMIT, num } from './common';

// One 95598 call (话务, DOMAIN.md §2.2): its call detail record in fact_call, and the after-call work (话后整理)
// its agent did right after it (fact_agent_state), which the CDR itself does not carry.

const callRow = z.object({
  call_id: z.string(),
  source: z.string(),
  province_code: z.string(),
  city_code: z.string(),
  county_code: z.string(),
  skill_group: z.string(),
  category: z.string(),
  ivr_at: isoTime,
  requested_agent_at: isoTime,
  ring_at: isoTime,
  answered_at: isoTime,
  ended_at: isoTime,
  outcome: z.string(),
  short_abandon: num,
  agent_id: z.string(),
  src_updated_at: isoTime,
  loaded_at: isoTime,
});
export type CallRow = z.infer<typeof callRow>;

const wrapRow = z.object({ started_at: isoTime, ended_at: isoTime });
export type WrapUpRow = z.infer<typeof wrapRow>;

export async function findCall(ch: ClickHouse, id: string): Promise<CallRow | null> {
  const rows = await ch.query(
    'repo.records.call',
    `SELECT ${Object.keys(callRow.shape).join(', ')} FROM fact_call FINAL WHERE call_id = {id:String} LIMIT 1`,
    { id },
    callRow,
  );
  return rows[0] ?? null;
}

/** The agent's after-call-work interval that began when the call ended (within a minute), if any. */
export async function wrapUpAfter(ch: ClickHouse, agentId: string, endedAt: string): Promise<WrapUpRow | null> {
  if (!agentId) return null;
  const rows = await ch.query(
    'repo.records.call-wrap-up',
    `SELECT started_at, ended_at FROM fact_agent_state FINAL
     WHERE agent_id = {agent:String} AND state = 'after_call_work'
       AND started_at >= {ended:DateTime64(3, 'UTC')} - INTERVAL 5 SECOND
       AND started_at <= {ended:DateTime64(3, 'UTC')} + INTERVAL 60 SECOND
     ORDER BY started_at LIMIT 1`,
    { agent: agentId, ended: chParamTime(endedAt) },
    wrapRow,
  );
  return rows[0] ?? null;
}

const relatedCallRow = z.object({
  call_id: z.string(),
  county_code: z.string(),
  category: z.string(),
  ivr_at: isoTime,
  outcome: z.string(),
});
export type RelatedCallRow = z.infer<typeof relatedCallRow>;

/** Calls of one county and category that entered the IVR in [from, to), with their total. */
export async function callsInWindow(
  ch: ClickHouse,
  q: { countyCode: string; category: string; from: string; to: string },
): Promise<{ rows: RelatedCallRow[]; total: number }> {
  const where = `county_code = {county:String} AND category = {category:String}
       AND ivr_at >= {from:DateTime64(3, 'UTC')} AND ivr_at < {to:DateTime64(3, 'UTC')}`;
  const params = { county: q.countyCode, category: q.category, from: chParamTime(q.from), to: chParamTime(q.to) };
  const [rows, total] = await Promise.all([
    ch.query(
      'repo.records.calls-in-window',
      `SELECT call_id, county_code, category, ivr_at, outcome FROM fact_call FINAL WHERE ${where} ORDER BY ivr_at LIMIT {limit:UInt32}`,
      { ...params, limit: LIST_LIMIT },
      relatedCallRow,
    ),
    ch.query('repo.records.calls-in-window-count', `SELECT count() AS n FROM fact_call FINAL WHERE ${where}`, params, z.object({ n: num })),
  ]);
  return { rows, total: total[0]?.n ?? 0 };
}
