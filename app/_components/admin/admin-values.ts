// Pure helpers behind the user, service token and screen administration pages: form → procedure input,
// row state, the org picker's options within the administrator's scope. The server decides; these only
// shape input and give early hints (the server's own message is always shown when it refuses).
import type { OrgOption } from '../rules/org-options';

// ---- org scope ----

/** An org code as the server accepts it: 2–9 digits (province 2, city 4, county 6, hall 9). */
export const isOrgCode = (code: string) => /^\d{2,9}$/.test(code);

/** Whether `code` is the scope node or below it (org codes nest by prefix). */
export const inScope = (scope: string, code: string) => code.startsWith(scope);

/** The picker's options an administrator scoped to `scope` may choose (their node and below). */
export function scopedOrgOptions(options: readonly OrgOption[], scope: string): OrgOption[] {
  return options.filter((o) => inScope(scope, o.code));
}

// ---- users ----

export type PasswordProblem = 'length' | 'mix';

/** The server's password rule (10–128 characters, letters and digits), for a hint before sending. */
export function passwordProblem(password: string): PasswordProblem | null {
  if (password.length < 10 || password.length > 128) return 'length';
  if (!/[A-Za-z]/.test(password) || !/\d/.test(password)) return 'mix';
  return null;
}

export type UserState = 'active' | 'locked' | 'disabled';

/** Disabled wins over locked; a lockout in the past is over. */
export function userState(u: { disabled: boolean; lockedUntil: string | null }, now: number): UserState {
  if (u.disabled) return 'disabled';
  if (u.lockedUntil && new Date(u.lockedUntil).getTime() > now) return 'locked';
  return 'active';
}

export interface NewUserForm {
  username: string;
  displayName: string;
  role: string;
  orgCode: string;
  email: string;
  password: string;
}

/** The create form as users.create input: trimmed, a blank e-mail left out. */
export function newUserInput<R extends string>(f: NewUserForm & { role: R }) {
  const email = f.email.trim();
  return {
    username: f.username.trim(),
    displayName: f.displayName.trim(),
    role: f.role,
    orgCode: f.orgCode.trim(),
    ...(email ? { email } : {}),
    password: f.password,
  };
}

export interface UserEditForm<R extends string = string> {
  displayName: string;
  role: R;
  orgCode: string;
}

/** Only what changed, for users.update (an unchanged role or org must not end the user's sessions). */
export function userPatch<R extends string>(
  before: { displayName: string; role: string; orgCode: string },
  f: UserEditForm<R>,
): { displayName?: string; role?: R; orgCode?: string } {
  const displayName = f.displayName.trim();
  const orgCode = f.orgCode.trim();
  return {
    ...(displayName !== before.displayName ? { displayName } : {}),
    ...(f.role !== before.role ? { role: f.role } : {}),
    ...(orgCode !== before.orgCode ? { orgCode } : {}),
  };
}

// ---- tokens and screens ----

export type TokenState = 'active' | 'expired' | 'revoked';

export function tokenState(t: { revokedAt: string | null; expiresAt: string | null }, now: number): TokenState {
  if (t.revokedAt) return 'revoked';
  if (t.expiresAt && new Date(t.expiresAt).getTime() <= now) return 'expired';
  return 'active';
}

/** How a token is recognised in lists: its stored first characters, never the secret. */
export const maskedToken = (prefix: string) => `${prefix}…`;

/** The expiry field: blank = until revoked; otherwise whole days 1–3650. */
export function parseExpiryDays(text: string): { ok: true; days: number | undefined } | { ok: false } {
  const s = text.trim();
  if (!s) return { ok: true, days: undefined };
  if (!/^\d{1,4}$/.test(s)) return { ok: false };
  const days = Number(s);
  return days >= 1 && days <= 3650 ? { ok: true, days } : { ok: false };
}

/** A pairing code as typed ("ab3-k7p") in the form the screen shows it ("AB3K7P"). */
export const normalisePairCode = (code: string) => code.toUpperCase().replace(/[^A-Z0-9]/g, '');

/** Whether the approve form may be sent: code of 4–12 characters, a layout, a name. */
export function canApprove(f: { code: string; layoutId: string; name: string }): boolean {
  const n = normalisePairCode(f.code).length;
  return n >= 4 && n <= 12 && f.layoutId !== '' && f.name.trim() !== '';
}
