import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { NotFoundError } from '@/core/errors';
import type { Db } from '../db/client';
import type { Role } from './roles';

// Service tokens (scripts) and display tokens (paired wall screens). The secret is shown once; the database
// keeps its SHA-256 (a random 256-bit secret needs no slow hash) and its first characters for recognition.

export type TokenKind = 'service' | 'display';

export const hashToken = (token: string) => createHash('sha256').update(token).digest('hex');

/** `ymt_…` for service tokens, `ymd_…` for display tokens: a leaked value says what it is. */
export function newTokenSecret(kind: TokenKind): string {
  return `${kind === 'service' ? 'ymt' : 'ymd'}_${randomBytes(32).toString('base64url')}`;
}

/** Constant-time comparison of a presented token with a configured one (ADMIN_API_TOKEN). */
export function sameSecret(a: string, b: string): boolean {
  const x = createHash('sha256').update(a).digest();
  const y = createHash('sha256').update(b).digest();
  return timingSafeEqual(x, y);
}

export interface NewToken {
  kind: TokenKind;
  name: string;
  role: Role;
  orgCode: string;
  layoutId?: string | null;
  zoneId?: string | null;
  createdBy: string;
  expiresAt?: Date | null;
}

export async function createToken(db: Db, t: NewToken): Promise<{ id: string; token: string; prefix: string }> {
  const token = newTokenSecret(t.kind);
  const prefix = token.slice(0, 10);
  const row = await db.prisma.$transaction(async (tx) => {
    const created = await tx.apiToken.create({
      data: {
        kind: t.kind,
        name: t.name,
        tokenHash: hashToken(token),
        prefix,
        role: t.role,
        orgUnitCode: t.orgCode,
        layoutId: t.layoutId ?? null,
        zoneId: t.zoneId ?? null,
        createdBy: t.createdBy,
        expiresAt: t.expiresAt ?? null,
      },
    });
    await tx.auditLog.create({
      data: {
        actor: t.createdBy,
        action: t.kind === 'service' ? 'token.create' : 'screen.pair',
        target: created.id,
        detail: { name: t.name, role: t.role, orgCode: t.orgCode, layoutId: t.layoutId ?? null, zoneId: t.zoneId ?? null, prefix },
      },
    });
    return created;
  });
  return { id: row.id, token, prefix };
}

/** The live token a presented secret belongs to (not revoked, not expired), or null. */
export async function findLiveToken(db: Db, token: string, now: number) {
  if (!/^ym[td]_[A-Za-z0-9_-]{43}$/.test(token)) return null;
  const row = await db.prisma.apiToken.findUnique({ where: { tokenHash: hashToken(token) } });
  if (!row || row.revokedAt || (row.expiresAt && row.expiresAt.getTime() <= now)) return null;
  // Last use at minute resolution: enough for "is this token still used?" without a write per request.
  if (!row.lastUsedAt || now - row.lastUsedAt.getTime() > 60_000) {
    await db.prisma.apiToken.update({ where: { id: row.id }, data: { lastUsedAt: new Date(now) } }).catch(() => undefined);
  }
  return row;
}

export async function revokeToken(db: Db, id: string, by: string): Promise<{ kind: TokenKind }> {
  return db.prisma.$transaction(async (tx) => {
    const row = await tx.apiToken.findUnique({ where: { id } });
    if (!row) throw new NotFoundError(`令牌不存在 (no token ${id})`);
    if (!row.revokedAt) {
      await tx.apiToken.update({ where: { id }, data: { revokedAt: new Date(), revokedBy: by } });
      await tx.auditLog.create({ data: { actor: by, action: 'token.revoke', target: id, detail: { name: row.name, kind: row.kind } } });
    }
    return { kind: row.kind };
  });
}

export async function listTokens(db: Db, kind: TokenKind) {
  const rows = await db.prisma.apiToken.findMany({ where: { kind }, orderBy: { createdAt: 'desc' }, take: 500 });
  return rows.map((r) => ({
    id: r.id,
    name: r.name,
    prefix: r.prefix,
    role: r.role,
    orgCode: r.orgUnitCode,
    layoutId: r.layoutId,
    zoneId: r.zoneId,
    createdBy: r.createdBy,
    createdAt: r.createdAt.toISOString(),
    expiresAt: r.expiresAt?.toISOString() ?? null,
    revokedAt: r.revokedAt?.toISOString() ?? null,
    lastUsedAt: r.lastUsedAt?.toISOString() ?? null,
  }));
}
