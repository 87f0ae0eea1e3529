'use client';

import { useQuery } from '@tanstack/react-query';
import Link from 'next/link';
import { usePathname } from 'next/navigation';
import type { Permission } from '@/server/auth/roles';
import { useTRPC } from '@/app/_trpc/client';
import { useT } from '../../_i18n/LocaleProvider';
import type { MessageKey } from '../../_i18n/locale';
import styles from './nav.module.css';

/** Each link shows only to roles whose grants include its permission (the pages and API refuse the rest). */
const LINKS: { href: string; label: MessageKey; testId: string; perm: Permission }[] = [
  { href: '/', label: 'nav.home', testId: 'nav-overview', perm: 'kpi.read' },
  { href: '/queue', label: 'nav.queue', testId: 'nav-queue', perm: 'kpi.read' },
  { href: '/calls', label: 'nav.calls', testId: 'nav-calls', perm: 'kpi.read' },
  { href: '/outages', label: 'nav.outages', testId: 'nav-outages', perm: 'kpi.read' },
  { href: '/arrears', label: 'nav.arrears', testId: 'nav-arrears', perm: 'kpi.read' },
  { href: '/work-orders', label: 'nav.workOrders', testId: 'nav-work-orders', perm: 'kpi.read' },
  { href: '/alerts', label: 'nav.alerts', testId: 'nav-alerts', perm: 'alerts.read' },
  { href: '/duty', label: 'nav.duty', testId: 'nav-duty', perm: 'duty.read' },
  { href: '/reports', label: 'nav.reports', testId: 'nav-reports', perm: 'kpi.read' },
  { href: '/admin/rules', label: 'nav.rules', testId: 'nav-rules', perm: 'rules.read' },
  // The walls: each layout's screen and console are opened from its list.
  { href: '/admin/walls', label: 'nav.walls', testId: 'nav-walls', perm: 'wall.read' },
];

/** Administration pages: one 系统管理 link in the bar (to the first the role may open), tabs on the pages. */
export const ADMIN_LINKS: { href: string; label: MessageKey; testId: string; perm: Permission }[] = [
  { href: '/admin/users', label: 'nav.users', testId: 'nav-users', perm: 'users.manage' },
  { href: '/admin/tokens', label: 'nav.tokens', testId: 'nav-tokens', perm: 'tokens.manage' },
  { href: '/admin/screens', label: 'nav.screens', testId: 'nav-screens', perm: 'screens.manage' },
  { href: '/admin/audit', label: 'nav.audit', testId: 'nav-audit', perm: 'audit.read' },
  { href: '/admin/duty', label: 'nav.dutyAdmin', testId: 'nav-duty-admin', perm: 'duty.read' },
];

/** Links between the product's pages, the current one marked. */
export function AppNav({ className }: { className?: string }) {
  const t = useT();
  const path = usePathname();
  const trpc = useTRPC();
  const me = useQuery({ ...trpc.auth.me.queryOptions(), staleTime: 60_000 });
  const granted = new Set<string>(me.data?.permissions ?? []);
  const admin = ADMIN_LINKS.find((l) => granted.has(l.perm));
  const links = [
    ...LINKS.filter((l) => granted.has(l.perm)),
    ...(admin ? [{ ...admin, label: 'nav.admin' as const, testId: 'nav-admin', prefix: '/admin/(users|tokens|screens|audit|duty)' }] : []),
  ];
  return (
    <nav className={`${styles.nav} ${className ?? ''}`} aria-label={t('nav.label')}>
      {links.map((l) => {
        const current =
          'prefix' in l ? new RegExp(`^${l.prefix}`).test(path ?? '') : l.href === '/' ? path === '/' : path?.startsWith(l.href);
        return (
          <Link key={l.href} href={l.href} className={styles.link} data-testid={l.testId} aria-current={current ? 'page' : undefined}>
            {t(l.label)}
          </Link>
        );
      })}
    </nav>
  );
}

/** The tabs between the administration pages, shown under their header. */
export function AdminTabs() {
  const t = useT();
  const path = usePathname();
  const trpc = useTRPC();
  const me = useQuery({ ...trpc.auth.me.queryOptions(), staleTime: 60_000 });
  const granted = new Set<string>(me.data?.permissions ?? []);
  if (!ADMIN_LINKS.some((l) => path?.startsWith(l.href))) return null;
  return (
    <nav className={styles.tabs} aria-label={t('nav.admin')}>
      {ADMIN_LINKS.filter((l) => granted.has(l.perm)).map((l) => (
        <Link
          key={l.href}
          href={l.href}
          className={styles.link}
          data-testid={l.testId}
          aria-current={path?.startsWith(l.href) ? 'page' : undefined}
        >
          {t(l.label)}
        </Link>
      ))}
    </nav>
  );
}
