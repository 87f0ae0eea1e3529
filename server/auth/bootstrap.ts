import { randomBytes, randomUUID } from 'node:crypto';
import { PROVINCE } from '@/core/org/divisions';
import type { Db } from '../db/client';
import { hashPassword } from './password';
import { placeholderEmail } from './users';

// The first start creates the administrator `admin`: with ADMIN_PASSWORD when set, else a random password
// printed once to the console. Never a fixed default. Later starts leave existing administrators alone.

export interface BootstrapResult {
  created: boolean;
  /** The generated password (only when ADMIN_PASSWORD was not set), to print once. */
  generatedPassword?: string;
}

export async function ensureAdministrator(db: Db, adminPassword: string | undefined): Promise<BootstrapResult> {
  if (await db.prisma.user.findFirst({ where: { role: 'admin' } })) return { created: false };
  const generated = adminPassword ? undefined : randomBytes(12).toString('base64url') + '7a';
  const hash = await hashPassword(adminPassword ?? generated!);
  const id = randomUUID();
  await db.prisma.$transaction(async (tx) => {
    // A user called admin who is no longer an administrator keeps their account; the new one is admin-1.
    const taken = await tx.user.findUnique({ where: { username: 'admin' } });
    const username = taken ? `admin-${Date.now().toString(36)}` : 'admin';
    await tx.user.create({
      data: { id, username, displayName: '系统管理员', email: placeholderEmail(username), role: 'admin', orgUnitCode: PROVINCE.code },
    });
    await tx.authAccount.create({ data: { id: randomUUID(), accountId: id, providerId: 'credential', userId: id, password: hash } });
    await tx.auditLog.create({
      data: { actor: 'system', action: 'user.create', target: username, detail: { role: 'admin', bootstrap: true } },
    });
  });
  return { created: true, generatedPassword: generated };
}
