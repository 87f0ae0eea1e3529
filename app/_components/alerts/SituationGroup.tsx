'use client';

import { useT } from '../../_i18n/LocaleProvider';
import type { SpecShape } from '../rules/rule-values';
import { AlertCard } from './AlertCard';
import type { AlertEntry } from './alert-list';
import styles from './alerts.module.css';
import { SeverityChip } from './SeverityChip';
import type { AlertItem } from './types';

/** Alerts joined into one situation (关联研判): the alert that opened it, then the alerts linked to it. */
export function SituationGroup({
  entry,
  specOf,
  unitOf,
  now,
}: {
  entry: Extract<AlertEntry<AlertItem>, { type: 'situation' }>;
  specOf: (ruleId: string) => SpecShape | undefined;
  unitOf: (kpi: string) => string | undefined;
  now: number;
}) {
  const t = useT();
  return (
    <section className={styles.situation} data-testid="situation" data-firing={entry.firing}>
      <header className={styles.situationHead}>
        <span className={styles.situationTag}>{t('alerts.situation')}</span>
        {entry.worst ? <SeverityChip severity={entry.worst} long muted={!entry.firing} /> : null}
        <span className={styles.situationCount}>{t('alerts.situation.members', { n: entry.members.length })}</span>
        {entry.head ? null : <span className={styles.drillNote}>{t('alerts.situation.headMissing')}</span>}
      </header>
      <div className={styles.situationBody}>
        {entry.head ? <AlertCard alert={entry.head} spec={specOf(entry.head.ruleId)} unitOf={unitOf} now={now} /> : null}
        {entry.members.length ? (
          <div className={styles.situationMembers}>
            {entry.members.map((a) => (
              <AlertCard key={a.id} alert={a} spec={specOf(a.ruleId)} unitOf={unitOf} now={now} />
            ))}
          </div>
        ) : null}
      </div>
    </section>
  );
}
