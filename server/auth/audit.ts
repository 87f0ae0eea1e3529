import type { Prisma } from '../db/generated/client';
import type { Db } from '../db/client';

// The append-only audit log (a trigger in the database refuses UPDATE and DELETE). Writers go through here
// or write `auditLog.create` inside their own transaction, with an action from this list's families.

export const AUDIT_ACTIONS = [
  'auth.sign_in',
  'auth.sign_in_failed',
  'auth.locked',
  'auth.sign_out',
  'user.create',
  'user.update',
  'user.password',
  'user.unlock',
  'token.create',
  'token.revoke',
  'screen.pair',
  'pii.reveal',
  'export.rules',
  'export.create',
  'record.note',
  'report.generate',
  'rule.create',
  'rule.update',
  'rule.enable',
  'rule.disable',
  'rule.import',
  'kpi.parameters',
  'wall.layout.save',
  'wall.control',
  'alert.transition',
  'alert.ack_link',
  'routing.save',
  'channel.save',
  'silence.create',
  'silence.expire',
  'duty.settings',
  'roster.save',
  'handover.submit',
  'handover.acknowledge',
  'runlog.write',
  'supervision.create',
  'supervision.verify',
] as const;

export interface AuditEntry {
  actor: string;
  action: string;
  target?: string | null;
  detail?: Prisma.InputJsonValue;
}

export async function audit(db: Db, e: AuditEntry): Promise<void> {
  await db.prisma.auditLog.create({ data: { actor: e.actor, action: e.action, target: e.target ?? null, detail: e.detail } });
}

export interface AuditQuery {
  actor?: string;
  /** An action or an action family prefix (`rule.`). */
  action?: string;
  target?: string;
  /** Free text searched in actor, action, target. */
  text?: string;
  from?: Date;
  to?: Date;
  limit: number;
  /** The id of the last row of the previous page. */
  cursor?: string;
}

export async function searchAudit(db: Db, q: AuditQuery) {
  const where: Prisma.AuditLogWhereInput = {
    ...(q.actor ? { actor: q.actor } : {}),
    ...(q.action ? { action: { startsWith: q.action } } : {}),
    ...(q.target ? { target: q.target } : {}),
    ...(q.from || q.to ? { at: { ...(q.from ? { gte: q.from } : {}), ...(q.to ? { lt: q.to } : {}) } } : {}),
    ...(q.text
      ? {
          OR: [
            { actor: { contains: q.text, mode: 'insensitive' as const } },
            { action: { contains: q.text, mode: 'insensitive' as const } },
            { target: { contains: q.text, mode: 'insensitive' as const } },
          ],
        }
      : {}),
    ...(q.cursor ? { id: { lt: BigInt(q.cursor) } } : {}),
  };
  const rows = await db.prisma.auditLog.findMany({ where, orderBy: { id: 'desc' }, take: q.limit + 1 });
  const page = rows.slice(0, q.limit);
  return {
    rows: page.map((r) => ({
      id: r.id.toString(),
      at: r.at.toISOString(),
      actor: r.actor,
      action: r.action,
      target: r.target,
      detail: r.detail,
    })),
    nextCursor: rows.length > q.limit ? page[page.length - 1]!.id.toString() : null,
  };
}
