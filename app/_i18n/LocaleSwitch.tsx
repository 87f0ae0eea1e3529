'use client';

import { useRouter } from 'next/navigation';
import { useTransition } from 'react';
import { LOCALE_COOKIE, type Locale } from './locale';
import { useLocale, useT } from './LocaleProvider';

const ONE_YEAR_S = 60 * 60 * 24 * 365;

/** Toggles zh-CN ⇄ en: writes the `locale` cookie and asks the server components to render again. */
export function LocaleSwitch({ className }: { className?: string }) {
  const locale = useLocale();
  const t = useT();
  const router = useRouter();
  const [pending, startTransition] = useTransition();
  const next: Locale = locale === 'en' ? 'zh-CN' : 'en';

  return (
    <button
      type="button"
      className={className}
      data-testid="locale-switch"
      lang={next === 'en' ? 'en' : 'zh-CN'}
      title={t('locale.switchTitle')}
      aria-busy={pending}
      disabled={pending}
      onClick={() => {
        document.cookie = `${LOCALE_COOKIE}=${encodeURIComponent(next)}; path=/; max-age=${ONE_YEAR_S}; samesite=lax`;
        startTransition(() => router.refresh());
      }}
    >
      {t('locale.switchTo')}
    </button>
  );
}
