'use client';

import type { ReactNode } from 'react';
import { useT } from '../../_i18n/LocaleProvider';
import { LocaleSwitch } from '../../_i18n/LocaleSwitch';
import { UserMenu } from '../auth/UserMenu';
import { AlertToasts } from '../toast/AlertToasts';
import { AdminTabs, AppNav } from './AppNav';
import styles from './shell.module.css';

/** The frame of the desktop pages other than the wall overview: title, navigation, language switch. */
export function PageShell({ title, aside, children, testId }: { title: string; aside?: ReactNode; children: ReactNode; testId?: string }) {
  const t = useT();
  return (
    <div className={styles.root} data-testid={testId}>
      <header className={styles.header}>
        <h1 className={styles.title}>
          {t('app.title')}
          <span className={styles.sep}> · </span>
          {title}
        </h1>
        <div className={styles.headerRight}>
          {aside}
          <AppNav />
          <LocaleSwitch className={styles.localeSwitch} />
          <UserMenu />
        </div>
      </header>
      <AdminTabs />
      <main className={styles.main}>{children}</main>
      <AlertToasts />
    </div>
  );
}
