import { betterAuth } from 'better-auth';
import { prismaAdapter } from 'better-auth/adapters/prisma';
import { APIError, createAuthMiddleware, isAPIError } from 'better-auth/api';
import { genericOAuth, username } from 'better-auth/plugins';
import type { Env } from '@/core/env';
import type { Db } from '../db/client';
import { lockUntil } from './lockout';
import { hashPassword, verifyPassword } from './password';

// Sign-in for people: better-auth on the relational database (users, sessions, accounts), username and
// password (argon2id), optional single sign-on over OpenID Connect, its built-in rate limit and origin check.
// Accounts are created by administrators (server/auth/users.ts), never by sign-up. Roles and org scope are
// ours (users.role, users.org_unit_code), read per request in server/auth/resolve.ts.

export const AUTH_BASE_PATH = '/api/auth';
export const SSO_PROVIDER_ID = 'sso';

/** Endpoints of better-auth that the product does not offer (accounts are managed by administrators). */
const DISABLED_PATHS = [
  '/sign-up/email',
  '/sign-in/email',
  '/is-username-available',
  '/update-user',
  '/delete-user',
  '/change-email',
  '/request-password-reset',
  '/reset-password',
  '/forget-password',
  '/send-verification-email',
  '/verify-email',
  '/link-social',
  '/unlink-account',
];

export interface AuthDeps {
  db: Db;
  env: Env;
  secret: string;
}

