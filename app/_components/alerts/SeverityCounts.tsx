'use client';

import { useT } from '../../_i18n/LocaleProvider';
import type { MessageKey } from '../../_i18n/locale';
import { formatInt } from '../../_i18n/format';
import styles from './alerts.module.css';
import { SEVERITIES, SEVERITY_COLOR, type Severity } from './severity';

/** Firing alerts per severity, as four tiles; a tile toggles the severity filter. */
export function SeverityCounts({
  counts,
  selected,
  onToggle,
}: {
  counts: Record<Severity, number> | null;
  selected: readonly Severity[];
  onToggle: (s: Severity) => void;
}) {
  const t = useT();
  const total = counts ? SEVERITIES.reduce((a, s) => a + counts[s], 0) : null;
  return (
    <section className={styles.counts} aria-label={t('alerts.counts.label')} data-testid="severity-counts">
      <div className={styles.countTotal}>
        <span className={styles.countLabel}>{t('alerts.counts.total')}</span>
        <span className={styles.countValue} data-testid="count-total">
          {formatInt(total)}
        </span>
      </div>
      {SEVERITIES.map((s) => {
        const on = selected.includes(s);
        const n = counts?.[s] ?? null;
        const level = t(`severity.${s}` as MessageKey);
        return (
          <button
            key={s}
            type="button"
            className={styles.countTile}
            style={{ ['--sev' as string]: SEVERITY_COLOR[s].bg }}
            aria-pressed={on}
            data-active={n ? 'true' : 'false'}
            data-testid={`count-${s}`}
            title={t('alerts.counts.filterTitle', { level })}
            onClick={() => onToggle(s)}
          >
            <span className={styles.countLabel}>{level}</span>
            <span className={styles.countValue}>{formatInt(n)}</span>
          </button>
        );
      })}
    </section>
  );
}
