import { randomBytes, randomInt } from 'node:crypto';
import { InvalidError, NotFoundError } from '@/core/errors';
import type { Db } from '../db/client';
import { createToken, hashToken } from './tokens';

// Pairing a wall screen without a person signing in on it: the screen asks for a pairing and shows a short
// code; an administrator enters the code and picks the layout (or one zone); the screen, polling with the
// secret key only it holds, receives its display token once and keeps it as a cookie. The code alone is
// worth nothing to a bystander: the token goes to the holder of the poll key.

const CODE_ALPHABET = 'ABCDEFGHJKLMNPQRSTUVWXYZ23456789'; // no 0/O, 1/I
const CODE_LENGTH = 6;
const PAIRING_TTL_MS = 10 * 60_000;
/** Open pairings allowed at once: a flood of pairing requests cannot fill the table. */
const MAX_OPEN = 200;

export function newPairingCode(): string {
  let s = '';
  for (let i = 0; i < CODE_LENGTH; i++) s += CODE_ALPHABET[randomInt(CODE_ALPHABET.length)];
  return s;
}

export const normaliseCode = (code: string) => code.toUpperCase().replace(/[^A-Z0-9]/g, '');

export async function startPairing(db: Db, userAgent: string | null, now: number) {
  await db.prisma.screenPairing.deleteMany({ where: { expiresAt: { lt: new Date(now) }, claimedAt: null } });
  const open = await db.prisma.screenPairing.count({ where: { claimedAt: null } });
  if (open >= MAX_OPEN) throw new InvalidError('待配对的屏幕过多，请稍后再试 (too many screens waiting to pair)');
  const pollKey = randomBytes(32).toString('base64url');
  for (let attempt = 0; ; attempt++) {
    const code = newPairingCode();
    try {
      const row = await db.prisma.screenPairing.create({
        data: {
          code,
          pollKeyHash: hashToken(pollKey),
          userAgent: userAgent?.slice(0, 200) ?? null,
          expiresAt: new Date(now + PAIRING_TTL_MS),
        },
      });
      return { code, pollKey, expiresAt: row.expiresAt.toISOString() };
    } catch (err) {
      if (attempt >= 4) throw err;
    }
  }
}

export interface Approval {
  code: string;
  layoutId: string;
  zoneId: string | null;
  name: string;
  orgCode: string;
}

/** An administrator's approval: the screen gets its token at its next poll. */
export async function approvePairing(db: Db, a: Approval, by: string, now: number) {
  const row = await db.prisma.screenPairing.findUnique({ where: { code: normaliseCode(a.code) } });
  if (!row || row.expiresAt.getTime() <= now || row.claimedAt)
    throw new NotFoundError('配对码无效或已过期 (pairing code unknown or expired)');
  if (row.approvedAt) throw new InvalidError('该配对码已确认 (pairing code already approved)');
  await db.prisma.screenPairing.update({
    where: { id: row.id },
    data: { layoutId: a.layoutId, zoneId: a.zoneId, orgUnitCode: a.orgCode, name: a.name, approvedBy: by, approvedAt: new Date(now) },
  });
  return { id: row.id };
}

export type PairingPoll =
  | { status: 'pending'; code: string; expiresAt: string }
  | { status: 'expired' }
  | { status: 'paired'; token: string; layoutId: string; zoneId: string | null };

/** The screen's poll: once approved, mints its display token exactly once. */
export async function pollPairing(db: Db, pollKey: string, now: number, defaultOrg: string): Promise<PairingPoll> {
  if (!/^[A-Za-z0-9_-]{43}$/.test(pollKey)) return { status: 'expired' };
  const row = await db.prisma.screenPairing.findUnique({ where: { pollKeyHash: hashToken(pollKey) } });
  if (!row || row.claimedAt || row.expiresAt.getTime() <= now) return { status: 'expired' };
  if (!row.approvedAt || !row.layoutId) return { status: 'pending', code: row.code, expiresAt: row.expiresAt.toISOString() };
  // Claim first (a conditional update), so two polls racing cannot mint two tokens.
  const claimed = await db.prisma.screenPairing.updateMany({ where: { id: row.id, claimedAt: null }, data: { claimedAt: new Date(now) } });
  if (claimed.count !== 1) return { status: 'expired' };
  const orgCode = row.orgUnitCode ?? defaultOrg;
  const t = await createToken(db, {
    kind: 'display',
    name: row.name ?? `screen-${row.code}`,
    role: 'wall_display',
    orgCode,
    layoutId: row.layoutId,
    zoneId: row.zoneId,
    createdBy: row.approvedBy ?? 'system',
  });
  await db.prisma.screenPairing.update({ where: { id: row.id }, data: { tokenId: t.id } });
  return { status: 'paired', token: t.token, layoutId: row.layoutId, zoneId: row.zoneId };
}
