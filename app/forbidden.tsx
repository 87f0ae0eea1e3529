'use client';

import { useQuery } from '@tanstack/react-query';
import { useTRPC } from './_trpc/client';
import { Denied } from './_auth/Denied';

/** 403: a signed-in principal whose role may not open the page (forbidden() in app/_auth/server.ts). */
export default function Forbidden() {
  const trpc = useTRPC();
  const me = useQuery({ ...trpc.auth.me.queryOptions(), retry: false });
  return <Denied roleLabel={me.data?.roleLabel ?? { zh: '—', en: '—' }} />;
}
