'use client';

import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useMemo, useState } from 'react';
import type { RuleSpecInput } from '@/server/alerts/spec';
import { useTRPC } from '@/app/_trpc/client';
import { useT } from '../../_i18n/LocaleProvider';
import type { MessageKey } from '../../_i18n/locale';
import type { KpiDefinition, RuleRow } from '../alerts/types';
import type { OrgOption } from './org-options';
import { PreviewPanel } from './PreviewPanel';
import { buildRuleInput, defaultForm, formFromRule, type FormError, type RuleForm } from './rule-form';
import { ruleValueScale } from './rule-values';
import { RuleConditionFields, RuleScheduleFields } from './RuleConditionFields';
import styles from './rules.module.css';
import { RuleBasicFields, RuleTargetFields } from './RuleTargetFields';
import { errorMessage } from './trpc-errors';
import { VersionHistory } from './VersionHistory';
import { PROVINCE } from '@/core/org/divisions';

/** Creates or edits one rule: the form per kind, the 30-day preview, save with a note, the version history. */
export function RuleEditor({
  rule,
  defs,
  orgs,
  onClose,
  onSaved,
}: {
  rule: RuleRow | null;
  defs: KpiDefinition[];
  orgs: OrgOption[];
  onClose: () => void;
  onSaved: (id: string) => void;
}) {
  const t = useT();
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const unitOf = useMemo(() => {
    const m = new Map(defs.map((d) => [d.id, d.unit]));
    return (kpi: string) => m.get(kpi);
  }, [defs]);
  const [form, setForm] = useState<RuleForm>(() =>
    rule ? formFromRule(rule, unitOf) : defaultForm('threshold', orgs[0]?.code ?? PROVINCE.code, defs[0]?.id),
  );
  const [errors, setErrors] = useState<FormError[]>([]);
  const [note, setNote] = useState('');
  const [preview, setPreview] = useState<{ spec: RuleSpecInput; key: string } | null>(null);
  const [savedVersion, setSavedVersion] = useState<number | null>(null);

  const update = (patch: Partial<RuleForm>) => {
    setForm((f) => ({ ...f, ...patch }));
    setSavedVersion(null);
  };
  const errorOf = (field: string) => {
    const e = errors.find((x) => x.field === field);
    return e ? t(`editor.error.${e.code}` as MessageKey) : undefined;
  };
  const scale = ruleValueScale(
    {
      kind: form.kind,
      kpi: form.kpi,
      mode: form.kind === 'compare' ? form.compareMode : form.changeMode,
      check: form.check,
      event: form.event,
    },
    unitOf,
  );
  const built = () => {
    const r = buildRuleInput(form, unitOf);
    setErrors(r.ok ? [] : r.errors);
    return r.ok ? r.rule : null;
  };

  const onDone = async (out: { id: string; version: number }) => {
    setSavedVersion(out.version);
    setNote('');
    await Promise.all([
      queryClient.invalidateQueries({ queryKey: trpc.rules.list.queryKey() }),
      queryClient.invalidateQueries({ queryKey: trpc.rules.get.queryKey({ id: out.id }) }),
    ]);
    onSaved(out.id);
  };
  const create = useMutation(trpc.rules.create.mutationOptions({ onSuccess: onDone }));
  const save = useMutation(trpc.rules.update.mutationOptions({ onSuccess: onDone }));
  const pending = create.isPending || save.isPending;
  const serverError = create.error ?? save.error;

  const submit = () => {
    const r = built();
    if (!r) return;
    const withNote = { ...r, ...(note.trim() ? { note: note.trim() } : {}) };
    if (rule) save.mutate({ id: rule.id, ...withNote });
    else create.mutate(withNote);
  };
  const runPreview = () => {
    const r = built();
    if (r) setPreview({ spec: r.spec, key: JSON.stringify(r.spec) });
  };
  const currentKey = useMemo(() => {
    const r = buildRuleInput(form, unitOf);
    return r.ok ? JSON.stringify(r.rule.spec) : null;
  }, [form, unitOf]);

  const fieldProps = { form, update, errorOf };
  return (
    <section className={styles.editor} data-testid="rule-editor" aria-label={rule ? t('editor.titleEdit') : t('editor.titleNew')}>
      <header className={styles.editorHead}>
        <h2 className={styles.editorTitle}>
          {rule ? `${t('editor.titleEdit')} · ${rule.name}` : t('editor.titleNew')}
          {rule ? <span className={styles.versionTag}>v{savedVersion ?? rule.version}</span> : null}
        </h2>
        <button type="button" className={styles.linkButton} onClick={onClose}>
          {t('editor.close')}
        </button>
      </header>

      <RuleBasicFields {...fieldProps} />
      <RuleTargetFields {...fieldProps} defs={defs} orgs={orgs} />
      <RuleConditionFields {...fieldProps} scale={scale} />
      <RuleScheduleFields {...fieldProps} />

      <div className={styles.actions}>
        <button type="button" className={styles.button} onClick={runPreview} data-testid="rule-preview-button">
          {t('editor.preview')}
        </button>
        <input
          className={`${styles.input} ${styles.noteInput}`}
          value={note}
          placeholder={t('editor.notePlaceholder')}
          aria-label={t('editor.note')}
          maxLength={200}
          data-testid="rule-note"
          onChange={(e) => setNote(e.target.value)}
        />
        <button type="button" className={`${styles.button} ${styles.primary}`} onClick={submit} disabled={pending} data-testid="rule-save">
          {pending ? t('editor.saving') : t('editor.save')}
        </button>
        <button type="button" className={styles.linkButton} onClick={onClose}>
          {t('editor.cancel')}
        </button>
      </div>
      <div className={styles.status} role="status">
        {errors.length ? <span className={styles.fieldError}>{t('editor.error.fix')}</span> : null}
        {serverError ? <span className={styles.fieldError}>{t('editor.error.server', { message: errorMessage(serverError) })}</span> : null}
        {savedVersion !== null ? (
          <span className={styles.saved} data-testid="rule-saved">
            {t('editor.saved', { version: savedVersion })}
          </span>
        ) : null}
      </div>

      {preview ? <PreviewPanel spec={preview.spec} outdated={preview.key !== currentKey} scale={scale} /> : null}
      {rule ? <VersionHistory ruleId={rule.id} /> : null}
    </section>
  );
}
