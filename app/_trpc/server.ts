import { headers } from 'next/headers';
import { createContext } from '@/server/trpc/context';
import { createCaller } from '@/server/trpc/root';

/** Server components call procedures directly, through the same middleware as HTTP callers. */
export async function serverCaller() {
  return createCaller(await createContext({ headers: await headers() }));
}
