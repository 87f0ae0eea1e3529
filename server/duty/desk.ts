import { hostname } from 'node:os';
import type { Db } from '../db/client';
import type { ChannelKind } from '../notify/types';
import { CHANNEL_KINDS } from '../notify/types';
import type { DutyBus } from './bus';
import { escalate, flushGroups, repeatUnacknowledged, resolveTargets, type ChannelRow, type Person, type RosterLookup } from './notifier';
import { parsePolicy, choosePolicy, domainOf, type StoredPolicy } from './policy';
import { routeOutbox } from './router';
import { sendDue } from './sender';
import { readNoiseSettings, releaseTime } from './settings';
import { activeSilences } from './silences';
import { ruleSpecSchema } from '../alerts/spec';
import { NotFoundError } from '@/core/errors';

// The duty loop's clock: every tick routes new alert changes, escalates, flushes groups whose wait is over,
// repeats unacknowledged ones and delivers what is due. Each stage claims its rows, so every process may
// tick; a tick is also kicked at once when the engine writes a change, so a red alert does not wait a second.

export interface DutyDeskOptions {
  db: Db;
  bus: DutyBus;
  roster: RosterLookup;
  tz: string;
  publicUrl: () => string;
  secret: string;
  now?: () => number;
}

export interface TickReport {
  routed: number;
  escalated: number;
  flushed: number;
  repeated: number;
  sent: number;
  throttled: number;
  failed: number;
  held: number;
  ms: number;
  /** Milliseconds per stage: route, escalate, flush, repeat, send. */
  stages: Record<string, number>;
}

export class DutyDesk {
  private running: Promise<TickReport> | undefined;
  private prunedAt = Number.NEGATIVE_INFINITY;
  private again = false;
  private timer: NodeJS.Timeout | undefined;
  readonly worker = `${hostname()}:${process.pid}:${Math.random().toString(36).slice(2, 8)}`;
  private readonly now: () => number;

  constructor(private readonly o: DutyDeskOptions) {
    this.now = o.now ?? Date.now;
  }

  /** Ticks every `everyMs` until stopped. */
  start(everyMs = 1000): void {
    if (this.timer) return;
    this.timer = setInterval(() => void this.kick(), everyMs);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    await this.running?.catch(() => undefined);
  }

  /** A tick now, or right after the one in progress (never two at once in a process). */
  kick(): Promise<TickReport> {
    if (this.running) {
      this.again = true;
      return this.running;
    }
    this.running = this.tick(this.now())
      .catch((err: unknown) => {
        console.error('[duty] tick failed:', err instanceof Error ? err.message : err);
        return emptyReport();
      })
      .finally(() => {
        this.running = undefined;
        if (this.again) {
          this.again = false;
          void this.kick();
        }
      });
    return this.running;
  }

  async policies(): Promise<StoredPolicy[]> {
    const rows = await this.o.db.prisma.routingPolicy.findMany();
    return rows.map(parsePolicy).filter((p): p is StoredPolicy => !!p);
  }

  async channels(): Promise<Map<string, ChannelRow>> {
    const rows = await this.o.db.prisma.notifyChannel.findMany();
    return new Map(
      rows.filter((r) => (CHANNEL_KINDS as readonly string[]).includes(r.kind)).map((r) => [r.id, { ...r, kind: r.kind as ChannelKind }]),
    );
  }

  /** One pass of every stage at `now` (tests call it with a fake clock). */
  async tick(now: number): Promise<TickReport> {
    const started = Date.now();
    const [policies, channels, settings, silences] = await Promise.all([
      this.policies(),
      this.channels(),
      readNoiseSettings(this.o.db),
      activeSilences(this.o.db.prisma, now),
    ]);
    const stages: Record<string, number> = {};
    let mark = Date.now();
    const lap = (name: string) => {
      stages[name] = Date.now() - mark;
      mark = Date.now();
    };
    lap('load');
    const routed = await routeOutbox({ db: this.o.db, bus: this.o.bus, policies, settings, silences, now });
    lap('route');
    const nctx = {
      db: this.o.db,
      roster: this.o.roster,
      policies,
      channels,
      settings,
      silences,
      onDutyCache: new Map<string, Promise<Person[]>>(),
      tz: this.o.tz,
      now,
      publicUrl: this.o.publicUrl(),
      secret: this.o.secret,
    };
    const escalated = await escalate(nctx);
    lap('escalate');
    const flushed = await flushGroups(nctx);
    lap('flush');
    const repeated = await repeatUnacknowledged(nctx);
    lap('repeat');
    // Routing of the escalations' own change rows (the desk and the wall hear of the escalation).
    if (escalated) await routeOutbox({ db: this.o.db, bus: this.o.bus, policies, settings, silences, now });
    let sent = { sent: 0, throttled: 0, failed: 0, rejected: 0, held: 0 };
    for (let round = 0; round < 5; round++) {
      const r = await sendDue({ db: this.o.db, channels, now: this.now, worker: this.worker });
      sent = {
        sent: sent.sent + r.sent,
        throttled: sent.throttled + r.throttled,
        failed: sent.failed + r.failed + r.rejected,
        rejected: 0,
        held: sent.held + r.held,
      };
      // A fallback written by this round is due at once; a full claim means more are waiting.
      if (!r.failed && !r.rejected && r.sent + r.throttled + r.held < 500) break;
    }
    lap('send');
    // Handled change rows are only a hand-over between the engine and the router: a week of them is plenty.
    if (now - this.prunedAt >= PRUNE_EVERY_MS) {
      this.prunedAt = now;
      await this.o.db.prisma.alertOutbox.deleteMany({ where: { doneAt: { lt: new Date(now - OUTBOX_KEEP_MS) } } });
    }
    return {
      routed,
      escalated,
      flushed,
      repeated,
      sent: sent.sent,
      throttled: sent.throttled,
      failed: sent.failed,
      held: sent.held,
      ms: Date.now() - started,
      stages,
    };
  }

