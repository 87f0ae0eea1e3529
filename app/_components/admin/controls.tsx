'use client';

import { useId, useMemo, type ReactNode } from 'react';
import { PERSON_ROLES, ROLE_LABELS, isRole, type PersonRole } from '@/server/auth/roles';
import { useLocale, useT } from '../../_i18n/LocaleProvider';
import { orgNameOf, orgOptions, type OrgOption } from '../rules/org-options';
import { inScope, isOrgCode, scopedOrgOptions } from './admin-values';
import styles from './admin.module.css';
import type { OrgTree } from './org-tree';

/** A labelled field with a hint or an error underneath. */
export function Field({ label, hint, error, children }: { label: string; hint?: string; error?: string | null; children: ReactNode }) {
  return (
    <label className={styles.field}>
      <span className={styles.fieldLabel}>{label}</span>
      {children}
      {error ? <span className={styles.fieldError}>{error}</span> : hint ? <span className={styles.fieldHint}>{hint}</span> : null}
    </label>
  );
}

/** A role's label in the current language (the code itself for a role this build does not know). */
export function useRoleLabel(): (role: string) => string {
  const locale = useLocale();
  return (role) => (isRole(role) ? ROLE_LABELS[role][locale === 'en' ? 'en' : 'zh'] : role);
}

/** A select over the roles a person (or a service token) can hold. */
export function RoleSelect({ value, onChange, testId }: { value: PersonRole; onChange: (r: PersonRole) => void; testId?: string }) {
  const label = useRoleLabel();
  return (
    <select className={styles.input} value={value} onChange={(e) => onChange(e.target.value as PersonRole)} data-testid={testId}>
      {PERSON_ROLES.map((r) => (
        <option key={r} value={r}>
          {label(r)}
        </option>
      ))}
    </select>
  );
}

/** The org tree within the administrator's scope, and a code → name lookup over the whole tree. */
export function useOrgs(tree: OrgTree, scope: string): { options: OrgOption[]; orgName: (code: string) => string } {
  return useMemo(() => {
    const all = orgOptions(tree.province, tree.cities);
    return { options: scopedOrgOptions(all, scope), orgName: orgNameOf(all) };
  }, [tree, scope]);
}

/** "昆明市（5301）", or the code alone for a unit outside the tree (a hall). */
export function orgLabel(orgName: (code: string) => string, code: string): string {
  const name = orgName(code);
  return name === code ? code : `${name}（${code}）`;
}

/** What is wrong with an org code typed or picked, if anything (the server checks again, and that it exists). */
export function useOrgProblem(code: string, scope: string): string | null {
  const t = useT();
  if (!isOrgCode(code)) return t('admin.orgCodeInvalid');
  if (!inScope(scope, code)) return t('admin.orgOutOfScope', { scope });
  return null;
}

/**
 * The unit picker: the province, cities and counties within scope in a select, and the code beside it, which
 * can be typed (a hall's 9-digit code, or any unit). Both edit the same value.
 */
export function OrgPicker({
  value,
  onChange,
  options,
  scope,
  testId,
  showProblem,
}: {
  value: string;
  onChange: (code: string) => void;
  options: readonly OrgOption[];
  scope: string;
  testId: string;
  /** Show a wrong code's message (after the user touched the field or tried to send). */
  showProblem: boolean;
}) {
  const t = useT();
  const id = useId();
  const problem = useOrgProblem(value.trim(), scope);
  const listed = options.some((o) => o.code === value.trim());
  return (
    <div className={styles.field}>
      <label className={styles.fieldLabel} htmlFor={`${id}-select`}>
        {t('admin.org')}
      </label>
      <div className={styles.orgRow}>
        <select
          id={`${id}-select`}
          className={styles.input}
          value={listed ? value.trim() : ''}
          onChange={(e) => {
            if (e.target.value) onChange(e.target.value);
          }}
          data-testid={`${testId}-select`}
        >
          <option value="">{options.length ? t('admin.orgOther') : t('admin.orgPick')}</option>
          {options.map((o) => (
            <option key={o.code} value={o.code}>
              {'\u3000'.repeat(o.depth)}
              {o.name}
            </option>
          ))}
        </select>
        <input
          className={`${styles.input} ${styles.orgCode} ${styles.mono}`}
          aria-label={t('admin.orgCode')}
          value={value}
          inputMode="numeric"
          maxLength={9}
          onChange={(e) => onChange(e.target.value.replace(/\D/g, ''))}
          aria-invalid={showProblem && problem ? true : undefined}
          data-testid={`${testId}-code`}
        />
      </div>
      {showProblem && problem ? (
        <span className={styles.fieldError}>{problem}</span>
      ) : (
        <span className={styles.fieldHint}>{t('admin.orgCodeHint')}</span>
      )}
    </div>
  );
}

/** A status message: success in green, failure in red (announced to screen readers). */
export function Notice({ notice, testId }: { notice: { ok: boolean; text: string } | null; testId: string }) {
  if (!notice) return null;
  return (
    <p className={notice.ok ? styles.ok : styles.error} role={notice.ok ? 'status' : 'alert'} data-testid={testId}>
      {notice.text}
    </p>
  );
}
