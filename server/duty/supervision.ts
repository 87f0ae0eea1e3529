import { ConflictError, InvalidError, NotFoundError } from '@/core/errors';
import { formatLocal, parseLocal } from '@/core/time';
import { audit } from '../auth/audit';
import type { Db } from '../db/client';
import type { Prisma, Supervision } from '../db/generated/client';
import { beijingMinute } from './messages';
import { parentOrgCode } from './roster';
import type { RunLog } from './run-log';

// 督办 (DOMAIN.md §4): a supervision item to a responsible unit about an alert, a work order or a record,
// written back to the source system (the customer-service system's work-order API, POST /api/supervision) and
// tracked there until the unit replies; the monitoring hall verifies the reply (closed) or rejects it (sent
// back again). An item whose time limit passes without a reply is escalated to the parent unit with a new
// limit of the same length. Every step is a DutyTransition (subjectType 'supervision'): the item's timeline.
//
// status: open (not yet written back; retried each tick) → sent → replied → closed (verified), with
// 'escalated' for an item that was sent and then moved up a level.

export const SUPERVISION_SUBJECTS = ['alert', 'work_order', 'record'] as const;
export type SupervisionSubject = (typeof SUPERVISION_SUBJECTS)[number];
export const SUPERVISION_STATUSES = ['open', 'sent', 'escalated', 'replied', 'verified', 'closed'] as const;
export type SupervisionStatus = (typeof SUPERVISION_STATUSES)[number];

/** Alert phases a supervision item moves to 'supervised' (later phases are left alone). */
const SUPERVISABLE_PHASES = ['raised', 'acknowledged', 'assigned'];
const AWAITING_REPLY = ['sent', 'escalated'];
const PATH = '/api/supervision';
const TIMEOUT_MS = 10_000;

export interface CreateSupervisionInput {
  eventId?: string | null;
  subjectType: SupervisionSubject;
  subjectRef: string;
  orgCode: string;
  title: string;
  request: string;
  /** Epoch ms. */
  dueAt: number;
}

export interface SupervisionRow {
  id: string;
  eventId: string | null;
  subjectType: string;
  subjectRef: string;
  orgCode: string;
  title: string;
  request: string;
  /** ISO instants (UTC). */
  dueAt: string;
  status: SupervisionStatus;
  externalId: string | null;
  reply: string | null;
  repliedAt: string | null;
  writeError: string | null;
  escalations: number;
  createdBy: string;
  createdAt: string;
  updatedAt: string;
}

export interface TransitionRow {
  id: string;
  fromPhase: string | null;
  toPhase: string;
  actor: string;
  via: string;
  note: string | null;
  at: string;
}

export interface SupervisionQuery {
  orgCodes: string[];
  status?: SupervisionStatus;
  eventId?: string;
  page?: number;
  pageSize?: number;
}

export interface TickResult {
  written: number;
  writeFailed: number;
  replied: number;
  escalated: number;
}

export interface SupervisionOptions {
  /** The work-order API's base URL (the simulator's SIMULATOR_WORKORDER_URL); no URL: every write-back fails. */
  /** The work-order API's base URL, or a function reading it (the simulator's port is known only once it runs). */
  apiUrl?: string | null | (() => string | null);
  tz: string;
  now?: () => number;
  fetch?: typeof fetch;
}

export function supervisionRow(s: Supervision): SupervisionRow {
  return {
    id: s.id,
    eventId: s.eventId,
    subjectType: s.subjectType,
    subjectRef: s.subjectRef,
    orgCode: s.orgCode,
    title: s.title,
    request: s.request,
    dueAt: s.dueAt.toISOString(),
    status: s.status as SupervisionStatus,
    externalId: s.externalId,
    reply: s.reply,
    repliedAt: s.repliedAt?.toISOString() ?? null,
    writeError: s.writeError,
    escalations: s.escalations,
    createdBy: s.createdBy,
    createdAt: s.createdAt.toISOString(),
    updatedAt: s.updatedAt.toISOString(),
  };
}

