'use client';

import { useId } from 'react';
import styles from './home.module.css';

/** "ⓘ" marker with a hover/focus popover explaining how a number is computed (also exposed as its title). */
export function InfoTip({ text, label, align = 'start' }: { text: string; label: string; align?: 'start' | 'end' }) {
  const id = useId();
  return (
    <span className={styles.info} tabIndex={0} role="button" aria-label={label} aria-describedby={id} data-align={align}>
      <span aria-hidden="true">i</span>
      <span role="tooltip" id={id} className={styles.tip}>
        {text}
      </span>
    </span>
  );
}
