'use client';

import { useT } from '../../_i18n/LocaleProvider';
import type { MessageKey } from '../../_i18n/locale';
import styles from './alerts.module.css';
import { isSeverity, SEVERITY_COLOR } from './severity';

/** The red / orange / yellow / blue chip of an alert; `long` shows 红色 rather than 红. */
export function SeverityChip({ severity, long = false, muted = false }: { severity: string; long?: boolean; muted?: boolean }) {
  const t = useT();
  if (!isSeverity(severity)) return <span className={styles.chip}>{severity}</span>;
  const c = SEVERITY_COLOR[severity];
  return (
    <span
      className={`${styles.chip} ${muted ? styles.chipMuted : ''}`}
      style={muted ? { color: c.bg, borderColor: c.bg } : { background: c.bg, color: c.fg, borderColor: c.bg }}
      data-severity={severity}
    >
      {t(`severity.${long ? '' : 'short.'}${severity}` as MessageKey)}
    </span>
  );
}