interface VendorEnvelope {
  success?: unknown;
  errorMessage?: unknown;
  errorMsg?: unknown;
  result?: Record<string, unknown> | null;
}

export class SupervisionService {
  private readonly fetchFn: typeof fetch;

  constructor(
    private readonly db: Db,
    private readonly runLog: RunLog,
    private readonly opts: SupervisionOptions,
  ) {
    this.fetchFn = opts.fetch ?? fetch;
  }

  private now(): number {
    return (this.opts.now ?? Date.now)();
  }

  /** Stores the item (open), then writes it back to the source system (sent, or open with `writeError`). */
  async create(input: CreateSupervisionInput, actor: string): Promise<SupervisionRow> {
    const now = this.now();
    const title = input.title.trim();
    const request = input.request.trim();
    if (!title || !request) throw new InvalidError('督办标题和要求不能为空 (title and request are required)');
    if (!(input.dueAt > now)) throw new InvalidError('督办时限须晚于当前时间 (the due time must be in the future)');
    const unit = await this.db.prisma.orgUnit.findUnique({ where: { code: input.orgCode }, select: { code: true } });
    if (!unit) throw new InvalidError(`单位不存在 (no org unit ${input.orgCode})`);
    const alert = input.eventId ? await this.db.prisma.alertEvent.findUnique({ where: { id: input.eventId } }) : null;
    if (input.eventId && !alert) throw new NotFoundError(`预警不存在 (no alert ${input.eventId})`);

    const row = await this.db.prisma.$transaction(async (tx) => {
      const s = await tx.supervision.create({
        data: {
          eventId: input.eventId ?? null,
          subjectType: input.subjectType,
          subjectRef: input.subjectRef,
          orgCode: input.orgCode,
          title,
          request,
          dueAt: new Date(input.dueAt),
          status: 'open',
          createdBy: actor,
          createdAt: new Date(now),
          updatedAt: new Date(now),
        },
      });
      await tx.dutyTransition.create({
        data: {
          subjectType: 'supervision',
          subjectId: s.id,
          fromPhase: null,
          toPhase: 'open',
          actor,
          via: 'desk',
          note: title,
          at: new Date(now),
        },
      });
      if (alert && SUPERVISABLE_PHASES.includes(alert.phase)) {
        const moved = await tx.alertEvent.updateMany({
          where: { id: alert.id, phase: { in: SUPERVISABLE_PHASES } },
          data: { phase: 'supervised', updatedAt: new Date(now) },
        });
        if (moved.count) {
          // Every open desk and wall hears of it (server/duty/router.ts publishes the change).
          await tx.alertOutbox.create({ data: { eventId: alert.id, change: 'phase:supervised', at: new Date(now) } });
          await tx.dutyTransition.create({
            data: {
              subjectType: 'alert',
              subjectId: alert.id,
              fromPhase: alert.phase,
              toPhase: 'supervised',
              actor,
              via: 'desk',
              note: `督办 ${s.id}: ${title}`,
              at: new Date(now),
            },
          });
        }
      }
      return s;
    });
    await this.runLog.record({
      orgCode: row.orgCode,
      category: 'supervision',
      origin: 'auto',
      actor,
      at: now,
      text: `${actor} 发起督办「${title}」，时限 ${beijingMinute(input.dueAt)}`,
      refType: 'supervision',
      refId: row.id,
    });
    await audit(this.db, {
      actor,
      action: 'supervision.create',
      target: row.id,
      detail: { orgCode: row.orgCode, subjectType: row.subjectType, subjectRef: row.subjectRef, eventId: row.eventId },
    });
    return supervisionRow(await this.writeBack(row));
  }

