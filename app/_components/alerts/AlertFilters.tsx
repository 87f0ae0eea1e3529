'use client';

import { useT } from '../../_i18n/LocaleProvider';
import type { MessageKey } from '../../_i18n/locale';
import { shortDivisionName } from '../../_i18n/format';
import styles from './alerts.module.css';
import { SEVERITIES, type Severity } from './severity';
import type { CityOption } from './types';

export type StateFilter = 'firing' | 'recovered' | 'all';
const STATES: StateFilter[] = ['firing', 'recovered', 'all'];

/** State, severity and unit (city) filters of the alert list. */
export function AlertFilters({
  state,
  onState,
  severities,
  onSeverities,
  orgCode,
  onOrg,
  cities,
}: {
  state: StateFilter;
  onState: (s: StateFilter) => void;
  severities: readonly Severity[];
  onSeverities: (s: Severity[]) => void;
  orgCode: string;
  onOrg: (code: string) => void;
  cities: CityOption[];
}) {
  const t = useT();
  const filtered = state !== 'firing' || severities.length > 0 || orgCode !== '';
  return (
    <div className={styles.filters} data-testid="alert-filters">
      <fieldset className={styles.filterGroup}>
        <legend className={styles.filterLabel}>{t('alerts.filter.state')}</legend>
        <div className={styles.segmented}>
          {STATES.map((s) => (
            <button key={s} type="button" aria-pressed={state === s} data-testid={`state-${s}`} onClick={() => onState(s)}>
              {t(`alerts.state.${s}` as MessageKey)}
            </button>
          ))}
        </div>
      </fieldset>
      <fieldset className={styles.filterGroup}>
        <legend className={styles.filterLabel}>{t('alerts.filter.severity')}</legend>
        <div className={styles.segmented}>
          {SEVERITIES.map((s) => {
            const on = severities.includes(s);
            return (
              <button
                key={s}
                type="button"
                aria-pressed={on}
                data-severity={s}
                data-testid={`severity-${s}`}
                onClick={() => onSeverities(on ? severities.filter((x) => x !== s) : [...severities, s])}
              >
                {t(`severity.${s}` as MessageKey)}
              </button>
            );
          })}
        </div>
      </fieldset>
      <label className={styles.filterGroup}>
        <span className={styles.filterLabel}>{t('alerts.filter.org')}</span>
        <select className={styles.select} value={orgCode} onChange={(e) => onOrg(e.target.value)} data-testid="org-filter">
          <option value="">{t('alerts.org.all')}</option>
          {cities.map((c) => (
            <option key={c.code} value={c.code}>
              {shortDivisionName(c.name)}
            </option>
          ))}
        </select>
      </label>
      {filtered ? (
        <button
          type="button"
          className={styles.linkButton}
          onClick={() => {
            onState('firing');
            onSeverities([]);
            onOrg('');
          }}
        >
          {t('alerts.filter.clear')}
        </button>
      ) : null}
    </div>
  );
}
