import { createHmac, timingSafeEqual } from 'node:crypto';

// "Acknowledge from the message itself": a link in a robot message, SMS or email that opens the alert on a
// phone and acknowledges it without a desktop session. It names one notification (and so its alerts and the
// person it was sent to), expires a day after the message was decided, and is signed with the server's
// secret; using it is audited. Short on purpose: an SMS template variable holds a few dozen characters, so
// the token carries only the notification id and a MAC; who and until when come from the stored message.

export interface AckClaim {
  /** Notification id (a UUID). */
  n: string;
  /** Username the message was for. */
  u: string;
  /** When the message was decided, ms since epoch. */
  issuedAt: number;
}

export const ACK_LINK_TTL_MS = 24 * 3600_000;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

export function signAckToken(secret: string, claim: AckClaim): string {
  if (!UUID.test(claim.n)) throw new Error('ack links name a notification by its UUID');
  const id = Buffer.from(claim.n.replace(/-/g, ''), 'hex').toString('base64url');
  return `${id}.${mac(secret, claim)}`;
}

/** The notification id a token names, before its MAC is checked against the stored message. */
export function ackTokenId(token: string): string | null {
  const m = /^([A-Za-z0-9_-]{22})\.([A-Za-z0-9_-]{22})$/.exec(token);
  if (!m) return null;
  const hex = Buffer.from(m[1]!, 'base64url').toString('hex');
  if (hex.length !== 32) return null;
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

export type AckTokenCheck = { ok: true } | { ok: false; reason: 'malformed' | 'bad_signature' | 'expired' };

/** Checks a token against the stored message it names (recipient and decision time) at `now`. */
export function verifyAckToken(secret: string, token: string, claim: AckClaim, now: number): AckTokenCheck {
  const given = token.split('.')[1];
  if (!given || ackTokenId(token) !== claim.n) return { ok: false, reason: 'malformed' };
  const expected = Buffer.from(mac(secret, claim));
  const got = Buffer.from(given);
  if (expected.length !== got.length || !timingSafeEqual(expected, got)) return { ok: false, reason: 'bad_signature' };
  if (claim.issuedAt + ACK_LINK_TTL_MS < now) return { ok: false, reason: 'expired' };
  return { ok: true };
}

// A key of its own, derived from the auth secret, so an ack token can never pass for a session or a CSRF
// token; 128 bits of MAC.
const mac = (secret: string, c: AckClaim) =>
  createHmac('sha256', createHmac('sha256', secret).update('yingxiao.ack-link.v2').digest())
    .update(`${c.n}|${c.u}|${c.issuedAt}`)
    .digest()
    .subarray(0, 16)
    .toString('base64url');
