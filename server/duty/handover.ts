import { ConflictError, ForbiddenError, InvalidError, NotFoundError } from '@/core/errors';
import { audit } from '../auth/audit';
import type { Db } from '../db/client';
import type { Handover as HandoverRecord, Prisma } from '../db/generated/client';
import type { RunLog } from './run-log';

// 交接班 (DOMAIN.md §4): the outgoing officer drafts the record (generated: open alerts in the unit's subtree,
// pending supervision items, the shift's notable run-log entries, the sources' health), edits the notes,
// submits it; a different person, the incoming officer, acknowledges it. From then on it is immutable.

export interface SourceHealth {
  source: string;
  status: string;
  lagSeconds: number | null;
}

export type SourceHealthFn = () => Promise<SourceHealth[]>;

export const HANDOVER_STATUSES = ['draft', 'submitted', 'acknowledged'] as const;
export type HandoverStatus = (typeof HANDOVER_STATUSES)[number];

/** The generated part of a handover record (Handover.summary). Times are ISO instants (UTC). */
export interface HandoverSummary {
  generatedAt: string;
  shift: { from: string; to: string };
  alerts: {
    open: number;
    bySeverity: Record<'red' | 'orange' | 'yellow' | 'blue', number>;
    top: { id: string; title: string; severity: string; phase: string; owner: string | null; orgCode: string; firedAt: string }[];
  };
  supervision: {
    pending: number;
    items: { id: string; title: string; status: string; orgCode: string; dueAt: string; overdue: boolean }[];
  };
  events: { at: string; category: string; text: string; actor: string }[];
  sources: SourceHealth[];
  sourcesError?: string;
}

export interface HandoverRow {
  id: string;
  orgCode: string;
  outgoing: string;
  incoming: string | null;
  shiftEndsAt: string;
  summary: HandoverSummary;
  notes: string;
  status: HandoverStatus;
  submittedAt: string | null;
  acknowledgedAt: string | null;
  createdAt: string;
  updatedAt: string;
}

export interface HandoverQuery {
  /** Org scope roots. */
  orgCodes: string[];
  status?: HandoverStatus;
  /** Epoch ms over shiftEndsAt: [from, to). */
  from?: number;
  to?: number;
  person?: string;
  page?: number;
  pageSize?: number;
}

const SEVERITY_RANK = { red: 0, orange: 1, yellow: 2, blue: 3 } as const;
const TOP_ALERTS = 20;
const MAX_EVENTS = 200;
const MAX_PENDING = 100;
const DEFAULT_SHIFT_MS = 8 * 3_600_000;
const PENDING_SUPERVISION_EXCLUDED = ['closed', 'verified'];

export function handoverRow(h: HandoverRecord): HandoverRow {
  return {
    id: h.id,
    orgCode: h.orgCode,
    outgoing: h.outgoing,
    incoming: h.incoming,
    shiftEndsAt: h.shiftEndsAt.toISOString(),
    summary: h.summary as unknown as HandoverSummary,
    notes: h.notes,
    status: h.status as HandoverStatus,
    submittedAt: h.submittedAt?.toISOString() ?? null,
    acknowledgedAt: h.acknowledgedAt?.toISOString() ?? null,
    createdAt: h.createdAt.toISOString(),
    updatedAt: h.updatedAt.toISOString(),
  };
}

const immutable = (h: { id: string; status: string }) =>
  h.status === 'acknowledged'
    ? new ConflictError(`交接班记录已确认，不可修改 (handover ${h.id} is acknowledged and can no longer be changed)`)
    : new ConflictError(`交接班记录已提交，不可修改 (handover ${h.id} is ${h.status}; only a draft can be changed)`);

export class HandoverService {
  constructor(
    private readonly db: Db,
    private readonly runLog: RunLog,
    private readonly opts: { now?: () => number; sourceHealth?: SourceHealthFn } = {},
  ) {}

  private now(): number {
    return (this.opts.now ?? Date.now)();
  }