  /**
   * One round: writes back items still open, polls replies of items sent, escalates items past their time
   * limit without a reply to the parent unit.
   */
  async tick(now: number = this.now()): Promise<TickResult> {
    const result: TickResult = { written: 0, writeFailed: 0, replied: 0, escalated: 0 };
    const p = this.db.prisma;
    for (const s of await p.supervision.findMany({ where: { status: 'open' }, orderBy: { createdAt: 'asc' } })) {
      const after = await this.writeBack(s, now);
      if (after.status === 'open') result.writeFailed++;
      else result.written++;
    }
    for (const s of await p.supervision.findMany({ where: { status: { in: AWAITING_REPLY }, externalId: { not: null } } })) {
      if (await this.poll(s, now)) result.replied++;
    }
    const overdue = await p.supervision.findMany({
      where: { status: { in: ['open', ...AWAITING_REPLY] }, dueAt: { lte: new Date(now) } },
      orderBy: { dueAt: 'asc' },
    });
    for (const s of overdue) if (await this.escalate(s, now)) result.escalated++;
    return result;
  }

  /**
   * The monitoring hall's verdict on a reply: accepted → verified, then closed; rejected → written back to
   * the source system again with the note (sent, or open until the write-back succeeds).
   */
  async verify(id: string, actor: string, accepted: boolean, note: string): Promise<SupervisionRow> {
    const s = await this.load(id);
    if (s.status !== 'replied')
      throw new ConflictError(`督办事项当前状态为 ${s.status}，只能核实已回复的事项 (only a replied item can be verified)`);
    const now = this.now();
    const at = new Date(now);
    let row: Supervision;
    if (accepted) {
      row = await this.db.prisma.$transaction(async (tx) => {
        const { count } = await tx.supervision.updateMany({ where: { id, status: 'replied' }, data: { status: 'closed', updatedAt: at } });
        if (!count) throw new ConflictError(`督办事项 ${id} 已被他人处理 (changed meanwhile)`);
        await tx.dutyTransition.createMany({
          data: [
            {
              subjectType: 'supervision',
              subjectId: id,
              fromPhase: 'replied',
              toPhase: 'verified',
              actor,
              via: 'desk',
              note: note || null,
              at,
            },
            { subjectType: 'supervision', subjectId: id, fromPhase: 'verified', toPhase: 'closed', actor, via: 'desk', note: null, at },
          ],
        });
        return tx.supervision.findUniqueOrThrow({ where: { id } });
      });
    } else {
      if (!note.trim()) throw new InvalidError('驳回时须填写意见 (a rejection needs a note)');
      row = await this.db.prisma.$transaction(async (tx) => {
        const { count } = await tx.supervision.updateMany({
          where: { id, status: 'replied' },
          data: {
            status: 'open',
            externalId: null,
            reply: null,
            repliedAt: null,
            writeError: null,
            request: `${s.request}\n【驳回意见】${note.trim()}`,
            // A limit already past starts again with the item's original length.
            ...(s.dueAt.getTime() <= now ? { dueAt: new Date(now + Math.max(60_000, s.dueAt.getTime() - s.createdAt.getTime())) } : {}),
            updatedAt: at,
          },
        });
        if (!count) throw new ConflictError(`督办事项 ${id} 已被他人处理 (changed meanwhile)`);
        await tx.dutyTransition.create({
          data: {
            subjectType: 'supervision',
            subjectId: id,
            fromPhase: 'replied',
            toPhase: 'open',
            actor,
            via: 'desk',
            note: `驳回: ${note.trim()}`,
            at,
          },
        });
        return tx.supervision.findUniqueOrThrow({ where: { id } });
      });
    }
    await this.runLog.record({
      orgCode: row.orgCode,
      category: 'supervision',
      origin: 'auto',
      actor,
      at: now,
      text: accepted ? `${actor} 核实督办「${row.title}」回复，办结` : `${actor} 驳回督办「${row.title}」回复：${note.trim()}`,
      refType: 'supervision',
      refId: id,
    });
    await audit(this.db, { actor, action: 'supervision.verify', target: id, detail: { accepted, note } });
    return supervisionRow(accepted ? row : await this.writeBack(row, now));
  }

