import type { Db } from '../db/client';
import { ackTokenId, verifyAckToken, type AckClaim } from './ack-link';
import { PHASE_LABELS, transition, type Phase } from './lifecycle';

// The signed link in a duty message: opening it (GET) shows the alerts it names, never changes anything —
// chat apps and mail scanners fetch links to preview them; acknowledging is a POST from the page's button.

export type AckLinkView =
  | { ok: false; reason: 'malformed' | 'bad_signature' | 'expired' | 'unknown' }
  | {
      ok: true;
      claim: AckClaim;
      title: string;
      alerts: {
        id: string;
        severity: string;
        orgName: string;
        title: string;
        firedAt: string;
        phase: Phase;
        phaseLabel: { zh: string; en: string };
        owner: string | null;
      }[];
    };

export async function readAckLink(db: Db, secret: string, token: string, now: number): Promise<AckLinkView> {
  const id = ackTokenId(token);
  if (!id) return { ok: false, reason: 'malformed' };
  const n = await db.prisma.notification.findUnique({
    where: { id },
    select: { eventIds: true, recipient: true, title: true, createdAt: true },
  });
  if (!n) return { ok: false, reason: 'unknown' };
  const claim: AckClaim = { n: id, u: n.recipient, issuedAt: n.createdAt.getTime() };
  const check = verifyAckToken(secret, token, claim, now);
  if (!check.ok) return check;
  const events = await db.prisma.alertEvent.findMany({ where: { id: { in: n.eventIds } }, orderBy: { firedAt: 'asc' } });
  return {
    ok: true,
    claim,
    title: n.title,
    alerts: events.map((e) => ({
      id: e.id,
      severity: e.severity,
      orgName: e.orgName,
      title: e.title,
      firedAt: e.firedAt.toISOString(),
      phase: e.phase as Phase,
      phaseLabel: PHASE_LABELS[e.phase as Phase] ?? { zh: e.phase, en: e.phase },
      owner: e.owner,
    })),
  };
}

/** Acknowledges every still-unacknowledged alert the link names, as the person it was sent to (audited as alert.ack_link). */
export async function acknowledgeByLink(db: Db, secret: string, token: string, now: number) {
  const view = await readAckLink(db, secret, token, now);
  if (!view.ok) return view;
  const done: string[] = [];
  const skipped: string[] = [];
  for (const a of view.alerts) {
    if (a.phase !== 'raised') {
      skipped.push(a.id);
      continue;
    }
    try {
      await transition(db, {
        eventId: a.id,
        action: 'acknowledge',
        actor: view.claim.u,
        via: 'link',
        note: '从消息链接确认 acknowledged from the message link',
        at: new Date(now),
      });
      done.push(a.id);
    } catch {
      // Acknowledged by someone else a moment ago: nothing to do.
      skipped.push(a.id);
    }
  }
  return { ok: true as const, acknowledged: done, skipped, by: view.claim.u };
}
