import type { Env } from '@/core/env';
import type { Db } from '../db/client';
import { createAuth, type Auth } from './better-auth';
import { AuthEvents } from './events';
import { resolvePrincipal, type Resolution } from './resolve';
import { UserAdmin } from './users';

// Identity as one service of the runtime: better-auth for people, tokens for scripts and screens, the
// revocation feed, user administration.

export class AuthService {
  readonly events = new AuthEvents();
  readonly users: UserAdmin;
  private instance: Auth | null = null;

  constructor(private readonly deps: { db: Db; env: Env; secret: string }) {
    this.users = new UserAdmin(deps.db, this.events);
  }

  /** better-auth, built on first use: a runtime without a relational store (some tests) never needs it. */
  get auth(): Auth {
    return (this.instance ??= createAuth(this.deps));
  }

  resolve(headers: Headers, now: number): Promise<Resolution> {
    return resolvePrincipal({ db: this.deps.db, env: this.deps.env, auth: this.auth }, headers, now);
  }

  get ssoEnabled(): boolean {
    return !!this.deps.env.SSO_DISCOVERY_URL;
  }

  get ssoName(): string {
    return this.deps.env.SSO_NAME;
  }
}
