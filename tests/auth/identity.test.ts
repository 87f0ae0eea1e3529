import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadEnv } from '@/core/env';
import { divisionOrgUnits } from '@/core/org/org-units';
import { ensureAdministrator } from '@/server/auth/bootstrap';
import { lockUntil } from '@/server/auth/lockout';
import { maskRows, maskValue } from '@/server/auth/mask';
import { approvePairing, pollPairing, startPairing } from '@/server/auth/pairing';
import { AuthService } from '@/server/auth/service';
import { createToken, revokeToken } from '@/server/auth/tokens';
import { createDb, type Db } from '@/server/db/client';
import { applyMigrations } from '@/server/db/migrate';
import { seedOrgUnits } from '@/server/db/org';
import { MIGRATIONS_DIR } from '../db/helpers';

// Identity on the real relational store (PGlite, the embedded default) through better-auth's own request
// handler: sign-in, lockout, disabling, service tokens, ADMIN_API_TOKEN, screen pairing, masking.
// tests/auth/inventory.test.ts proves the same doors over HTTP on a running server.

const ADMIN_TOKEN = 'test-admin-api-token-0123456789abcdef';
let db: Db;
let svc: AuthService;
let adminPassword: string;

const ORIGIN = 'http://monitor.test';

async function signIn(username: string, password: string, ip = '10.0.0.1') {
  const res = await svc.auth.handler(
    new Request(`${ORIGIN}/api/auth/sign-in/username`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', origin: ORIGIN, 'x-monitor-client-ip': ip },
      body: JSON.stringify({ username, password }),
    }),
  );
  const cookie = (res.headers.getSetCookie?.() ?? [])
    .map((c) => c.split(';')[0]!)
    .filter((c) => c.includes('session_token'))
    .join('; ');
  const body = (await res.json().catch(() => null)) as { message?: string } | null;
  return { status: res.status, cookie, message: body?.message };
}

const audits = async (action: string) => db.prisma.auditLog.findMany({ where: { action }, orderBy: { id: 'asc' } });

beforeAll(async () => {
  db = await createDb({ dataDir: '/nonexistent', memory: true });
  await applyMigrations(db, MIGRATIONS_DIR);
  await seedOrgUnits(db.prisma, divisionOrgUnits());
  svc = new AuthService({ db, env: loadEnv({ ADMIN_API_TOKEN: ADMIN_TOKEN }), secret: 'a-test-secret-that-is-at-least-32-characters' });
});

afterAll(async () => {
  await db?.close();
});

describe('first start', () => {
  it('creates one administrator with a generated password, printed once, never a fixed one', async () => {
    const first = await ensureAdministrator(db, undefined);
    expect(first.created).toBe(true);
    expect(first.generatedPassword).toMatch(/^[A-Za-z0-9_-]{16,}\d?[a-z]?$/);
    adminPassword = first.generatedPassword!;
    expect(await ensureAdministrator(db, 'another-Passw0rd')).toEqual({ created: false });
    const admins = await db.prisma.user.findMany({ where: { role: 'admin' } });
    expect(admins.map((a) => a.username)).toEqual(['admin']);
    // Only the argon2id hash is stored.
    const account = await db.prisma.authAccount.findFirstOrThrow({ where: { userId: admins[0]!.id } });
    expect(account.password).toMatch(/^\$argon2id\$/);
    expect(account.password).not.toContain(adminPassword);
  });
});

