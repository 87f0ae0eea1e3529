import { PROVINCE } from '@/core/org/divisions';
import type { Env } from '@/core/env';
import type { Db } from '../db/client';
import type { Auth } from './better-auth';
import type { Principal } from './principal';
import { isRole } from './roles';
import { findLiveToken, sameSecret } from './tokens';

// Who is asking, from a request's headers, in this order: a bearer token (a script's service token, or
// ADMIN_API_TOKEN), a paired screen's display-token cookie, a person's session cookie. An invalid bearer
// token is a refusal, not a fall-through to the cookie: a script must learn its token is dead.

export const DISPLAY_COOKIE = 'ym_display';

export type Resolution = { principal: Principal } | { principal: null; reason: 'none' | 'invalid-token' };

export interface ResolveDeps {
  db: Db;
  env: Env;
  auth: Auth;
}

export async function resolvePrincipal(deps: ResolveDeps, headers: Headers, now: number): Promise<Resolution> {
  const authz = headers.get('authorization');
  if (authz) {
    const m = /^Bearer\s+(\S+)$/i.exec(authz.trim());
    if (!m) return { principal: null, reason: 'invalid-token' };
    const p = await tokenPrincipal(deps, m[1]!, now);
    return p ? { principal: p } : { principal: null, reason: 'invalid-token' };
  }
  const display = readCookie(headers.get('cookie'), DISPLAY_COOKIE);
  if (display) {
    const p = await tokenPrincipal(deps, display, now);
    if (p?.kind === 'display') return { principal: p };
  }
  if (!headers.get('cookie')) return { principal: null, reason: 'none' };
  const session = await deps.auth.api.getSession({ headers }).catch(() => null);
  if (!session) return { principal: null, reason: 'none' };
  const user = await deps.db.prisma.user.findUnique({ where: { id: session.user.id } });
  if (!user || user.disabled || !isRole(user.role) || user.role === 'wall_display') return { principal: null, reason: 'none' };
  return {
    principal: { id: user.username, name: user.displayName, role: user.role, orgCode: user.orgUnitCode, kind: 'user', userId: user.id },
  };
}

async function tokenPrincipal(deps: ResolveDeps, token: string, now: number): Promise<Principal | null> {
  if (deps.env.ADMIN_API_TOKEN && sameSecret(token, deps.env.ADMIN_API_TOKEN)) {
    return { id: 'token:ADMIN_API_TOKEN', name: 'ADMIN_API_TOKEN', role: 'admin', orgCode: PROVINCE.code, kind: 'service' };
  }
  const row = await findLiveToken(deps.db, token, now);
  if (!row || !isRole(row.role)) return null;
  return {
    id: `${row.kind === 'display' ? 'screen' : 'token'}:${row.name}`,
    name: row.name,
    role: row.role,
    orgCode: row.orgUnitCode,
    kind: row.kind,
    tokenId: row.id,
    layoutId: row.layoutId,
    zoneId: row.zoneId,
  };
}

export function readCookie(header: string | null, name: string): string | null {
  if (!header) return null;
  for (const part of header.split(';')) {
    const i = part.indexOf('=');
    if (i > 0 && part.slice(0, i).trim() === name) {
      try {
        return decodeURIComponent(part.slice(i + 1).trim());
      } catch {
        return null;
      }
    }
  }
  return null;
}
