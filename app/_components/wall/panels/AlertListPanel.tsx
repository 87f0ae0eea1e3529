'use client';

import { useMemo, useRef } from 'react';
import { formatClock } from '../../../_i18n/format';
import { createTranslator, type MessageKey } from '../../../_i18n/locale';
import { alertTitle, severityVars, shortOrgName, sortAlerts } from './alerts-view';
import styles from './panels.module.css';
import { rowsThatFit } from './queue-board';
import { cssVars, type PanelProps } from './types';
import { usePanelSize } from './usePanelSize';

/** The severity chip's column fits "红" or "Orange". */
const cols = (locale: string) => `${locale === 'en' ? '4.6em' : '2.4em'} minmax(0, 1fr) minmax(0, 2.4fr) 3.4em`;

/** alert_list: active alerts, most severe first: severity, unit, alert and its condition, since when. */
export function AlertListPanel({ panel, data, locale }: PanelProps) {
  const t = useMemo(() => createTranslator(locale), [locale]);
  const ref = useRef<HTMLDivElement>(null);
  const size = usePanelSize(ref);
  const alerts = useMemo(() => sortAlerts(data?.alerts), [data]);
  const limit = rowsThatFit(size?.height, 84, 16);
  const shown = alerts.slice(0, limit);
  return (
    <div ref={ref} className={styles.panel} data-testid={`panel-${panel.id}`} data-panel-type="alert_list">
      {!data?.alerts ? (
        <div className={styles.empty}>{t('wallp.noData')}</div>
      ) : alerts.length === 0 ? (
        <div className={styles.empty}>{t('wallp.alerts.none')}</div>
      ) : (
        <div className={styles.fill}>
          <div className={styles.table} style={cssVars({ '--rows': limit })}>
            {shown.map((a) => (
              <div
                key={a.id}
                className={`${styles.row} ${styles.alertRow}`}
                style={cssVars({ '--cols': cols(locale), ...severityVars(a.severity) })}
                data-severity={a.severity}
              >
                <span>
                  <span className={styles.chip}>{t(`severity.short.${a.severity}` as MessageKey)}</span>
                </span>
                <span>{shortOrgName(a.orgName)}</span>
                <span className={styles.alertText}>
                  <span>{alertTitle(a, locale)}</span>
                  {a.condition === 'no_data' ? <span className={styles.alertCond}>{t('wallp.alerts.noData')}</span> : null}
                </span>
                <span className={`${styles.num} ${styles.muted}`}>{formatClock(a.firedAt).slice(0, 5)}</span>
              </div>
            ))}
          </div>
          {alerts.length > shown.length ? (
            <div className={styles.note}>{t('wallp.alerts.more', { n: alerts.length - shown.length })}</div>
          ) : null}
        </div>
      )}
    </div>
  );
}
