'use client';

import type { ReactNode } from 'react';
import styles from './rules.module.css';

/** A labelled form field with its error message underneath. */
export function Field({
  label,
  error,
  hint,
  children,
  wide,
}: {
  label: string;
  error?: string;
  hint?: string;
  children: ReactNode;
  wide?: boolean;
}) {
  return (
    <label className={`${styles.field} ${wide ? styles.fieldWide : ''}`} data-invalid={error ? 'true' : undefined}>
      <span className={styles.fieldLabel}>{label}</span>
      {children}
      {error ? <span className={styles.fieldError}>{error}</span> : hint ? <span className={styles.fieldHint}>{hint}</span> : null}
    </label>
  );
}

/** A select over fixed options. */
export function Choice<V extends string>({
  value,
  options,
  onChange,
  testId,
}: {
  value: V;
  options: readonly { value: V; label: string; disabled?: boolean }[];
  onChange: (v: V) => void;
  testId?: string;
}) {
  return (
    <select className={styles.input} value={value} onChange={(e) => onChange(e.target.value as V)} data-testid={testId}>
      {options.map((o) => (
        <option key={o.value} value={o.value} disabled={o.disabled}>
          {o.label}
        </option>
      ))}
    </select>
  );
}

/** A text input (numbers are typed as text and parsed on save). */
export function TextInput({
  value,
  onChange,
  placeholder,
  testId,
  inputMode,
  size,
}: {
  value: string;
  onChange: (v: string) => void;
  placeholder?: string;
  testId?: string;
  inputMode?: 'decimal' | 'numeric' | 'text';
  size?: 'short';
}) {
  return (
    <input
      className={`${styles.input} ${size === 'short' ? styles.inputShort : ''}`}
      value={value}
      placeholder={placeholder}
      inputMode={inputMode}
      data-testid={testId}
      onChange={(e) => onChange(e.target.value)}
    />
  );
}
