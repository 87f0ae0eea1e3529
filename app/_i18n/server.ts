import { cookies } from 'next/headers';
import { LOCALE_COOKIE, resolveLocale, type Locale } from './locale';

/** The request's UI locale from the `locale` cookie (server components, route handlers). zh-CN by default. */
export async function getLocale(): Promise<Locale> {
  const store = await cookies();
  return resolveLocale(store.get(LOCALE_COOKIE)?.value);
}
