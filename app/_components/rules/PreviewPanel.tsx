'use client';

import { useQuery } from '@tanstack/react-query';
import type { RuleSpecInput } from '@/server/alerts/spec';
import { useTRPC } from '@/app/_trpc/client';
import { useLocale, useT } from '../../_i18n/LocaleProvider';
import { formatInt, formatPercent } from '../../_i18n/format';
import { formatShortDateTime, formatValue } from '../alerts/alert-figures';
import { SEVERITIES, SEVERITY_COLOR } from '../alerts/severity';
import { SeverityChip } from '../alerts/SeverityChip';
import type { ValueScale } from './rule-values';
import styles from './rules.module.css';
import { errorMessage } from './trpc-errors';

/** "How often would this have fired over the last 30 days?" for the spec last sent with the preview button. */
export function PreviewPanel({ spec, outdated, scale }: { spec: RuleSpecInput; outdated: boolean; scale: ValueScale }) {
  const t = useT();
  const locale = useLocale();
  const trpc = useTRPC();
  const q = useQuery({ ...trpc.rules.preview.queryOptions({ spec, days: 30 }), staleTime: 60_000, retry: false });

  return (
    <section className={styles.preview} data-testid="rule-preview" aria-busy={q.isFetching}>
      <h3 className={styles.previewTitle}>{t('preview.title')}</h3>
      {outdated ? <p className={styles.fieldHint}>{t('preview.outdated')}</p> : null}
      {q.isError ? (
        <p className={styles.fieldError}>{t('preview.error', { message: errorMessage(q.error) })}</p>
      ) : !q.data ? (
        <p className={styles.fieldHint}>{t('preview.loading')}</p>
      ) : !q.data.supported ? (
        <p className={styles.fieldHint} data-testid="preview-unsupported">
          {t('preview.unsupported', { reason: locale === 'en' ? q.data.method.en : q.data.method.zh })}
        </p>
      ) : (
        <>
          <div className={styles.previewSummary}>
            <strong className={styles.previewFired} data-testid="preview-fired">
              {q.data.fired ? t('preview.fired', { n: formatInt(q.data.fired) }) : t('preview.none')}
            </strong>
            {SEVERITIES.map((s) => (
              <span key={s} className={styles.previewSev} style={{ borderColor: SEVERITY_COLOR[s].bg }} data-testid={`preview-${s}`}>
                <SeverityChip severity={s} /> {formatInt(q.data.bySeverity[s])}
              </span>
            ))}
          </div>
          <p className={styles.fieldHint}>
            {t('preview.evaluations', { n: formatInt(q.data.evaluations) })} ·{' '}
            {t('preview.share', { v: formatPercent(q.data.firingShare) })} · {locale === 'en' ? q.data.method.en : q.data.method.zh}
          </p>
          {q.data.samples.length ? (
            <>
              <h4 className={styles.previewSub}>{t('preview.samples')}</h4>
              <div className={styles.previewScroll}>
                <table className={styles.table}>
                  <thead>
                    <tr>
                      <th>{t('preview.col.at')}</th>
                      <th>{t('preview.col.org')}</th>
                      <th>{t('preview.col.severity')}</th>
                      <th className={styles.num}>{t('preview.col.value')}</th>
                    </tr>
                  </thead>
                  <tbody>
                    {q.data.samples.map((s, i) => (
                      <tr key={i}>
                        <td>{formatShortDateTime(s.at)}</td>
                        <td>{s.orgName}</td>
                        <td>
                          <SeverityChip severity={s.severity} />
                        </td>
                        <td className={styles.num}>{formatValue(s.value, scale, t)}</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </div>
            </>
          ) : null}
        </>
      )}
    </section>
  );
}
