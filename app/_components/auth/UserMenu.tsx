'use client';

import { useQuery } from '@tanstack/react-query';
import { useTRPC } from '@/app/_trpc/client';
import { useLocale, useT } from '../../_i18n/LocaleProvider';
import styles from './auth.module.css';

/** Who is signed in (name · role · unit) and the sign-out button, in every desktop page's header. */
export function UserMenu() {
  const t = useT();
  const locale = useLocale();
  const trpc = useTRPC();
  const me = useQuery({ ...trpc.auth.me.queryOptions(), staleTime: 60_000 });
  if (!me.data) return null;
  const u = me.data;
  const role = locale === 'en' ? u.roleLabel.en : u.roleLabel.zh;
  const org = locale === 'en' ? (u.orgNameEn ?? u.orgName) : u.orgName;
  async function signOut() {
    await fetch('/api/auth/sign-out', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' }).catch(
      () => undefined,
    );
    // eslint-disable-next-line @next/next/no-location-assign-relative-destination -- a full load on purpose: no cached data of the ended session may survive
    window.location.href = '/sign-in';
  }
  return (
    <div className={styles.user} data-testid="user-menu" aria-label={t('user.menu')}>
      <span data-testid="user-name" title={`${u.id} · ${role} · ${org}`}>
        {u.name}
      </span>
      <span data-testid="user-role" className={styles.userRole}>
        {role === u.name ? org : `${role} · ${org}`}
      </span>
      {u.kind === 'user' && (
        <button type="button" onClick={() => void signOut()} data-testid="sign-out">
          {t('user.signOut')}
        </button>
      )}
    </div>
  );
}
