import { z } from 'zod';
import { InvalidError, NotFoundError } from '@/core/errors';
import { PROVINCE } from '@/core/org/divisions';
import type { Db } from '../db/client';
import type { Prisma } from '../db/generated/client';
import { SEVERITIES } from '../alerts/spec';

// Silences (Alertmanager's): alerts matching one notify nobody until it ends. They still show on the desk
// and the wall, marked silenced; a silence always has an end and a reason, so none is forgotten for ever.

export const silenceMatchSchema = z.object({
  orgCode: z
    .string()
    .regex(/^\d{2,12}$/)
    .default(PROVINCE.code),
  ruleIds: z.array(z.string().min(1).max(64)).max(50).optional(),
  severities: z.array(z.enum(SEVERITIES)).max(4).optional(),
  kinds: z.array(z.string().max(32)).max(10).optional(),
});
export type SilenceMatch = z.infer<typeof silenceMatchSchema>;

export const MAX_SILENCE_MS = 7 * 86_400_000;

export const silenceInputSchema = z.object({
  match: silenceMatchSchema,
  reason: z.string().trim().min(2, '请说明静默原因 (a reason is required)').max(500),
  startsAt: z.number().int().optional(),
  endsAt: z.number().int(),
});
export type SilenceInput = z.infer<typeof silenceInputSchema>;

type Reader = Pick<Prisma.TransactionClient, 'silence'>;

export function silenceMatches(m: SilenceMatch, ev: { orgCode: string; severity: string; ruleId: string; kind: string }): boolean {
  return (
    ev.orgCode.startsWith(m.orgCode) &&
    (!m.ruleIds?.length || m.ruleIds.includes(ev.ruleId)) &&
    (!m.severities?.length || (m.severities as string[]).includes(ev.severity)) &&
    (!m.kinds?.length || m.kinds.includes(ev.kind))
  );
}

export interface SilenceRow {
  id: string;
  match: unknown;
  startsAt: Date;
  endsAt: Date;
}

/** Silences in force at `now` (read once per duty tick). */
export async function activeSilences(tx: Reader, now: number): Promise<SilenceRow[]> {
  const at = new Date(now);
  return tx.silence.findMany({ where: { startsAt: { lte: at }, endsAt: { gt: at } }, orderBy: { createdAt: 'asc' } });
}

/** The id of the first of `silences` that covers the alert, if any. */
export function silenceFor(silences: SilenceRow[], ev: { orgCode: string; severity: string; ruleId: string; kind: string }): string | null {
  for (const r of silences) {
    const m = silenceMatchSchema.safeParse(r.match);
    if (m.success && silenceMatches(m.data, ev)) return r.id;
  }
  return null;
}

export async function createSilence(db: Db, input: SilenceInput, actor: string, now: number) {
  const startsAt = input.startsAt ?? now;
  if (input.endsAt <= Math.max(startsAt, now))
    throw new InvalidError('静默结束时间须晚于开始时间和现在 (the end must be after the start and after now)');
  if (input.endsAt - startsAt > MAX_SILENCE_MS) throw new InvalidError('静默最长 7 天 (a silence lasts at most 7 days)');
  return db.prisma.$transaction(async (tx) => {
    const s = await tx.silence.create({
      data: {
        match: input.match,
        reason: input.reason,
        startsAt: new Date(startsAt),
        endsAt: new Date(input.endsAt),
        createdBy: actor,
        createdAt: new Date(now),
      },
    });
    await tx.auditLog.create({
      data: {
        actor,
        action: 'silence.create',
        target: s.id,
        detail: { match: input.match, reason: input.reason, startsAt, endsAt: input.endsAt },
      },
    });
    return s;
  });
}

/** Ends a silence now (it stays in the list, ended). */
export async function expireSilence(db: Db, id: string, actor: string, now: number) {
  return db.prisma.$transaction(async (tx) => {
    const s = await tx.silence.findUnique({ where: { id } });
    if (!s) throw new NotFoundError(`no silence ${id}`);
    const at = new Date(now);
    if (s.endsAt <= at) return s;
    const out = await tx.silence.update({ where: { id }, data: { endsAt: at } });
    await tx.auditLog.create({ data: { actor, action: 'silence.expire', target: id } });
    return out;
  });
}
