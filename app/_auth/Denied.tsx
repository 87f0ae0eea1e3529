'use client';

import { useLocale, useT } from '../_i18n/LocaleProvider';
import { PageShell } from '../_components/nav/PageShell';

/** What a signed-in user sees on a page their role may not open (the API refuses the same with 403). */
export function Denied({ roleLabel }: { roleLabel: { zh: string; en: string } }) {
  const t = useT();
  const locale = useLocale();
  return (
    <PageShell title={t('denied.title')} testId="denied">
      <p role="alert" data-testid="denied-message">
        {t('denied.body', { role: locale === 'en' ? roleLabel.en : roleLabel.zh })}
      </p>
    </PageShell>
  );
}