  /** "Who would be told, when, for this alert": the policy, each step's people and channels, quiet-hour holds. */
  async preview(eventId: string, now = this.now()) {
    const prisma = this.o.db.prisma;
    const ev = await prisma.alertEvent.findUnique({
      where: { id: eventId },
      include: { rule: { select: { kind: true, spec: true, name: true } } },
    });
    if (!ev) throw new NotFoundError(`no alert ${eventId}`);
    const [policies, channels, settings] = await Promise.all([this.policies(), this.channels(), readNoiseSettings(this.o.db)]);
    const spec = ruleSpecSchema.safeParse(ev.rule.spec);
    const facts = {
      orgCode: ev.orgCode,
      severity: ev.severity,
      kind: ev.rule.kind,
      domain: spec.success ? domainOf(spec.data, ev.condition) : ('source' as const),
    };
    const policy = choosePolicy(policies, facts);
    if (!policy) return { policy: null, suppressed: ev.suppressed, facts, steps: [] };
    const steps = [];
    for (const [i, step] of policy.steps.entries()) {
      const at = ev.firedAt.getTime() + step.afterMinutes * 60_000;
      const people = await resolveTargets({ db: this.o.db, roster: this.o.roster, now: Math.max(at, now) }, step, ev.orgCode);
      steps.push({
        step: i,
        at: i === 0 ? Math.max(at, now) + settings.groupWaitSec * 1000 : at,
        afterMinutes: step.afterMinutes,
        people: people.map((p) => ({ username: p.username, displayName: p.displayName, hasMobile: !!p.mobile, hasEmail: !!p.email })),
        deliveries: step.deliveries.map((d) =>
          d.channels.map((id) => {
            const ch = channels.get(id);
            const due = ch ? releaseTime(settings, ev.severity, ch.kind, Math.max(at, now), this.o.tz) : null;
            return {
              channelId: id,
              kind: ch?.kind ?? null,
              name: ch?.name ?? id,
              enabled: !!ch?.enabled,
              heldUntil: due && due > Math.max(at, now) ? due : null,
            };
          }),
        ),
      });
    }
    return { policy: { id: policy.id, name: policy.name, wallBanner: policy.wallBanner }, suppressed: ev.suppressed, facts, steps };
  }

  /** Per channel: messages sent, failed, throttled, the last one (for /api/health and the desk). */
  async channelHealth(now = this.now()) {
    const prisma = this.o.db.prisma;
    const since = new Date(now - 24 * 3600_000);
    const [channels, byStatus, throttled, last] = await Promise.all([
      prisma.notifyChannel.findMany({ orderBy: { id: 'asc' } }),
      prisma.notification.groupBy({ by: ['channelId', 'status'], where: { createdAt: { gte: since } }, _count: { _all: true } }),
      prisma.notification.groupBy({ by: ['channelId'], where: { createdAt: { gte: since } }, _sum: { throttled: true } }),
      prisma.notificationAttempt.findMany({
        where: { at: { gte: since } },
        orderBy: { at: 'desc' },
        distinct: ['channelId'],
        select: { channelId: true, at: true, outcome: true, detail: true },
      }),
    ]);
    return channels.map((c) => {
      const count = (status: string) => byStatus.find((b) => b.channelId === c.id && b.status === status)?._count._all ?? 0;
      const l = last.find((a) => a.channelId === c.id);
      return {
        id: c.id,
        kind: c.kind,
        name: c.name,
        enabled: c.enabled,
        sent: count('sent'),
        failed: count('failed'),
        waiting: count('pending') + count('deferred') + count('sending'),
        throttled: throttled.find((t) => t.channelId === c.id)?._sum.throttled ?? 0,
        last: l ? { at: l.at.toISOString(), outcome: l.outcome, detail: l.detail } : null,
      };
    });
  }
}

const PRUNE_EVERY_MS = 10 * 60_000;
export const OUTBOX_KEEP_MS = 7 * 86_400_000;

const emptyReport = (): TickReport => ({
  routed: 0,
  escalated: 0,
  flushed: 0,
  repeated: 0,
  sent: 0,
  throttled: 0,
  failed: 0,
  held: 0,
  ms: 0,
  stages: {},
});
