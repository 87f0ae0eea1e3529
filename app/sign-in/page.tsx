import type { Metadata } from 'next';
import { redirect } from 'next/navigation';
import { getRuntime } from '@/server/runtime';
import { currentUser } from '../_auth/server';
import { SignInForm } from '../_components/auth/SignInForm';
import { safeNext } from '../_components/auth/safe-next';

export const metadata: Metadata = { title: '登录 · 营销智能监控指挥中心' };
export const dynamic = 'force-dynamic';

/** The one page open to everyone: user name and password, or the utility's single sign-on when configured. */
export default async function SignInPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const next = safeNext((await searchParams).next);
  if (await currentUser()) redirect(next);
  const rt = await getRuntime();
  return <SignInForm next={next} sso={rt.auth.ssoEnabled ? { name: rt.auth.ssoName } : null} />;
}
