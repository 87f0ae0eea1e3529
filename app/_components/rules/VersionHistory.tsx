'use client';

import { useQuery } from '@tanstack/react-query';
import { useTRPC } from '@/app/_trpc/client';
import { useT } from '../../_i18n/LocaleProvider';
import { formatShortDateTime } from '../alerts/alert-figures';
import styles from './rules.module.css';
import { showValue, versionChanges } from './version-diff';

const SHOWN_CHANGES = 6;

/** Every saved version of a rule: who, when, the note, and what changed from the version before. */
export function VersionHistory({ ruleId }: { ruleId: string }) {
  const t = useT();
  const trpc = useTRPC();
  const q = useQuery(trpc.rules.get.queryOptions({ id: ruleId }));
  if (!q.data) return <p className={styles.fieldHint}>{q.isError ? q.error.message : t('history.loading')}</p>;
  const versions = q.data.versions; // newest first
  return (
    <section className={styles.history} data-testid="version-history">
      <h3 className={styles.previewTitle}>{t('history.title')}</h3>
      <ol className={styles.historyList}>
        {versions.map((v, i) => {
          const prev = versions[i + 1];
          const changes = versionChanges(prev, v);
          return (
            <li key={v.id} className={styles.historyItem} data-testid="version">
              <div className={styles.historyHead}>
                <span className={styles.versionTag}>v{v.version}</span>
                <span>{v.changedBy}</span>
                <span className={styles.fieldHint}>{formatShortDateTime(v.changedAt)}</span>
                {v.note ? <span className={styles.historyNote}>{t('history.note', { note: v.note })}</span> : null}
              </div>
              {!prev ? (
                <p className={styles.fieldHint}>{t('history.first')}</p>
              ) : changes.length === 0 ? (
                <p className={styles.fieldHint}>{t('history.noChange')}</p>
              ) : (
                <ul className={styles.changes}>
                  {changes.slice(0, SHOWN_CHANGES).map((c) => (
                    <li key={c.path}>
                      <code>{c.path}</code>: {showValue(c.from)} → {showValue(c.to)}
                    </li>
                  ))}
                  {changes.length > SHOWN_CHANGES ? (
                    <li className={styles.fieldHint}>{t('history.more', { n: changes.length - SHOWN_CHANGES })}</li>
                  ) : null}
                </ul>
              )}
            </li>
          );
        })}
      </ol>
    </section>
  );
}
