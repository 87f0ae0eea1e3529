import type { MessageKey } from '../../_i18n/locale';

/** The message a failed sign-in shows, from better-auth's status and message. */
export function signInError(status: number, message: string | undefined): { key: MessageKey; message?: string } {
  if (status === 401) return { key: 'signin.failed' };
  if (status === 403) return { key: 'signin.disabled' };
  if (status === 429) return { key: message && /锁定|locked/i.test(message) ? 'signin.locked' : 'signin.rateLimited' };
  return { key: 'signin.error', message: message ?? `HTTP ${status}` };
}
