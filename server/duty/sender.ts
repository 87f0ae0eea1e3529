import { randomUUID } from 'node:crypto';
import type { Db } from '../db/client';
import { driverFor } from '../notify/channels';
import type { MessageRecipient, OutgoingMessage, SendResult } from '../notify/types';
import type { ChannelRow } from './notifier';

// Delivers the outbox: claims due notifications with row locks (FOR UPDATE SKIP LOCKED, with a lease so a
// killed process's claims come back), respects each channel's rate limit across processes (counted from
// the attempts table, so it holds whichever process sends), retries transient failures with back-off,
// falls back to the next channel of the chain on a permanent one, and records every attempt.

export interface SenderContext {
  db: Db;
  channels: Map<string, ChannelRow>;
  now: () => number;
  /** This process, for the claim. */
  worker: string;
  /** A claim not finished within this is taken over by another sender (the process died). */
  leaseMs?: number;
  /** One request's time limit. */
  timeoutMs?: number;
}

export const MAX_ATTEMPTS = 4;
/** Back-off after the n-th failed attempt: 5 s, 20 s, 80 s. */
export const backoffMs = (attempt: number) => 5_000 * 4 ** Math.max(0, attempt - 1);

interface Claimed {
  id: string;
  channel_id: string;
  fallback: string[];
  severity: 'red' | 'orange' | 'yellow' | 'blue';
  title: string;
  body: { lines: string[]; ackUrl?: string; recipient: MessageRecipient };
  attempts: number;
  created_at: Date;
}

/** Claims and sends up to `limit` due notifications; returns the outcomes. */
export async function sendDue(ctx: SenderContext, limit = 100): Promise<Record<SendResult['outcome'] | 'held', number>> {
  const now = ctx.now();
  const leaseUntil = new Date(now + (ctx.leaseMs ?? 60_000));
  const at = new Date(now);
  const claimed = await ctx.db.prisma.$queryRaw<Claimed[]>`
    UPDATE notifications SET status = 'sending', claimed_by = ${ctx.worker}, lease_until = ${leaseUntil}, attempts = attempts + 1
    WHERE id IN (
      SELECT id FROM notifications
      WHERE ((status IN ('pending', 'deferred') AND due_at <= ${at}) OR (status = 'sending' AND lease_until < ${at}))
      ORDER BY due_at, id LIMIT ${limit} FOR UPDATE SKIP LOCKED)
    RETURNING id, channel_id, fallback, severity::text AS severity, title, body, attempts, created_at`;
  const tally = { sent: 0, throttled: 0, failed: 0, rejected: 0, held: 0 };
  // One channel's messages go one after another (its rate limit counts them); channels run side by side.
  const byChannel = new Map<string, Claimed[]>();
  for (const c of claimed) byChannel.set(c.channel_id, [...(byChannel.get(c.channel_id) ?? []), c]);
  await Promise.all(
    [...byChannel.entries()].map(async ([channelId, list]) => {
      for (const n of list) tally[await deliverOne(ctx, channelId, n)]++;
    }),
  );
  return tally;
}

async function deliverOne(ctx: SenderContext, channelId: string, n: Claimed): Promise<SendResult['outcome'] | 'held'> {
  const prisma = ctx.db.prisma;
  const ch = ctx.channels.get(channelId);
  if (!ch?.enabled)
    return finish(ctx, n, { outcome: 'rejected', detail: `渠道 ${channelId} 不存在或已停用 (channel missing or disabled)` }, 0);
  const driver = driverFor(ch.kind);
  const cfg = driver.configSchema.safeParse(ch.config);
  if (!cfg.success)
    return finish(ctx, n, { outcome: 'rejected', detail: `渠道配置无效 (channel config invalid): ${cfg.error.issues[0]?.message}` }, 0);
  const hold = await rateHold(ctx, channelId, driver.rateLimit(cfg.data));
  if (hold) {
    // Our own limit: not an attempt, the message waits its turn (queued, never dropped).
    await prisma.notification.update({
      where: { id: n.id },
      data: { status: 'pending', dueAt: new Date(hold), attempts: { decrement: 1 }, throttled: { increment: 1 }, leaseUntil: null },
    });
    return 'held';
  }
  const msg: OutgoingMessage = {
    id: n.id,
    severity: n.severity,
    title: n.title,
    lines: n.body.lines,
    ackUrl: n.body.ackUrl,
    recipient: n.body.recipient,
    at: n.created_at.getTime(),
  };
  const started = ctx.now();
  const ac = new AbortController();
  const timer = setTimeout(() => ac.abort(new Error('timed out')), ctx.timeoutMs ?? 10_000);
  let result: SendResult;
  try {
    result = await driver.send(cfg.data, msg, { now: ctx.now, signal: ac.signal });
  } catch (err) {
    result = { outcome: 'failed', detail: err instanceof Error ? err.message : String(err) };
  } finally {
    clearTimeout(timer);
  }
  return finish(ctx, n, result, Math.max(0, ctx.now() - started));
}

