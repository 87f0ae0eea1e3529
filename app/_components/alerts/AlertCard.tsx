'use client';

import { useState } from 'react';
import { useLocale, useT } from '../../_i18n/LocaleProvider';
import type { MessageKey } from '../../_i18n/locale';
import { formatAge } from '../../_i18n/format';
import type { SpecShape } from '../rules/rule-values';
import { alertFigures, formatShortDateTime } from './alert-figures';
import { kpiRowsInput } from './alert-list';
import styles from './alerts.module.css';
import { DrillRows } from './DrillRows';
import { SeverityChip } from './SeverityChip';
import type { AlertItem } from './types';

/** One alert: severity, what happened, its figures, when it fired and recovered, and the records behind it. */
export function AlertCard({
  alert,
  spec,
  unitOf,
  now,
}: {
  alert: AlertItem;
  spec: SpecShape | undefined;
  unitOf: (kpi: string) => string | undefined;
  now: number;
}) {
  const t = useT();
  const locale = useLocale();
  const [open, setOpen] = useState(false);
  const noData = alert.condition === 'no_data';
  const firing = alert.state === 'firing';
  const figures = alertFigures(alert, spec, unitOf, t);
  const drill = kpiRowsInput(alert.drill);
  const record =
    alert.drill && (alert.drill as { kind?: string }).kind === 'record' ? (alert.drill as { table: string; id: string }) : null;
  const title = locale === 'en' ? (alert.titleEn ?? alert.title) : alert.title;
  const ruleName = locale === 'en' ? (alert.ruleNameEn ?? alert.ruleName) : alert.ruleName;
  const fired = Date.parse(alert.firedAt);
  const ended = alert.recoveredAt ? Date.parse(alert.recoveredAt) : now;

  return (
    <article
      className={styles.card}
      data-testid="alert-card"
      data-state={alert.state}
      data-condition={alert.condition}
      data-severity={alert.severity}
      style={{ ['--sev' as string]: `var(--sev-${alert.severity})` }}
    >
      <div className={styles.cardHead}>
        <SeverityChip severity={alert.severity} muted={!firing} />
        {noData ? (
          <span className={styles.noData} title={t('alerts.noDataTitle')} data-testid="no-data-badge">
            {t('alerts.noData')}
          </span>
        ) : null}
        <h3 className={styles.cardTitle}>{title}</h3>
        <span className={styles.times}>
          <span>{t('alerts.firedAt', { time: formatShortDateTime(alert.firedAt) })}</span>
          {alert.recoveredAt ? <span>{t('alerts.recoveredAt', { time: formatShortDateTime(alert.recoveredAt) })}</span> : null}
          <span className={styles.age}>{t(firing ? 'alerts.ongoing' : 'alerts.lasted', { age: formatAge(ended - fired, t) })}</span>
        </span>
        <span className={styles.stateTag} data-state={alert.state}>
          {t(
            firing ? 'alerts.state.firing' : alert.closeReason === 'rule_disabled' ? 'alerts.state.ruleDisabled' : 'alerts.state.recovered',
          )}
        </span>
      </div>
      <div className={styles.cardBody}>
        <span className={styles.cardMeta}>
          <span>{alert.orgName}</span>
          <span>{t('alerts.rule', { name: ruleName })}</span>
          <span>{t(`kind.${alert.kind}` as MessageKey)}</span>
        </span>
        {figures.length ? (
          <dl className={styles.figures}>
            {figures.map((f) => (
              <div key={f.key} className={styles.figure} data-key={f.key}>
                <dt>{f.label}</dt>
                <dd>{f.text}</dd>
              </div>
            ))}
          </dl>
        ) : null}
        {drill ? (
          <button
            type="button"
            className={styles.linkButton}
            aria-expanded={open}
            data-testid="drill-toggle"
            onClick={() => setOpen(!open)}
          >
            {open ? t('alerts.drill.hide') : t('alerts.drill.show')}
          </button>
        ) : record ? (
          <span className={styles.drillNote}>
            {t('alerts.drill.record', { table: t(`alerts.table.${record.table}` as MessageKey), id: record.id })}
          </span>
        ) : null}
      </div>
      {drill && open ? <DrillRows drill={alert.drill} /> : null}
    </article>
  );
}
