import { randomUUID } from 'node:crypto';
import type { Db } from '../db/client';
import { driverFor } from '../notify/channels';
import type { ChannelDriver, MessageRecipient, OutgoingMessage, RateLimit, SendResult } from '../notify/types';
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
  event_ids: string[];
  severity: 'red' | 'orange' | 'yellow' | 'blue';
  title: string;
  body: { lines: string[]; ackUrl?: string; recipient: MessageRecipient };
  attempts: number;
  created_at: Date;
}

/** Claims and sends up to `limit` due notifications; returns the outcomes. */
export async function sendDue(ctx: SenderContext, limit = 500): Promise<Record<SendResult['outcome'] | 'held', number>> {
  const now = ctx.now();
  const leaseUntil = new Date(now + (ctx.leaseMs ?? 60_000));
  const at = new Date(now);
  const claimed = await ctx.db.prisma.$queryRaw<Claimed[]>`
    UPDATE notifications SET status = 'sending', claimed_by = ${ctx.worker}, lease_until = ${leaseUntil}, attempts = attempts + 1
    WHERE id IN (
      SELECT id FROM notifications
      WHERE ((status IN ('pending', 'deferred') AND due_at <= ${at}) OR (status = 'sending' AND lease_until < ${at}))
      ORDER BY due_at, id LIMIT ${limit} FOR UPDATE SKIP LOCKED)
    RETURNING id, channel_id, fallback, event_ids, severity::text AS severity, title, body, attempts, created_at`;
  const tally = { sent: 0, throttled: 0, failed: 0, rejected: 0, held: 0 };
  const byChannel = new Map<string, Claimed[]>();
  for (const c of claimed) byChannel.set(c.channel_id, [...(byChannel.get(c.channel_id) ?? []), c]);
  // Channels run side by side; within one, up to its remaining rate budget goes out, a few at a time, and
  // the rest waits for the window to open (queued, never dropped).
  await Promise.all(
    [...byChannel.entries()].map(async ([channelId, list]) => {
      const ch = ctx.channels.get(channelId);
      const driver = ch?.enabled ? driverFor(ch.kind) : null;
      const cfg = driver?.configSchema.safeParse(ch!.config);
      if (!ch?.enabled || !driver || !cfg?.success) {
        const detail = !ch?.enabled
          ? `渠道 ${channelId} 不存在或已停用 (channel missing or disabled)`
          : `渠道配置无效 (channel config invalid): ${cfg?.success === false ? cfg.error.issues[0]?.message : ''}`;
        for (const n of list) tally[await finish(ctx, n, { outcome: 'rejected', detail }, 0)]++;
        return;
      }
      const budget = await rateBudget(ctx, channelId, driver.rateLimit(cfg.data));
      const go = list.slice(0, budget.count);
      const wait = list.slice(budget.count);
      if (wait.length) {
        await ctx.db.prisma.notification.updateMany({
          where: { id: { in: wait.map((n) => n.id) }, status: 'sending', claimedBy: ctx.worker },
          data: {
            status: 'pending',
            dueAt: new Date(budget.nextAt),
            attempts: { decrement: 1 },
            throttled: { increment: 1 },
            leaseUntil: null,
          },
        });
        tally.held += wait.length;
      }
      let next = 0;
      const sent: { n: Claimed; r: SendResult; ms: number; at: number }[] = [];
      const lane = async () => {
        while (next < go.length) {
          const n = go[next++]!;
          const { r, ms } = await deliverOne(ctx, driver, cfg.data, n);
          if (r.outcome === 'sent') sent.push({ n, r, ms, at: ctx.now() });
          else await finish(ctx, n, r, ms);
          tally[r.outcome]++;
        }
      };
      await Promise.all(Array.from({ length: Math.min(CONCURRENCY, go.length) }, lane));
      await recordSent(ctx, sent);
    }),
  );
  return tally;
}

/** Requests in flight per channel at once. */
const CONCURRENCY = 8;

async function deliverOne(
  ctx: SenderContext,
  driver: ChannelDriver<unknown>,
  config: unknown,
  n: Claimed,
): Promise<{ r: SendResult; ms: number }> {
  const msg: OutgoingMessage = {
    id: n.id,
    severity: n.severity,
    title: n.title,
    lines: n.body.lines,
    ackUrl: n.body.ackUrl,
    alertIds: n.event_ids,
    recipient: n.body.recipient,
    at: n.created_at.getTime(),
  };
  const started = ctx.now();
  const ac = new AbortController();
  const timer = setTimeout(() => ac.abort(new Error('timed out')), ctx.timeoutMs ?? 10_000);
  let result: SendResult;
  try {
    result = await driver.send(config, msg, { now: ctx.now, signal: ac.signal });
  } catch (err) {
    result = { outcome: 'failed', detail: err instanceof Error ? err.message : String(err) };
  } finally {
    clearTimeout(timer);
  }
  return { r: result, ms: Math.max(0, ctx.now() - started) };
}

/** The messages a channel's batch delivered, written in two statements (only the claim's holder writes). */
async function recordSent(ctx: SenderContext, sent: { n: Claimed; r: SendResult; ms: number; at: number }[]) {
  if (!sent.length) return;
  const prisma = ctx.db.prisma;
  await prisma.$transaction([
    prisma.$executeRaw`
      UPDATE notifications AS n SET status = 'sent', sent_at = v.sent_at, receipt = v.receipt, last_error = NULL, lease_until = NULL
      FROM (SELECT unnest(${sent.map((x) => x.n.id)}::text[]) AS id,
                   unnest(${sent.map((x) => new Date(x.at))}::timestamptz[]) AS sent_at,
                   unnest(${sent.map((x) => x.r.receipt ?? null)}::text[]) AS receipt) AS v
      WHERE n.id = v.id AND n.status = 'sending' AND n.claimed_by = ${ctx.worker}`,
    prisma.notificationAttempt.createMany({
      data: sent.map((x) => ({
        notificationId: x.n.id,
        channelId: x.n.channel_id,
        at: new Date(x.at),
        ok: true,
        outcome: 'sent',
        detail: x.r.detail?.slice(0, 1000) ?? null,
        ms: x.ms,
      })),
    }),
  ]);
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

/**
 * How many messages this channel may send now, and when the window opens for the rest: its per-second and
 * per-minute limits counted over the attempts of every process, or nothing during its cool-down after the
 * service throttled us.
 */
async function rateBudget(ctx: SenderContext, channelId: string, limit: RateLimit): Promise<{ count: number; nextAt: number }> {
  const now = ctx.now();
  const prisma = ctx.db.prisma;
  if (limit.cooldownMs) {
    const last = await prisma.notificationAttempt.findFirst({
      where: { channelId, outcome: 'throttled', at: { gt: new Date(now - limit.cooldownMs) } },
      orderBy: { at: 'desc' },
    });
    if (last) return { count: 0, nextAt: last.at.getTime() + limit.cooldownMs };
  }
  let count = Number.POSITIVE_INFINITY;
  let nextAt = now + 1000;
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
    const left = Math.max(0, n - recent.length);
    if (left < count) {
      count = left;
      nextAt = recent.length ? recent[0]!.at.getTime() + window + 1 : now + window;
    }
  }
  return { count, nextAt };
}
