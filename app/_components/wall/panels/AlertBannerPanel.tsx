'use client';

import { useMemo } from 'react';
import { formatClock } from '../../../_i18n/format';
import { createTranslator, type MessageKey } from '../../../_i18n/locale';
import { alertTitle, severityVars, shortOrgName, sortAlerts } from './alerts-view';
import styles from './panels.module.css';
import { cssVars, type PanelProps } from './types';

/** alert_banner: the most severe active alert on one line, with how many more there are. */
export function AlertBannerPanel({ panel, data, locale }: PanelProps) {
  const t = useMemo(() => createTranslator(locale), [locale]);
  const alerts = useMemo(() => sortAlerts(data?.alerts), [data]);
  const top = alerts[0];
  // How many more are firing: the zone's count per severity, not the few alerts the banner was sent.
  const firing = data?.alertCounts ? Object.values(data.alertCounts).reduce((a, b) => a + b, 0) : alerts.length;
  return (
    <div className={styles.panel} data-testid={`panel-${panel.id}`} data-panel-type="alert_banner">
      {!data?.alerts ? (
        <div className={styles.empty}>{t('wallp.noData')}</div>
      ) : top ? (
        <div className={styles.banner} style={cssVars(severityVars(top.severity))} data-severity={top.severity} role="status">
          <span className={styles.chip}>{t(`severity.${top.severity}` as MessageKey)}</span>
          <span className={styles.bannerText}>
            {shortOrgName(top.orgName)} · {alertTitle(top, locale)}
            {top.condition === 'no_data' ? <span className={styles.muted}> · {t('wallp.alerts.noData')}</span> : null}
          </span>
          <span className={styles.bannerMeta}>
            {t('wallp.alerts.since', { t: formatClock(top.firedAt) })}
            {firing > 1 ? ` · ${t('wallp.alerts.more', { n: firing - 1 })}` : ''}
          </span>
        </div>
      ) : (
        <div className={`${styles.banner} ${styles.quiet}`} role="status">
          {t('wallp.alerts.none')}
        </div>
      )}
    </div>
  );
}
