import { z } from 'zod';
import { findCounty } from '@/core/org/divisions';
import { chTime, parseLocal } from '@/core/time';
import type { FlaggedField } from '../../runtime/job';
import { BIZ_TYPE, EVALUATION, STATE } from './source-schema';

// Source rows → fact rows (DOMAIN.md §2, opening). A row that cannot be read is returned as a reason instead
// of a row, so one bad ticket is quarantined while the rest of the batch loads; a row with one impossible field
// is loaded with that field emptied and flagged.

export const sourceTicketSchema = z.object({
  ticket_id: z.string().min(1),
  hall_id: z.string().min(1),
  ticket_no: z.string(),
  biz_type: z.string(),
  window_no: z.coerce.number().int().nullable(),
  take_time: z.string(),
  call_time: z.string().nullable(),
  finish_time: z.string().nullable(),
  state: z.coerce.number().int(),
  evaluation: z.coerce.number().int().nullable(),
  updated_at: z.string(),
});
export type SourceTicket = z.infer<typeof sourceTicketSchema>;

export interface HallOrg {
  countyCode: string;
  cityCode: string;
  provinceCode: string;
}

const stateByCode = new Map(Object.entries(STATE).map(([k, v]) => [v, k]));
const ratingByCode = new Map(Object.entries(EVALUATION).map(([k, v]) => [v, k]));
const bizByLabel = new Map(Object.entries(BIZ_TYPE).map(([k, v]) => [v as string, k]));

/**
 * A ticket that cannot be read at all (no key, no hall, no issue time, unknown state) is a reason for quarantine.
 * A ticket with one impossible field is still a ticket (it counts in tickets issued): the field is emptied and
 * named in `flags`, and only the figures that need it (waiting time for a bad call time) leave the ticket out.
 * The job records each flag in etl_quarantine with its reason while loading the row.
 */
export type TicketTransform =
  { ok: true; row: Record<string, unknown>; updatedAt: number; flags: FlaggedField[] } | { ok: false; reason: string };

/** Longest a ticket can plausibly take from issue to call, or from call to service end: halls close daily. */
export const MAX_TICKET_STEP_MS = 86_400_000;

export function transformTicket(raw: unknown, halls: Map<string, HallOrg>, tz: string, source: string): TicketTransform {
  const parsed = sourceTicketSchema.safeParse(raw);
  if (!parsed.success)
    return { ok: false, reason: `malformed row: ${parsed.error.issues.map((i) => `${i.path.join('.')} ${i.message}`).join('; ')}` };
  const t = parsed.data;
  const hall = halls.get(t.hall_id);
  if (!hall) return { ok: false, reason: `unknown hall ${t.hall_id}` };
  const flags: FlaggedField[] = [];
  const times: Partial<Record<'take_time' | 'call_time' | 'finish_time' | 'updated_at', number>> = {};
  for (const field of ['take_time', 'call_time', 'finish_time', 'updated_at'] as const) {
    const v = t[field];
    if (v === null) continue;
    const ms = parseLocal(v, tz);
    if (ms !== null) times[field] = ms;
    // The issue time places the ticket (its day, its partition) and updated_at versions it: without them the
    // row cannot be read. A call or finish time that is not a time is one bad field.
    else if (field === 'take_time' || field === 'updated_at') return { ok: false, reason: `bad date in ${field}: ${JSON.stringify(v)}` };
    else flags.push({ field, reason: `bad date in ${field}: ${JSON.stringify(v)}` });
  }
  const { take_time: issued, updated_at: updated } = times;
  let { call_time: called, finish_time: ended } = times;
  if (issued === undefined || updated === undefined) return { ok: false, reason: 'take_time and updated_at are required' };
  const status = stateByCode.get(t.state as never);
  if (!status) return { ok: false, reason: `unknown state code ${t.state}` };
  if (called !== undefined && called < issued) {
    flags.push({ field: 'call_time', reason: 'call_time before take_time' });
    called = undefined;
  } else if (called !== undefined && called - issued > MAX_TICKET_STEP_MS) {
    flags.push({ field: 'call_time', reason: 'call_time more than a day after take_time' });
    called = undefined;
  }
  const start = called ?? issued;
  if (ended !== undefined && (ended < start || ended - start > MAX_TICKET_STEP_MS)) {
    flags.push({
      field: 'finish_time',
      reason:
        ended < start
          ? `finish_time before ${called === undefined ? 'take_time' : 'call_time'}`
          : 'finish_time more than a day after call_time',
    });
    ended = undefined;
  } else if (ended !== undefined && called === undefined && t.call_time === null) {
    // Finished but never called: the service end means nothing without the call it follows.
    flags.push({ field: 'finish_time', reason: 'finish_time without call_time' });
    ended = undefined;
  }
  if ((status === 'serving' || status === 'served' || status === 'no_show') && t.call_time === null)
    flags.push({ field: 'call_time', reason: `state ${status} without call_time` });
  let rating = t.evaluation === null ? 'none' : ratingByCode.get(t.evaluation as never);
  if (!rating) {
    // An evaluator code we do not know is no rating: out of the satisfaction rate, the ticket still counts.
    flags.push({ field: 'evaluation', reason: `unknown evaluation code ${t.evaluation}` });
    rating = 'none';
  }
  const businessType = bizByLabel.get(t.biz_type) ?? 'other';

  return {
    ok: true,
    updatedAt: updated,
    flags,
    row: {
      ticket_id: t.ticket_id,
      source,
      province_code: hall.provinceCode,
      city_code: hall.cityCode,
      county_code: hall.countyCode,
      hall_code: t.hall_id,
      window_no: t.window_no ?? 0,
      business_type: businessType,
      issued_at: chTime(issued),
      called_at: called === undefined ? null : chTime(called),
      ended_at: ended === undefined ? null : chTime(ended),
      status,
      rating,
      src_updated_at: chTime(updated),
    },
  };
}

export const sourceHallSchema = z.object({
  hall_id: z.string().min(1),
  hall_name: z.string().min(1),
  org_code: z.string(),
  lon: z.coerce.number().nullable(),
  lat: z.coerce.number().nullable(),
  window_count: z.coerce.number().int().min(0),
  updated_at: z.string(),
});

export type HallTransform = { ok: true; row: Record<string, unknown>; org: HallOrg } | { ok: false; reason: string };

export function transformHall(raw: unknown, tz: string): HallTransform {
  const parsed = sourceHallSchema.safeParse(raw);
  if (!parsed.success)
    return { ok: false, reason: `malformed row: ${parsed.error.issues.map((i) => `${i.path.join('.')} ${i.message}`).join('; ')}` };
  const h = parsed.data;
  const county = findCounty(h.org_code);
  if (!county) return { ok: false, reason: `unknown org code ${h.org_code}` };
  const updated = parseLocal(h.updated_at, tz);
  if (updated === null) return { ok: false, reason: `bad date in updated_at: ${JSON.stringify(h.updated_at)}` };
  const org = { countyCode: county.code, cityCode: county.cityCode, provinceCode: county.cityCode.slice(0, 2) };
  return {
    ok: true,
    org,
    row: {
      hall_code: h.hall_id,
      hall_name: h.hall_name,
      province_code: org.provinceCode,
      city_code: org.cityCode,
      county_code: org.countyCode,
      lon: h.lon ?? 0,
      lat: h.lat ?? 0,
      windows: h.window_count,
      src_updated_at: chTime(updated),
    },
  };
}
