'use client';

import Link from 'next/link';
import { usePathname } from 'next/navigation';
import { useT } from '../../_i18n/LocaleProvider';
import type { MessageKey } from '../../_i18n/locale';
import styles from './nav.module.css';

const LINKS: { href: string; label: MessageKey; testId: string }[] = [
  { href: '/', label: 'nav.overview', testId: 'nav-overview' },
  { href: '/alerts', label: 'nav.alerts', testId: 'nav-alerts' },
  { href: '/admin/rules', label: 'nav.rules', testId: 'nav-rules' },
  // The walls: each layout's screen and console are opened from its list.
  { href: '/admin/walls', label: 'nav.walls', testId: 'nav-walls' },
];

/** Links between the product's pages, the current one marked. */
export function AppNav({ className }: { className?: string }) {
  const t = useT();
  const path = usePathname();
  return (
    <nav className={`${styles.nav} ${className ?? ''}`} aria-label={t('nav.label')}>
      {LINKS.map((l) => {
        const current = l.href === '/' ? path === '/' : path?.startsWith(l.href);
        return (
          <Link key={l.href} href={l.href} className={styles.link} data-testid={l.testId} aria-current={current ? 'page' : undefined}>
            {t(l.label)}
          </Link>
        );
      })}
    </nav>
  );
}