export function createAuth({ db, env, secret }: AuthDeps) {
  const sso = env.SSO_DISCOVERY_URL && env.SSO_CLIENT_ID && env.SSO_CLIENT_SECRET;
  const auditFailure = async (name: string, reason: string) =>
    db.prisma.auditLog.create({ data: { actor: name.slice(0, 64) || '(empty)', action: 'auth.sign_in_failed', detail: { reason } } });

  const configuredOrigins = [env.AUTH_URL, ...(env.AUTH_TRUSTED_ORIGINS ?? '').split(',')]
    .map((s) => s?.trim())
    .filter((s): s is string => !!s);

  return betterAuth({
    appName: '营销智能监控指挥中心',
    secret,
    ...(env.AUTH_URL ? { baseURL: env.AUTH_URL } : {}),
    basePath: AUTH_BASE_PATH,
    // The page's own origin (its Host, as the browser addressed it: a wall reached by IP, a desk by name) plus the
    // configured ones. A cross-site form post carries the other site's Origin and is refused; better-auth checks
    // Origin only for requests that carry cookies, which is where forgery matters.
    trustedOrigins: async (request) => {
      const host = request?.headers.get('host');
      return [...configuredOrigins, ...(host ? [`http://${host}`, `https://${host}`] : [])];
    },
    database: prismaAdapter(db.prisma, { provider: 'postgresql' }),
    telemetry: { enabled: false },
    logger: { level: 'error' },
    user: {
      modelName: 'user',
      fields: { name: 'displayName' },
      additionalFields: {
        // Set by administrators only; a first single sign-on gets the configured defaults.
        role: { type: 'string', input: false, defaultValue: env.SSO_DEFAULT_ROLE },
        orgUnitCode: { type: 'string', input: false, defaultValue: env.SSO_DEFAULT_ORG },
      },
    },
    session: { modelName: 'authSession', expiresIn: 12 * 3600, updateAge: 3600 },
    account: { modelName: 'authAccount' },
    verification: { modelName: 'authVerification' },
    emailAndPassword: {
      enabled: true,
      disableSignUp: true,
      minPasswordLength: 10,
      password: { hash: hashPassword, verify: verifyPassword },
    },
    disabledPaths: DISABLED_PATHS,
    rateLimit: {
      enabled: true,
      storage: 'memory',
      window: 60,
      max: 200,
      customRules: { '/sign-in/username': { window: 60, max: 10 } },
    },
    advanced: {
      cookiePrefix: 'ym',
      // The custom server puts the socket's address here (server/main.ts); a client cannot choose its own.
      ipAddress: { ipAddressHeaders: ['x-monitor-client-ip'] },
      // Explicit: better-auth skips the origin check when NODE_ENV is test, and tests must see production.
      disableOriginCheck: false,
    },
    plugins: [
      // The same rule as server/auth/users.ts: lower-case letters, digits and . _ -
      username({ minUsernameLength: 2, maxUsernameLength: 64, usernameValidator: (u) => /^[a-z0-9][a-z0-9._-]{1,63}$/i.test(u) }),
      ...(sso
        ? [
            genericOAuth({
              config: [
                {
                  providerId: SSO_PROVIDER_ID,
                  discoveryUrl: env.SSO_DISCOVERY_URL!,
                  clientId: env.SSO_CLIENT_ID!,
                  clientSecret: env.SSO_CLIENT_SECRET!,
                  scopes: ['openid', 'profile', 'email'],
                  pkce: true,
                  mapProfileToUser: (p) => {
                    const login = String(p.preferred_username ?? p.email ?? p.sub ?? p.id ?? '').toLowerCase();
                    return {
                      username: login,
                      name: String(p.name ?? login),
                      email: typeof p.email === 'string' && p.email ? p.email : `${login}@users.invalid`,
                    };
                  },
                },
              ],
            }),
          ]
        : []),
    ],
    hooks: {
      // Disabled and locked accounts are refused before the password is even checked.
      before: createAuthMiddleware(async (ctx) => {
        if (ctx.path !== '/sign-in/username') return;
        const name = String((ctx.body as { username?: unknown } | undefined)?.username ?? '').toLowerCase();
        const user = await db.prisma.user.findUnique({ where: { username: name } });
        if (!user) return;
        if (user.disabled) {
          await auditFailure(name, 'disabled');
          throw new APIError('FORBIDDEN', { message: '账户已停用，请联系管理员 (account disabled)' });
        }
        if (user.lockedUntil && user.lockedUntil.getTime() > Date.now()) {
          await auditFailure(name, 'locked');
          throw new APIError('TOO_MANY_REQUESTS', {
            message: `连续登录失败，账户已锁定至 ${user.lockedUntil.toISOString()} (account locked after repeated failures)`,
          });
        }
      }),
      after: createAuthMiddleware(async (ctx) => {
        if (ctx.path === '/sign-in/username') {
          const name = String((ctx.body as { username?: unknown } | undefined)?.username ?? '').toLowerCase();
          const session = ctx.context.newSession;
          if (session) {
            await db.prisma.user.update({
              where: { id: session.user.id },
              data: { failedSignIns: 0, lockedUntil: null, lastSignInAt: new Date() },
            });
            await db.prisma.auditLog.create({ data: { actor: name, action: 'auth.sign_in', detail: { method: 'password' } } });
            return;
          }
          const returned: unknown = ctx.context.returned;
          if (!isAPIError(returned) || returned.statusCode !== 401) return;
          await auditFailure(name, 'bad credentials');
          const user = await db.prisma.user.findUnique({ where: { username: name } });
          if (!user) return;
          const failures = user.failedSignIns + 1;
          const until = lockUntil(failures, Date.now());
          await db.prisma.user.update({
            where: { id: user.id },
            data: { failedSignIns: failures, ...(until ? { lockedUntil: until } : {}) },
          });
          if (until)
            await db.prisma.auditLog.create({
              data: { actor: name, action: 'auth.locked', detail: { failures, until: until.toISOString() } },
            });
        } else if (ctx.path.startsWith('/oauth2/callback') && ctx.context.newSession) {
          const u = ctx.context.newSession.user as { username?: string | null; email: string };
          await db.prisma.auditLog.create({ data: { actor: u.username ?? u.email, action: 'auth.sign_in', detail: { method: 'sso' } } });
        } else if (ctx.path === '/sign-out') {
          const s = ctx.context.session as { user?: { username?: string | null } } | null;
          if (s?.user?.username) await db.prisma.auditLog.create({ data: { actor: s.user.username, action: 'auth.sign_out' } });
        }
      }),
    },
  });
}

export type Auth = ReturnType<typeof createAuth>;
