'use client';

import { useEffect, useRef, type ReactNode } from 'react';
import styles from './duty.module.css';

/**
 * A small modal dialog on the native <dialog>: showModal() keeps focus inside and Esc closes it (as does the
 * close button); the first field is focused on open.
 */
export function Dialog({ title, onClose, children, testId }: { title: string; onClose: () => void; children: ReactNode; testId?: string }) {
  const ref = useRef<HTMLDialogElement>(null);
  useEffect(() => {
    const d = ref.current;
    if (!d) return;
    if (!d.open) {
      if (typeof d.showModal === 'function') d.showModal();
      else d.setAttribute('open', '');
    }
    const first = d.querySelector<HTMLElement>('input, textarea, select, button:not([data-dialog-close])');
    first?.focus();
    return () => {
      if (d.open) d.close();
    };
  }, []);
  return (
    <dialog
      ref={ref}
      className={styles.dialog}
      aria-labelledby="duty-dialog-title"
      data-testid={testId}
      onCancel={(e) => {
        e.preventDefault();
        onClose();
      }}
      onKeyDown={(e) => {
        if (e.key === 'Escape') {
          e.preventDefault();
          onClose();
        }
      }}
    >
      <h2 id="duty-dialog-title" className={styles.dialogTitle}>
        {title}
      </h2>
      {children}
    </dialog>
  );
}
