import { forbidden, notFound } from 'next/navigation';
import { requirePermission, trpcCode, type Me } from '../../../_auth/server';
import type { RecordUser } from './types';

// The server half of a record detail page: the principal must hold rows.read (a paired screen never), and the
// record is read through the same procedure the browser then refreshes from. A record of another unit is the
// 403 page and nothing of it is rendered; an unknown id is the 404 page.

export async function recordPrincipal(path: string): Promise<{ me: Me; user: RecordUser }> {
  const me = await requirePermission(path, 'rows.read', { people: true });
  return { me, user: { username: me.id, orgCode: me.orgCode, permissions: [...me.permissions] } };
}

export async function loadRecord<T>(read: () => Promise<T>): Promise<T> {
  try {
    return await read();
  } catch (err) {
    const code = trpcCode(err);
    if (code === 'FORBIDDEN') forbidden();
    if (code === 'NOT_FOUND' || code === 'BAD_REQUEST') notFound();
    throw err;
  }
}

/** A dynamic route segment as text: decoded once more when it still carries escapes, as is when it cannot be. */
export function segment(raw: string): string {
  try {
    return decodeURIComponent(raw);
  } catch {
    return raw;
  }
}
