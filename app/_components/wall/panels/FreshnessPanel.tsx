'use client';

import { useMemo } from 'react';
import { formatAge, formatClock, isNum, NO_VALUE } from '../../../_i18n/format';
import { createTranslator } from '../../../_i18n/locale';
import { sortFreshness, sourceName } from './freshness';
import styles from './panels.module.css';
import { cssVars, type PanelProps } from './types';

const cols = (locale: string) => `minmax(0, 1fr) ${locale === 'en' ? '4.6em' : '2.6em'} 5em 3.2em`;

/** freshness: every source with its state, lag and last successful load; late ones first. */
export function FreshnessPanel({ panel, data, locale }: PanelProps) {
  const t = useMemo(() => createTranslator(locale), [locale]);
  const rows = useMemo(() => sortFreshness(data?.freshness), [data]);
  const ok = rows.filter((r) => r.ok).length;
  return (
    <div className={styles.panel} data-testid={`panel-${panel.id}`} data-panel-type="freshness">
      {!data?.freshness || rows.length === 0 ? (
        <div className={styles.empty}>{t('wallp.noData')}</div>
      ) : (
        <div className={styles.fill}>
          <div className={styles.summary}>
            <b className={styles.stat} data-status={ok === rows.length ? 'ok' : 'alarm'}>
              {t('wallp.fresh.summary', { ok, total: rows.length })}
            </b>
          </div>
          <div className={styles.table} style={cssVars({ '--rows': Math.max(rows.length + 1, 8) })}>
            <div className={`${styles.row} ${styles.head}`} style={cssVars({ '--cols': cols(locale) })}>
              <span>{t('wallp.fresh.source')}</span>
              <span />
              <span className={styles.num}>{t('wallp.fresh.lag')}</span>
              <span className={styles.num}>{t('wallp.fresh.last')}</span>
            </div>
            {rows.map((r) => {
              const status = r.ok ? 'ok' : 'alarm';
              return (
                <div
                  key={r.source}
                  className={styles.row}
                  style={cssVars({ '--cols': cols(locale) })}
                  data-status={status}
                  data-source={r.source}
                >
                  <span>
                    <i className={styles.dot} />
                    {sourceName(r.source, locale)}
                  </span>
                  <span className={styles.stat}>
                    {r.lastSuccessAt === null ? t('wallp.fresh.never') : r.ok ? t('wallp.fresh.ok') : t('wallp.fresh.late')}
                  </span>
                  <span className={styles.num}>{isNum(r.lagSeconds) ? formatAge(r.lagSeconds * 1000, t) : NO_VALUE}</span>
                  <span className={`${styles.num} ${styles.muted}`}>{formatClock(r.lastSuccessAt).slice(0, 5)}</span>
                </div>
              );
            })}
          </div>
        </div>
      )}
    </div>
  );
}