describe('sign-in', () => {
  it('signs in with the password and resolves the session to the administrator of the province', async () => {
    const r = await signIn('admin', adminPassword);
    expect(r.status).toBe(200);
    expect(r.cookie).toContain('ym.session_token=');
    const who = await svc.resolve(new Headers({ cookie: r.cookie }), Date.now());
    expect(who.principal).toMatchObject({ id: 'admin', role: 'admin', orgCode: '53', kind: 'user' });
    expect((await audits('auth.sign_in')).map((a) => a.actor)).toContain('admin');
  });

  it('refuses a wrong password, and locks the account after five in a row, even for the right password', async () => {
    await svc.users.create(
      { username: 'km.li', displayName: '李昆明', role: 'manager', orgCode: '5301', password: 'Kunming-2026-ok' },
      'admin',
    );
    for (let i = 0; i < 5; i++) expect((await signIn('km.li', `wrong-${i}-password`)).status).toBe(401);
    const locked = await signIn('km.li', 'Kunming-2026-ok');
    expect(locked.status).toBe(429);
    expect(locked.message).toMatch(/锁定|locked/);
    const user = await db.prisma.user.findUniqueOrThrow({ where: { username: 'km.li' } });
    expect(user.failedSignIns).toBe(5);
    expect(user.lockedUntil!.getTime()).toBeGreaterThan(Date.now() + 14 * 60_000);
    expect((await audits('auth.sign_in_failed')).filter((a) => a.actor === 'km.li').length).toBe(6);
    expect((await audits('auth.locked')).map((a) => a.actor)).toEqual(['km.li']);
    // An administrator lifts the lock; the right password then works and resets the count.
    await svc.users.unlock(user.id, 'admin');
    expect((await signIn('km.li', 'Kunming-2026-ok')).status).toBe(200);
    expect((await db.prisma.user.findUniqueOrThrow({ where: { username: 'km.li' } })).failedSignIns).toBe(0);
  });

  it("ends a disabled user's sessions at once and refuses their next sign-in", async () => {
    const r = await signIn('km.li', 'Kunming-2026-ok');
    const headers = new Headers({ cookie: r.cookie });
    expect((await svc.resolve(headers, Date.now())).principal?.orgCode).toBe('5301');
    const ended: string[] = [];
    const off = svc.events.subscribe((e) => e.type === 'user-ended' && ended.push(e.userId));
    const user = await db.prisma.user.findUniqueOrThrow({ where: { username: 'km.li' } });
    await svc.users.update(user.id, { disabled: true }, 'admin');
    off();
    expect(ended).toEqual([user.id]);
    expect((await svc.resolve(headers, Date.now())).principal).toBeNull();
    expect((await signIn('km.li', 'Kunming-2026-ok')).status).toBe(403);
  });

  it('refuses weak passwords and sign-up', async () => {
    await expect(
      svc.users.create({ username: 'weak', displayName: 'w', role: 'viewer', orgCode: '53', password: 'short1' }, 'admin'),
    ).rejects.toThrow(/10/);
    await expect(
      svc.users.create({ username: 'weak', displayName: 'w', role: 'viewer', orgCode: '53', password: 'onlyletterslong' }, 'admin'),
    ).rejects.toThrow(/digits|数字/);
    const res = await svc.auth.handler(
      new Request(`${ORIGIN}/api/auth/sign-up/email`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', origin: ORIGIN },
        body: JSON.stringify({ email: 'x@y.cn', password: 'Passw0rd-long', name: 'x' }),
      }),
    );
    expect(res.status).toBeGreaterThanOrEqual(400);
    expect(await db.prisma.user.count({ where: { email: 'x@y.cn' } })).toBe(0);
  });

  it('refuses a sign-in posted from another site (origin check)', async () => {
    const res = await svc.auth.handler(
      new Request(`${ORIGIN}/api/auth/sign-in/username`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', origin: 'https://evil.example', cookie: 'x=1', 'x-monitor-client-ip': '10.0.0.2' },
        body: JSON.stringify({ username: 'admin', password: adminPassword }),
      }),
    );
    expect(res.status).toBe(403);
  });

  it('signs out from the page (same origin, with the session cookie) and refuses a sign-out posted by another site', async () => {
    const r = await signIn('admin', adminPassword, '10.0.0.5');
    const signOut = (origin: string) =>
      svc.auth.handler(
        // As behind the custom server: the URL Next builds (localhost) is not the Host the browser used.
        new Request('http://localhost:3000/api/auth/sign-out', {
          method: 'POST',
          headers: { 'content-type': 'application/json', origin, host: 'monitor.test', cookie: r.cookie },
          body: '{}',
        }),
      );
    expect((await signOut('https://evil.example')).status).toBe(403);
    expect((await svc.resolve(new Headers({ cookie: r.cookie }), Date.now())).principal?.id).toBe('admin');
    expect((await signOut(ORIGIN)).status).toBe(200);
    expect((await svc.resolve(new Headers({ cookie: r.cookie }), Date.now())).principal).toBeNull();
  });

  it('rate-limits sign-in attempts from one address (10 a minute), whichever accounts they try', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 12; i++) statuses.push((await signIn(`nobody-${i}`, 'wrong-password-1', '10.0.0.3')).status);
    expect(statuses.slice(0, 10)).toEqual(Array(10).fill(401));
    expect(statuses.slice(10)).toEqual([429, 429]);
    // Another address is unaffected.
    expect((await signIn('nobody-x', 'wrong-password-1', '10.0.0.4')).status).toBe(401);
  });
});

