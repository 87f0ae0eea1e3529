import { randomUUID } from 'node:crypto';
import { ConflictError, InvalidError, NotFoundError } from '@/core/errors';
import type { Db } from '../db/client';
import type { AuthEvents } from './events';
import { checkPasswordStrength, hashPassword } from './password';
import type { PersonRole } from './roles';

// People: created and changed by administrators (there is no sign-up), each change audited in the same
// transaction. A disabled user, or one whose role or scope changed, loses every session at once.

export interface UserInput {
  username: string;
  displayName: string;
  role: PersonRole;
  orgCode: string;
  email?: string | null;
}

const USERNAME = /^[a-z0-9][a-z0-9._-]{1,63}$/;

export const placeholderEmail = (username: string) => `${username}@users.invalid`;

function view(u: {
  id: string;
  username: string;
  displayName: string;
  email: string;
  role: string;
  orgUnitCode: string;
  disabled: boolean;
  failedSignIns: number;
  lockedUntil: Date | null;
  lastSignInAt: Date | null;
  createdAt: Date;
}) {
  return {
    id: u.id,
    username: u.username,
    displayName: u.displayName,
    email: u.email.endsWith('@users.invalid') ? null : u.email,
    role: u.role,
    orgCode: u.orgUnitCode,
    disabled: u.disabled,
    failedSignIns: u.failedSignIns,
    lockedUntil: u.lockedUntil?.toISOString() ?? null,
    lastSignInAt: u.lastSignInAt?.toISOString() ?? null,
    createdAt: u.createdAt.toISOString(),
  };
}
export type UserView = ReturnType<typeof view>;

export class UserAdmin {
  constructor(
    private readonly db: Db,
    private readonly events: AuthEvents,
  ) {}

  async list(where: { orgCode?: string }) {
    const rows = await this.db.prisma.user.findMany({
      where: where.orgCode ? { orgUnitCode: { startsWith: where.orgCode } } : {},
      orderBy: { username: 'asc' },
      take: 2000,
    });
    return rows.map(view);
  }

  async create(input: UserInput & { password: string }, by: string): Promise<UserView> {
    const username = input.username.toLowerCase();
    if (!USERNAME.test(username))
      throw new InvalidError('用户名为 2–64 位小写字母、数字或 . _ - (username: 2–64 lower-case letters, digits, . _ -)');
    checkPasswordStrength(input.password);
    await this.requireOrg(input.orgCode);
    if (await this.db.prisma.user.findUnique({ where: { username } })) throw new ConflictError(`用户名已存在 (username ${username} taken)`);
    const hash = await hashPassword(input.password);
    const user = await this.db.prisma.$transaction(async (tx) => {
      const u = await tx.user.create({
        data: {
          id: randomUUID(),
          username,
          displayUsername: input.username,
          displayName: input.displayName,
          email: input.email || placeholderEmail(username),
          role: input.role,
          orgUnitCode: input.orgCode,
        },
      });
      await tx.authAccount.create({ data: { id: randomUUID(), accountId: u.id, providerId: 'credential', userId: u.id, password: hash } });
      await tx.auditLog.create({
        data: {
          actor: by,
          action: 'user.create',
          target: username,
          detail: { role: input.role, orgCode: input.orgCode, displayName: input.displayName },
        },
      });
      return u;
    });
    return view(user);
  }

  async update(
    id: string,
    patch: Partial<Pick<UserInput, 'displayName' | 'role' | 'orgCode'>> & { disabled?: boolean },
    by: string,
  ): Promise<UserView> {
    const before = await this.db.prisma.user.findUnique({ where: { id } });
    if (!before) throw new NotFoundError(`用户不存在 (no user ${id})`);
    if (before.username === by && (patch.disabled || (patch.role && patch.role !== before.role))) {
      throw new InvalidError('不能停用自己或更改自己的角色 (you cannot disable yourself or change your own role)');
    }
    if (patch.orgCode) await this.requireOrg(patch.orgCode);
    const endsSessions =
      (patch.disabled === true && !before.disabled) ||
      (patch.role !== undefined && patch.role !== before.role) ||
      (patch.orgCode !== undefined && patch.orgCode !== before.orgUnitCode);
    const user = await this.db.prisma.$transaction(async (tx) => {
      const u = await tx.user.update({
        where: { id },
        data: {
          ...(patch.displayName !== undefined ? { displayName: patch.displayName } : {}),
          ...(patch.role !== undefined ? { role: patch.role } : {}),
          ...(patch.orgCode !== undefined ? { orgUnitCode: patch.orgCode } : {}),
          ...(patch.disabled !== undefined ? { disabled: patch.disabled } : {}),
        },
      });
      if (endsSessions) await tx.authSession.deleteMany({ where: { userId: id } });
      const changed = Object.fromEntries(
        Object.entries(patch).map(([k, v]) => [
          k,
          { from: (before as Record<string, unknown>)[k === 'orgCode' ? 'orgUnitCode' : k] ?? null, to: v },
        ]),
      );
      await tx.auditLog.create({
        data: { actor: by, action: 'user.update', target: before.username, detail: JSON.parse(JSON.stringify(changed)) },
      });
      return u;
    });
    if (endsSessions) this.events.emit({ type: 'user-ended', userId: id });
    return view(user);
  }

  /** Sets a new password (an administrator's reset); ends the user's sessions and lifts a lockout. */
  async setPassword(id: string, password: string, by: string): Promise<void> {
    checkPasswordStrength(password);
    const user = await this.db.prisma.user.findUnique({ where: { id } });
    if (!user) throw new NotFoundError(`用户不存在 (no user ${id})`);
    const hash = await hashPassword(password);
    await this.db.prisma.$transaction(async (tx) => {
      const account = await tx.authAccount.findFirst({ where: { userId: id, providerId: 'credential' } });
      if (account) await tx.authAccount.update({ where: { id: account.id }, data: { password: hash } });
      else await tx.authAccount.create({ data: { id: randomUUID(), accountId: id, providerId: 'credential', userId: id, password: hash } });
      await tx.user.update({ where: { id }, data: { failedSignIns: 0, lockedUntil: null } });
      await tx.authSession.deleteMany({ where: { userId: id } });
      await tx.auditLog.create({ data: { actor: by, action: 'user.password', target: user.username } });
    });
    this.events.emit({ type: 'user-ended', userId: id });
  }

  async unlock(id: string, by: string): Promise<void> {
    const user = await this.db.prisma.user.findUnique({ where: { id } });
    if (!user) throw new NotFoundError(`用户不存在 (no user ${id})`);
    await this.db.prisma.$transaction([
      this.db.prisma.user.update({ where: { id }, data: { failedSignIns: 0, lockedUntil: null } }),
      this.db.prisma.auditLog.create({ data: { actor: by, action: 'user.unlock', target: user.username } }),
    ]);
  }

  private async requireOrg(code: string) {
    if (!(await this.db.prisma.orgUnit.findUnique({ where: { code } }))) throw new InvalidError(`单位不存在 (no org unit ${code})`);
  }
}
