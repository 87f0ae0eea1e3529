import { createHmac, timingSafeEqual } from 'node:crypto';

// "Acknowledge from the message itself": a link in a robot message, SMS or email that opens the alert on a
// phone and acknowledges it without a desktop session. It names one notification (and so its alerts) and
// the person it was sent to, expires, and is signed with the server's secret; using it is audited.

export interface AckClaim {
  /** Notification id. */
  n: string;
  /** Username the message was for. */
  u: string;
  /** Expiry, seconds since epoch. */
  x: number;
}

export const ACK_LINK_TTL_MS = 24 * 3600_000;

export function signAckToken(secret: string, claim: AckClaim): string {
  const body = Buffer.from(JSON.stringify(claim)).toString('base64url');
  return `${body}.${mac(secret, body)}`;
}

export type AckTokenCheck = { ok: true; claim: AckClaim } | { ok: false; reason: 'malformed' | 'bad_signature' | 'expired' };

export function verifyAckToken(secret: string, token: string, now: number): AckTokenCheck {
  const m = /^([A-Za-z0-9_-]{10,600})\.([A-Za-z0-9_-]{43})$/.exec(token);
  if (!m) return { ok: false, reason: 'malformed' };
  const expected = Buffer.from(mac(secret, m[1]!));
  const given = Buffer.from(m[2]!);
  if (expected.length !== given.length || !timingSafeEqual(expected, given)) return { ok: false, reason: 'bad_signature' };
  let claim: AckClaim;
  try {
    claim = JSON.parse(Buffer.from(m[1]!, 'base64url').toString('utf8')) as AckClaim;
  } catch {
    return { ok: false, reason: 'malformed' };
  }
  if (typeof claim.n !== 'string' || typeof claim.u !== 'string' || typeof claim.x !== 'number') return { ok: false, reason: 'malformed' };
  if (claim.x * 1000 < now) return { ok: false, reason: 'expired' };
  return { ok: true, claim };
}

// A key of its own, derived from the auth secret, so an ack token can never pass for a session or a CSRF token.
const mac = (secret: string, body: string) =>
  createHmac('sha256', createHmac('sha256', secret).update('yingxiao.ack-link.v1').digest()).update(body).digest('base64url');