  /** The generated summary for the unit's shift ending at `shiftEndsAt`, as of `now`. */
  async summarize(orgCode: string, outgoing: string, shiftEndsAt: number, now: number): Promise<HandoverSummary> {
    const p = this.db.prisma;
    // The shift: the outgoing person's roster entry ending then, else the 8 hours before its end.
    const shift = await p.dutyShift.findFirst({
      where: { username: outgoing, kind: 'shift', endsAt: new Date(shiftEndsAt) },
      orderBy: { startsAt: 'asc' },
    });
    const from = shift?.startsAt.getTime() ?? shiftEndsAt - DEFAULT_SHIFT_MS;
    const openAlerts: Prisma.AlertEventWhereInput = { orgCode: { startsWith: orgCode }, closedAt: null, phase: { not: 'closed' } };
    const [counts, candidates, pending, pendingCount, events] = await Promise.all([
      p.alertEvent.groupBy({ by: ['severity'], where: openAlerts, _count: { _all: true } }),
      // Severity is declared red → blue, so ascending is most severe first.
      p.alertEvent.findMany({ where: openAlerts, orderBy: [{ severity: 'asc' }, { firedAt: 'asc' }, { id: 'asc' }], take: TOP_ALERTS }),
      p.supervision.findMany({
        where: { orgCode: { startsWith: orgCode }, status: { notIn: PENDING_SUPERVISION_EXCLUDED } },
        orderBy: [{ dueAt: 'asc' }, { id: 'asc' }],
        take: MAX_PENDING,
      }),
      p.supervision.count({ where: { orgCode: { startsWith: orgCode }, status: { notIn: PENDING_SUPERVISION_EXCLUDED } } }),
      p.runLogEntry.findMany({
        where: { orgCode: { startsWith: orgCode }, at: { gte: new Date(from), lt: new Date(Math.max(now, shiftEndsAt)) } },
        orderBy: [{ at: 'asc' }, { id: 'asc' }],
        take: MAX_EVENTS,
      }),
    ]);
    const bySeverity = { red: 0, orange: 0, yellow: 0, blue: 0 };
    for (const c of counts) bySeverity[c.severity] = c._count._all;
    const top = [...candidates].sort(
      (a, b) => SEVERITY_RANK[a.severity] - SEVERITY_RANK[b.severity] || a.firedAt.getTime() - b.firedAt.getTime(),
    );
    let sources: SourceHealth[] = [];
    let sourcesError: string | undefined;
    if (this.opts.sourceHealth) {
      try {
        sources = await this.opts.sourceHealth();
      } catch (err) {
        sourcesError = err instanceof Error ? err.message : String(err);
      }
    }
    return {
      generatedAt: new Date(now).toISOString(),
      shift: { from: new Date(from).toISOString(), to: new Date(shiftEndsAt).toISOString() },
      alerts: {
        open: bySeverity.red + bySeverity.orange + bySeverity.yellow + bySeverity.blue,
        bySeverity,
        top: top.map((a) => ({
          id: a.id,
          title: a.title,
          severity: a.severity,
          phase: a.phase,
          owner: a.owner,
          orgCode: a.orgCode,
          firedAt: a.firedAt.toISOString(),
        })),
      },
      supervision: {
        pending: pendingCount,
        items: pending.map((s) => ({
          id: s.id,
          title: s.title,
          status: s.status,
          orgCode: s.orgCode,
          dueAt: s.dueAt.toISOString(),
          overdue: s.dueAt.getTime() <= now && s.status !== 'replied',
        })),
      },
      events: events.map((e) => ({ at: e.at.toISOString(), category: e.category, text: e.text, actor: e.actor })),
      sources,
      ...(sourcesError ? { sourcesError } : {}),
    };
  }

  /**
   * Drafts the outgoing person's handover record for the unit's shift ending at `shiftEndsAt`. A draft of
   * the same shift is regenerated (its notes kept); a submitted or acknowledged one is refused.
   */
  async draft(orgCode: string, outgoing: string, shiftEndsAt: number, now: number = this.now()): Promise<HandoverRow> {
    if (!Number.isFinite(shiftEndsAt)) throw new InvalidError('交班时间无效 (invalid shift end)');
    const summary = (await this.summarize(orgCode, outgoing, shiftEndsAt, now)) as unknown as Prisma.InputJsonValue;
    const same = await this.db.prisma.handover.findFirst({
      where: { orgCode, outgoing, shiftEndsAt: new Date(shiftEndsAt) },
      orderBy: { createdAt: 'desc' },
    });
    if (same && same.status !== 'draft') throw immutable(same);
    const row = same
      ? await this.db.prisma.handover.update({ where: { id: same.id }, data: { summary } })
      : await this.db.prisma.handover.create({ data: { orgCode, outgoing, shiftEndsAt: new Date(shiftEndsAt), summary, status: 'draft' } });
    return handoverRow(row);
  }

  async get(id: string): Promise<HandoverRow> {
    return handoverRow(await this.load(id));
  }