  async get(id: string): Promise<{ item: SupervisionRow; timeline: TransitionRow[] }> {
    const s = await this.load(id);
    const transitions = await this.db.prisma.dutyTransition.findMany({
      where: { subjectType: 'supervision', subjectId: id },
      orderBy: [{ at: 'asc' }, { id: 'asc' }],
    });
    return {
      item: supervisionRow(s),
      timeline: transitions.map((t) => ({
        id: t.id.toString(),
        fromPhase: t.fromPhase,
        toPhase: t.toPhase,
        actor: t.actor,
        via: t.via,
        note: t.note,
        at: t.at.toISOString(),
      })),
    };
  }

  async list(q: SupervisionQuery): Promise<{ rows: SupervisionRow[]; total: number; page: number; pageSize: number }> {
    const page = Math.max(1, q.page ?? 1);
    const pageSize = Math.min(200, Math.max(1, q.pageSize ?? 50));
    if (q.orgCodes.length === 0) return { rows: [], total: 0, page, pageSize };
    const where: Prisma.SupervisionWhereInput = {
      OR: q.orgCodes.map((c) => ({ orgCode: { startsWith: c } })),
      ...(q.status ? { status: q.status } : {}),
      ...(q.eventId ? { eventId: q.eventId } : {}),
    };
    const [rows, total] = await Promise.all([
      this.db.prisma.supervision.findMany({
        where,
        orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
        skip: (page - 1) * pageSize,
        take: pageSize,
      }),
      this.db.prisma.supervision.count({ where }),
    ]);
    return { rows: rows.map(supervisionRow), total, page, pageSize };
  }

  private async load(id: string): Promise<Supervision> {
    const s = await this.db.prisma.supervision.findUnique({ where: { id } });
    if (!s) throw new NotFoundError(`督办事项不存在 (no supervision item ${id})`);
    return s;
  }

  /** POSTs an open item to the source system; on success it is 'sent' with the system's id. */
  private async writeBack(s: Supervision, now: number = this.now()): Promise<Supervision> {
    if (s.status !== 'open') return s;
    let superviseId: string;
    try {
      const body = await this.call('POST', PATH, {
        supervisionNo: s.id,
        ...(s.subjectType === 'work_order' ? { orderNo: s.subjectRef } : {}),
        orgCode: s.orgCode,
        title: s.title,
        content: s.request,
        deadline: formatLocal(s.dueAt.getTime(), this.opts.tz).slice(0, 19),
      });
      const id = body.result?.superviseId;
      if (typeof id !== 'string' || !id) throw new Error('answer without superviseId');
      superviseId = id;
    } catch (err) {
      const writeError = (err instanceof Error ? err.message : String(err)).slice(0, 500);
      await this.db.prisma.supervision.updateMany({ where: { id: s.id, status: 'open' }, data: { writeError, updatedAt: new Date(now) } });
      return this.load(s.id);
    }
    return this.db.prisma.$transaction(async (tx) => {
      const { count } = await tx.supervision.updateMany({
        where: { id: s.id, status: 'open' },
        data: { status: 'sent', externalId: superviseId, writeError: null, updatedAt: new Date(now) },
      });
      if (count) {
        await tx.dutyTransition.create({
          data: {
            subjectType: 'supervision',
            subjectId: s.id,
            fromPhase: 'open',
            toPhase: 'sent',
            actor: 'system',
            via: 'api',
            note: `已写入客服系统 (superviseId ${superviseId})`,
            at: new Date(now),
          },
        });
      }
      return tx.supervision.findUniqueOrThrow({ where: { id: s.id } });
    });
  }

