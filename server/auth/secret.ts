import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';

// The session-signing secret: AUTH_SECRET when set; else one generated on the first start and kept in
// DATA_DIR/auth-secret (mode 600), so sessions survive a restart without anyone choosing a secret.

export function authSecret(configured: string | undefined, dataDir: string, persist: boolean): string {
  if (configured) return configured;
  if (!persist) return randomBytes(32).toString('base64url');
  const file = path.join(dataDir, 'auth-secret');
  try {
    const s = readFileSync(file, 'utf8').trim();
    if (s.length >= 32) return s;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
  const s = randomBytes(32).toString('base64url');
  mkdirSync(dataDir, { recursive: true });
  writeFileSync(file, s, { mode: 0o600 });
  return s;
}