describe('service and display tokens', () => {
  it('authenticates a bearer service token with its role and scope until it is revoked', async () => {
    const t = await createToken(db, { kind: 'service', name: 'qj-report', role: 'viewer', orgCode: '5303', createdBy: 'admin' });
    expect(t.token).toMatch(/^ymt_[A-Za-z0-9_-]{43}$/);
    const headers = new Headers({ authorization: `Bearer ${t.token}` });
    expect((await svc.resolve(headers, Date.now())).principal).toMatchObject({
      id: 'token:qj-report',
      role: 'viewer',
      orgCode: '5303',
      kind: 'service',
    });
    const stored = await db.prisma.apiToken.findUniqueOrThrow({ where: { id: t.id } });
    expect(stored.tokenHash).not.toContain(t.token.slice(4, 20));
    await revokeToken(db, t.id, 'admin');
    expect(await svc.resolve(headers, Date.now())).toEqual({ principal: null, reason: 'invalid-token' });
    expect((await audits('token.revoke')).map((a) => a.target)).toContain(t.id);
  });

  it('takes ADMIN_API_TOKEN as an administrator token and nothing close to it', async () => {
    const ok = await svc.resolve(new Headers({ authorization: `Bearer ${ADMIN_TOKEN}` }), Date.now());
    expect(ok.principal).toMatchObject({ role: 'admin', orgCode: '53', kind: 'service' });
    for (const bad of [`${ADMIN_TOKEN}x`, ADMIN_TOKEN.slice(0, -1), 'Basic abc', `Bearer`]) {
      const r = await svc.resolve(
        new Headers({ authorization: bad.startsWith('B') && bad !== 'Bearer' && !bad.startsWith('Basic') ? bad : `Bearer ${bad}` }),
        Date.now(),
      );
      expect(r.principal).toBeNull();
    }
  });

  it('pairs a wall screen by code: the poll key holder gets one display token, bound to the layout', async () => {
    const now = Date.now();
    const p = await startPairing(db, 'Chromium wall', now);
    expect(p.code).toMatch(/^[A-HJ-NP-Z2-9]{6}$/);
    expect(await pollPairing(db, p.pollKey, now, '53')).toMatchObject({ status: 'pending', code: p.code });
    await approvePairing(
      db,
      { code: p.code.toLowerCase(), layoutId: 'demo', zoneId: 'visitor', name: '展厅屏', orgCode: '53' },
      'admin',
      now,
    );
    const paired = await pollPairing(db, p.pollKey, now, '53');
    expect(paired.status).toBe('paired');
    if (paired.status !== 'paired') return;
    expect(await pollPairing(db, p.pollKey, now, '53')).toEqual({ status: 'expired' });
    const who = await svc.resolve(new Headers({ cookie: `ym_display=${encodeURIComponent(paired.token)}` }), now);
    expect(who.principal).toMatchObject({
      kind: 'display',
      role: 'wall_display',
      layoutId: 'demo',
      zoneId: 'visitor',
      id: 'screen:展厅屏',
    });
    // A guessed or stale code does nothing.
    await expect(
      approvePairing(db, { code: 'ZZZZZZ', layoutId: 'demo', zoneId: null, name: 'x', orgCode: '53' }, 'admin', now),
    ).rejects.toThrow(/expired|过期/);
    const expiredPairing = await startPairing(db, null, now);
    expect(await pollPairing(db, expiredPairing.pollKey, now + 11 * 60_000, '53')).toEqual({ status: 'expired' });
  });
});

describe('masking and lockout rules', () => {
  it('masks personal values, keeping only their ends', () => {
    expect(maskValue('5301020012345678')).toBe('53************78');
    expect(maskValue('张三丰')).toBe('张*丰');
    expect(maskValue('13')).toBe('**');
    expect(maskValue(null)).toBeNull();
    const rows = [{ customer_id: '5301020012345678', amount: 12.5 }];
    expect(maskRows(rows, ['customer_id'])).toEqual([{ customer_id: '53************78', amount: 12.5 }]);
    expect(rows[0]!.customer_id).toBe('5301020012345678');
  });

  it('locks on every fifth failure, doubling up to a day', () => {
    const t = 1_000_000;
    expect(lockUntil(4, t)).toBeNull();
    expect(lockUntil(5, t)!.getTime() - t).toBe(15 * 60_000);
    expect(lockUntil(6, t)).toBeNull();
    expect(lockUntil(10, t)!.getTime() - t).toBe(30 * 60_000);
    expect(lockUntil(100, t)!.getTime() - t).toBe(24 * 3600_000);
  });
});