async function finish(ctx: SenderContext, n: Claimed, r: SendResult, ms: number): Promise<SendResult['outcome']> {
  const prisma = ctx.db.prisma;
  const now = ctx.now();
  const at = new Date(now);
  const detail = r.detail?.slice(0, 1000) ?? null;
  const attempt = { notificationId: n.id, channelId: n.channel_id, at, ok: r.outcome === 'sent', outcome: r.outcome, detail, ms };
  // Only the holder of the claim writes the outcome: a sender whose lease ran out (it hung) must not
  // overwrite what the one that took over recorded.
  const mine = { id: n.id, status: 'sending', claimedBy: ctx.worker };
  if (r.outcome === 'sent') {
    await prisma.$transaction([
      prisma.notification.updateMany({
        where: mine,
        data: { status: 'sent', sentAt: at, receipt: r.receipt ?? null, lastError: null, leaseUntil: null },
      }),
      prisma.notificationAttempt.create({ data: attempt }),
    ]);
  } else if (r.outcome === 'throttled') {
    await prisma.$transaction([
      prisma.notification.updateMany({
        where: mine,
        data: {
          status: 'pending',
          dueAt: new Date(now + Math.max(1000, r.retryAfterMs ?? 60_000)),
          throttled: { increment: 1 },
          lastError: detail,
          leaseUntil: null,
        },
      }),
      prisma.notificationAttempt.create({ data: attempt }),
    ]);
  } else if (r.outcome === 'failed' && n.attempts < MAX_ATTEMPTS) {
    await prisma.$transaction([
      prisma.notification.updateMany({
        where: mine,
        data: { status: 'pending', dueAt: new Date(now + backoffMs(n.attempts)), lastError: detail, leaseUntil: null },
      }),
      prisma.notificationAttempt.create({ data: attempt }),
    ]);
  } else {
    // For good on this channel: the next channel of the chain takes the same message.
    const [next, ...rest] = n.fallback;
    const current = await prisma.notification.findUnique({ where: { id: n.id } });
    await prisma.$transaction([
      prisma.notification.updateMany({ where: mine, data: { status: 'failed', lastError: detail, leaseUntil: null } }),
      prisma.notificationAttempt.create({ data: attempt }),
      ...(next && current
        ? [
            prisma.notification.create({
              data: {
                id: randomUUID(),
                groupId: current.groupId,
                eventIds: current.eventIds,
                policyId: current.policyId,
                step: current.step,
                recipient: current.recipient,
                channelId: next,
                fallback: rest,
                severity: current.severity,
                title: current.title,
                body: current.body ?? {},
                status: 'pending',
                dueAt: at,
                createdAt: at,
              },
            }),
          ]
        : []),
    ]);
  }
  return r.outcome;
}

/** When this channel may send next, if not now: its per-second / per-minute limit, or its cool-down after the service throttled us. */
async function rateHold(
  ctx: SenderContext,
  channelId: string,
  limit: { perSecond?: number; perMinute?: number; cooldownMs?: number },
): Promise<number | null> {
  const now = ctx.now();
  const prisma = ctx.db.prisma;
  if (limit.cooldownMs) {
    const last = await prisma.notificationAttempt.findFirst({
      where: { channelId, outcome: 'throttled', at: { gt: new Date(now - limit.cooldownMs) } },
      orderBy: { at: 'desc' },
    });
    if (last) return last.at.getTime() + limit.cooldownMs;
  }
  for (const [n, window] of [
    [limit.perSecond, 1000],
    [limit.perMinute, 60_000],
  ] as const) {
    if (!n) continue;
    const recent = await prisma.notificationAttempt.findMany({
      where: { channelId, outcome: { in: ['sent', 'failed'] }, at: { gt: new Date(now - window) } },
      orderBy: { at: 'asc' },
      select: { at: true },
      take: n,
    });
    if (recent.length >= n) return recent[0]!.at.getTime() + window + 1;
  }
  return null;
}
