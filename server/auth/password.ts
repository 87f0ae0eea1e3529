import { hash, verify } from '@node-rs/argon2';
import { InvalidError } from '@/core/errors';

// argon2id with the OWASP minimum (19 MiB, 2 passes, 1 lane): ~120 ms a hash on this 2-core machine, which
// bounds guessing along with the lockout. better-auth uses these two functions for every password.

const ARGON2ID = 2;
const OPTIONS = { algorithm: ARGON2ID, memoryCost: 19_456, timeCost: 2, parallelism: 1 } as const;

export const hashPassword = (password: string): Promise<string> => hash(password, OPTIONS);

export async function verifyPassword(data: { hash: string; password: string }): Promise<boolean> {
  try {
    return await verify(data.hash, data.password);
  } catch {
    // A malformed stored hash is a failed sign-in, not a crash.
    return false;
  }
}

/** Refuses passwords a person could guess: at least 10 characters, letters and digits. */
export function checkPasswordStrength(password: string): void {
  if (password.length < 10 || password.length > 128) throw new InvalidError('密码长度须为 10–128 位 (password must be 10–128 characters)');
  if (!/[A-Za-z]/.test(password) || !/\d/.test(password)) {
    throw new InvalidError('密码须同时包含字母和数字 (password needs letters and digits)');
  }
}
