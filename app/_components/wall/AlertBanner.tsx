'use client';

import { useCallback, useEffect, useState } from 'react';
import { formatClock } from '../../_i18n/format';
import { createTranslator, type Locale } from '../../_i18n/locale';
import { MAX_BANNERS, liveBanners, pushBanner, readBannerEvent, type WallBanner } from './banner-queue';
import styles from './alert-banner.module.css';

/** The live banners, and `push` for the wall stream's `banner` events (each lives 60 s, newest first; three drawn). */
export function useAlertBanners(): { banners: readonly WallBanner[]; push: (data: unknown) => void } {
  const [banners, setBanners] = useState<readonly WallBanner[]>([]);
  const push = useCallback((data: unknown) => {
    const e = readBannerEvent(data);
    if (e) setBanners((list) => pushBanner(list, e, Date.now()));
  }, []);
  useEffect(() => {
    if (!banners.length) return;
    const next = Math.min(...banners.map((b) => b.until));
    const id = window.setTimeout(() => setBanners((list) => liveBanners(list, Date.now())), Math.max(50, next - Date.now()));
    return () => window.clearTimeout(id);
  }, [banners]);
  return { banners, push };
}

/**
 * Red alerts across the top of the wall screen, readable across the hall: sized in canvas px times --u like
 * the rest of the wall, at most three rows (never more than a third of the screen's height).
 */
export function AlertBanner({ banners, locale }: { banners: readonly WallBanner[]; locale: Locale }) {
  if (!banners.length) return null;
  const t = createTranslator(locale);
  return (
    <div className={styles.stack} role="alert" aria-live="assertive">
      {banners.slice(0, MAX_BANNERS).map((b) => (
        <div key={b.eventId} className={styles.banner} data-testid="wall-alert-banner" data-event-id={b.eventId} data-severity={b.severity}>
          <span className={styles.label}>{t('wallBanner.label')}</span>
          <span className={styles.unit}>{b.orgName}</span>
          <span className={styles.title}>{locale === 'en' ? b.titleEn : b.title}</span>
          {b.at ? <span className={styles.time}>{formatClock(new Date(b.at).toISOString())}</span> : null}
        </div>
      ))}
      {banners.length > MAX_BANNERS ? (
        // A burst is not three alerts: the hall sees how many more came in the last minute.
        <div className={styles.more} data-testid="wall-alert-banner-more">
          {t('wallBanner.more', { n: banners.length - MAX_BANNERS })}
        </div>
      ) : null}
    </div>
  );
}