  /** Edits the notes of a draft (by its outgoing person when `actor` is given). */
  async update(id: string, notes: string, actor?: string): Promise<HandoverRow> {
    const h = await this.load(id);
    if (h.status !== 'draft') throw immutable(h);
    if (actor !== undefined && actor !== h.outgoing)
      throw new ForbiddenError('只有交班人可以修改交接班记录 (only the outgoing officer edits the record)');
    return handoverRow(await this.transit(h, 'draft', { notes }));
  }

  /** draft → submitted, by the outgoing person only. */
  async submit(id: string, actor: string): Promise<HandoverRow> {
    const h = await this.load(id);
    if (h.status !== 'draft') throw immutable(h);
    if (actor !== h.outgoing) throw new ForbiddenError('只有交班人可以提交交接班记录 (only the outgoing officer submits the record)');
    const now = this.now();
    const row = await this.transit(h, 'draft', { status: 'submitted', submittedAt: new Date(now) });
    await this.runLog.record({
      orgCode: h.orgCode,
      category: 'handover',
      origin: 'auto',
      actor,
      at: now,
      text: `${actor} 提交交接班记录（交班时间 ${h.shiftEndsAt.toISOString()}）`,
      refType: 'handover',
      refId: h.id,
    });
    await audit(this.db, { actor, action: 'handover.submit', target: h.id, detail: { orgCode: h.orgCode } });
    return handoverRow(row);
  }

  /** submitted → acknowledged, by the incoming person (not the outgoing one). The record is then immutable. */
  async acknowledge(id: string, incoming: string): Promise<HandoverRow> {
    const h = await this.load(id);
    if (h.status === 'acknowledged') throw immutable(h);
    if (h.status !== 'submitted') throw new ConflictError(`交接班记录尚未提交 (handover ${h.id} is not submitted yet)`);
    if (incoming === h.outgoing) throw new ForbiddenError('接班人不能是交班人本人 (the incoming officer must be someone else)');
    const now = this.now();
    const row = await this.transit(h, 'submitted', { status: 'acknowledged', incoming, acknowledgedAt: new Date(now) });
    await this.runLog.record({
      orgCode: h.orgCode,
      category: 'handover',
      origin: 'auto',
      actor: incoming,
      at: now,
      text: `${incoming} 确认接班（交班人 ${h.outgoing}）`,
      refType: 'handover',
      refId: h.id,
    });
    await audit(this.db, {
      actor: incoming,
      action: 'handover.acknowledge',
      target: h.id,
      detail: { orgCode: h.orgCode, outgoing: h.outgoing },
    });
    return handoverRow(row);
  }

  async search(q: HandoverQuery): Promise<{ rows: HandoverRow[]; total: number; page: number; pageSize: number }> {
    const page = Math.max(1, q.page ?? 1);
    const pageSize = Math.min(200, Math.max(1, q.pageSize ?? 20));
    if (q.orgCodes.length === 0) return { rows: [], total: 0, page, pageSize };
    const where: Prisma.HandoverWhereInput = {
      OR: q.orgCodes.map((c) => ({ orgCode: { startsWith: c } })),
      ...(q.status ? { status: q.status } : {}),
      ...(q.from !== undefined || q.to !== undefined
        ? {
            shiftEndsAt: {
              ...(q.from !== undefined ? { gte: new Date(q.from) } : {}),
              ...(q.to !== undefined ? { lt: new Date(q.to) } : {}),
            },
          }
        : {}),
      ...(q.person ? { AND: [{ OR: [{ outgoing: q.person }, { incoming: q.person }] }] } : {}),
    };
    const [rows, total] = await Promise.all([
      this.db.prisma.handover.findMany({
        where,
        orderBy: [{ shiftEndsAt: 'desc' }, { id: 'desc' }],
        skip: (page - 1) * pageSize,
        take: pageSize,
      }),
      this.db.prisma.handover.count({ where }),
    ]);
    return { rows: rows.map(handoverRow), total, page, pageSize };
  }

  private async load(id: string): Promise<HandoverRecord> {
    const h = await this.db.prisma.handover.findUnique({ where: { id } });
    if (!h) throw new NotFoundError(`交接班记录不存在 (no handover ${id})`);
    return h;
  }

  /** Updates the record only if it is still in `from` (a concurrent submit or acknowledge wins once). */
  private async transit(h: HandoverRecord, from: HandoverStatus, data: Prisma.HandoverUpdateManyMutationInput): Promise<HandoverRecord> {
    const { count } = await this.db.prisma.handover.updateMany({ where: { id: h.id, status: from }, data });
    if (count === 0) throw immutable(await this.load(h.id));
    return this.load(h.id);
  }
}
