import { InvalidError } from '@/core/errors';
import { audit } from '../auth/audit';
import type { Db } from '../db/client';
import type { Prisma, RunLogEntry } from '../db/generated/client';

// 运行日志 (DOMAIN.md §4): what happened on the duty desk, shift by shift. Automatic entries (origin 'auto':
// alerts, escalations, source lateness, handovers, supervision) are written by the services that cause them;
// typed entries (origin 'typed') by the duty officer, audited.

export const RUN_LOG_CATEGORIES = ['alert', 'escalation', 'source', 'handover', 'supervision', 'roster', 'note', 'other'] as const;
export type RunLogCategory = (typeof RUN_LOG_CATEGORIES)[number];

export interface RunLogInput {
  orgCode: string;
  category: string;
  text: string;
  origin: 'auto' | 'typed';
  /** A username for typed entries; the component ('system', 'supervision') for automatic ones. */
  actor: string;
  /** Epoch ms; the service clock when left out. */
  at?: number;
  refType?: string | null;
  refId?: string | null;
}

export interface RunLogRow {
  id: string;
  orgCode: string;
  /** ISO instant (UTC). */
  at: string;
  origin: string;
  category: string;
  text: string;
  actor: string;
  refType: string | null;
  refId: string | null;
}

export interface RunLogQuery {
  /** Org scope roots: entries of these nodes and below. Empty: nothing. */
  orgCodes: string[];
  /** Epoch ms, inclusive. */
  from?: number;
  /** Epoch ms, exclusive. */
  to?: number;
  category?: string;
  origin?: 'auto' | 'typed';
  /** Free text searched in the entry's text and actor. */
  text?: string;
  /** 1-based. */
  page?: number;
  pageSize?: number;
}

export interface RunLogPage {
  rows: RunLogRow[];
  total: number;
  page: number;
  pageSize: number;
}

const MAX_TEXT = 2000;

export function runLogRow(r: RunLogEntry): RunLogRow {
  return {
    id: r.id.toString(),
    orgCode: r.orgCode,
    at: r.at.toISOString(),
    origin: r.origin,
    category: r.category,
    text: r.text,
    actor: r.actor,
    refType: r.refType,
    refId: r.refId,
  };
}

export class RunLog {
  constructor(
    private readonly db: Db,
    private readonly now: () => number = Date.now,
  ) {}

  /** Writes one entry (automatic or typed) as given; typed entries from people go through `write`. */
  async record(e: RunLogInput): Promise<RunLogRow> {
    const text = e.text.trim();
    if (!text) throw new InvalidError('运行日志内容不能为空 (run log text is empty)');
    if (e.origin === 'typed' && !e.actor) throw new InvalidError('typed run log entries need an actor');
    const row = await this.db.prisma.runLogEntry.create({
      data: {
        orgCode: e.orgCode,
        at: new Date(e.at ?? this.now()),
        origin: e.origin,
        category: e.category,
        text: text.slice(0, MAX_TEXT),
        actor: e.actor,
        refType: e.refType ?? null,
        refId: e.refId ?? null,
      },
    });
    return runLogRow(row);
  }

  /** An entry typed by a person on the duty desk: origin 'typed', audited. */
  async write(e: { orgCode: string; category: string; text: string; at?: number }, actor: string): Promise<RunLogRow> {
    const row = await this.record({ ...e, origin: 'typed', actor });
    await audit(this.db, { actor, action: 'runlog.write', target: row.id, detail: { orgCode: row.orgCode, category: row.category } });
    return row;
  }

  /** Entries in the scope, newest first, one page at a time. */
  async search(q: RunLogQuery): Promise<RunLogPage> {
    const page = Math.max(1, q.page ?? 1);
    const pageSize = Math.min(500, Math.max(1, q.pageSize ?? 50));
    if (q.orgCodes.length === 0) return { rows: [], total: 0, page, pageSize };
    const where: Prisma.RunLogEntryWhereInput = {
      OR: q.orgCodes.map((c) => ({ orgCode: { startsWith: c } })),
      ...(q.from !== undefined || q.to !== undefined
        ? { at: { ...(q.from !== undefined ? { gte: new Date(q.from) } : {}), ...(q.to !== undefined ? { lt: new Date(q.to) } : {}) } }
        : {}),
      ...(q.category ? { category: q.category } : {}),
      ...(q.origin ? { origin: q.origin } : {}),
      ...(q.text
        ? {
            AND: [
              {
                OR: [
                  { text: { contains: q.text, mode: 'insensitive' as const } },
                  { actor: { contains: q.text, mode: 'insensitive' as const } },
                ],
              },
            ],
          }
        : {}),
    };
    const [rows, total] = await Promise.all([
      this.db.prisma.runLogEntry.findMany({
        where,
        orderBy: [{ at: 'desc' }, { id: 'desc' }],
        skip: (page - 1) * pageSize,
        take: pageSize,
      }),
      this.db.prisma.runLogEntry.count({ where }),
    ]);
    return { rows: rows.map(runLogRow), total, page, pageSize };
  }
}