  /** Asks the source system for the item's reply; true when one arrived. */
  private async poll(s: Supervision, now: number): Promise<boolean> {
    let body: VendorEnvelope;
    try {
      body = await this.call('GET', `${PATH}/${encodeURIComponent(s.externalId!)}`);
    } catch {
      // The next tick asks again.
      return false;
    }
    const r = body.result ?? {};
    if (r.status !== '已回复') return false;
    const reply = typeof r.replyContent === 'string' ? r.replyContent : '';
    const repliedAt = (typeof r.replyTime === 'string' ? parseLocal(r.replyTime, this.opts.tz) : null) ?? now;
    const updated = await this.db.prisma.$transaction(async (tx) => {
      const { count } = await tx.supervision.updateMany({
        where: { id: s.id, status: { in: AWAITING_REPLY }, externalId: s.externalId },
        data: { status: 'replied', reply, repliedAt: new Date(repliedAt), updatedAt: new Date(now) },
      });
      if (count) {
        await tx.dutyTransition.create({
          data: {
            subjectType: 'supervision',
            subjectId: s.id,
            fromPhase: s.status,
            toPhase: 'replied',
            actor: 'system',
            via: 'api',
            note: reply,
            at: new Date(now),
          },
        });
      }
      return count > 0;
    });
    if (updated) {
      await this.runLog.record({
        orgCode: s.orgCode,
        category: 'supervision',
        origin: 'auto',
        actor: 'system',
        at: now,
        text: `督办「${s.title}」已回复：${reply}`,
        refType: 'supervision',
        refId: s.id,
      });
    }
    return updated;
  }

  /** Moves an overdue item to the parent unit with a new limit of the original length; false at the province. */
  private async escalate(s: Supervision, now: number): Promise<boolean> {
    const parent = parentOrgCode(s.orgCode);
    if (parent === null) return false;
    // The limit's length: from the item's creation, or from its last escalation, to its due time.
    const last = await this.db.prisma.dutyTransition.findFirst({
      where: { subjectType: 'supervision', subjectId: s.id, toPhase: 'escalated' },
      orderBy: [{ at: 'desc' }, { id: 'desc' }],
    });
    const span = Math.max(60_000, s.dueAt.getTime() - (last?.at.getTime() ?? s.createdAt.getTime()));
    const dueAt = new Date(now + span);
    const note = `逾期未回复，升级至上级单位 ${parent}（原单位 ${s.orgCode}），新时限 ${beijingMinute(dueAt.getTime())}`;
    const done = await this.db.prisma.$transaction(async (tx) => {
      const { count } = await tx.supervision.updateMany({
        where: { id: s.id, status: s.status, dueAt: s.dueAt },
        data: {
          orgCode: parent,
          escalations: { increment: 1 },
          dueAt,
          // An item not yet written back stays open so the next tick retries it.
          status: s.status === 'open' ? 'open' : 'escalated',
          updatedAt: new Date(now),
        },
      });
      if (count) {
        await tx.dutyTransition.create({
          data: {
            subjectType: 'supervision',
            subjectId: s.id,
            fromPhase: s.status,
            toPhase: 'escalated',
            actor: 'system',
            via: 'system',
            note,
            at: new Date(now),
          },
        });
      }
      return count > 0;
    });
    if (done) {
      await this.runLog.record({
        orgCode: parent,
        category: 'escalation',
        origin: 'auto',
        actor: 'system',
        at: now,
        text: `督办「${s.title}」${note}`,
        refType: 'supervision',
        refId: s.id,
      });
    }
    return done;
  }

  private async call(method: 'GET' | 'POST', path: string, body?: unknown): Promise<VendorEnvelope> {
    const base = typeof this.opts.apiUrl === 'function' ? this.opts.apiUrl() : this.opts.apiUrl;
    if (!base) throw new Error('未配置客服系统工单接口 (no work-order API URL configured)');
    const res = await this.fetchFn(new URL(path, base), {
      method,
      headers: body === undefined ? {} : { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: AbortSignal.timeout(TIMEOUT_MS),
    });
    const text = await res.text();
    let json: VendorEnvelope;
    try {
      json = JSON.parse(text) as VendorEnvelope;
    } catch {
      throw new Error(`HTTP ${res.status}: not JSON`);
    }
    if (!res.ok || json.success !== true) {
      const msg =
        typeof json.errorMessage === 'string' ? json.errorMessage : typeof json.errorMsg === 'string' ? json.errorMsg : 'request refused';
      throw new Error(`HTTP ${res.status}: ${msg}`);
    }
    return json;
  }
}
