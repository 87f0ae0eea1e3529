import { getRuntime, type Runtime } from '../runtime';
import { PROVINCE } from '@/core/org/divisions';

export type Role = 'viewer' | 'operator' | 'admin';
export interface SessionUser {
  id: string;
  name: string;
  role: Role;
  /** Org node the user may see (and below); the province for headquarters staff. */
  orgCode: string;
}

export interface Context {
  rt: Runtime;
  user: SessionUser | null;
  headers: Headers;
  /** The clock every procedure reads "now" from, so tests can pin a business day. */
  now: () => number;
}

/**
 * Sign-in arrives with the authentication issue. Until then every request acts as the built-in duty
 * account of the province, with the role BUILTIN_USER_ROLE gives it (admin by default, so the demo can
 * edit rules; operator on a shared screen).
 */
export const BUILTIN_DUTY_USER: SessionUser = { id: 'builtin-duty', name: '值班员', role: 'operator', orgCode: PROVINCE.code };

export async function createContext(opts: { headers: Headers }): Promise<Context> {
  const rt = await getRuntime();
  return { rt, user: { ...BUILTIN_DUTY_USER, role: rt.env.BUILTIN_USER_ROLE }, headers: opts.headers, now: Date.now };
}
