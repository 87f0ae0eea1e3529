'use client';

import { useT } from '../../_i18n/LocaleProvider';
import type { MessageKey } from '../../_i18n/locale';
import { SEVERITIES, SEVERITY_COLOR, type Severity } from '../alerts/severity';
import { Choice, Field, TextInput } from './form-controls';
import { RECIPIENT_KINDS, type Comparator, type RuleForm, type WindowChoice } from './rule-form';
import type { FieldsProps } from './RuleTargetFields';
import type { ValueScale } from './rule-values';
import styles from './rules.module.css';

const COMPARATORS: { value: Comparator; label: string }[] = [
  { value: '>=', label: '≥' },
  { value: '>', label: '>' },
  { value: '<=', label: '≤' },
  { value: '<', label: '<' },
];

/** One threshold per severity, in the unit people read (percent for fractions). */
function LevelsInput({ form, update, errorOf, scale }: FieldsProps & { scale: ValueScale }) {
  const t = useT();
  const unitName = t(`valueUnitName.${scale.unit}` as MessageKey);
  const suffix = t(`valueUnit.${scale.unit}` as MessageKey).trim();
  return (
    <div className={styles.levels} data-testid="rule-levels">
      <div className={styles.levelsHead}>
        <span className={styles.fieldLabel}>{t('editor.levels')}</span>
        <span className={styles.levelsUnit} data-testid="levels-unit">
          {t('editor.levelsUnit', { unit: unitName })}
        </span>
      </div>
      <div className={styles.levelsRow}>
        {SEVERITIES.map((s) => (
          <label key={s} className={styles.level} data-invalid={errorOf(`levels.${s}`) ? 'true' : undefined}>
            <span className={styles.levelChip} style={{ background: SEVERITY_COLOR[s].bg, color: SEVERITY_COLOR[s].fg }}>
              {t(`severity.${s}` as MessageKey)}
            </span>
            <span className={styles.levelInput}>
              <span className={styles.levelComparator}>{COMPARATORS.find((c) => c.value === form.comparator)?.label}</span>
              <input
                className={styles.input}
                value={form.levels[s]}
                inputMode="decimal"
                data-testid={`level-${s}`}
                onChange={(e) => update({ levels: { ...form.levels, [s]: e.target.value } })}
              />
              <span className={styles.levelSuffix}>{suffix}</span>
            </span>
          </label>
        ))}
      </div>
      <span className={errorOf('levels') ? styles.fieldError : styles.fieldHint}>{errorOf('levels') ?? t('editor.levelsHint')}</span>
    </div>
  );
}

/** The condition: window, comparator, thresholds per severity, minimum records and hysteresis (N/M). */
export function RuleConditionFields(props: FieldsProps & { scale: ValueScale }) {
  const { form, update, errorOf } = props;
  const t = useT();
  const hasPreset = form.kind === 'threshold' || form.kind === 'compare';
  const hasWindow = form.kind !== 'time_limit';
  const hasMinCount = !['time_limit', 'correlation'].includes(form.kind);
  return (
    <fieldset className={styles.section}>
      <legend className={styles.sectionTitle}>{t('editor.section.condition')}</legend>
      <div className={styles.grid}>
        {hasPreset ? (
          <Field label={t('editor.window')}>
            <Choice<WindowChoice>
              value={form.window}
              onChange={(window) => update({ window })}
              options={(['minutes', 'today', 'this_month'] as const).map((v) => ({ value: v, label: t(`editor.window.${v}`) }))}
              testId="rule-window"
            />
          </Field>
        ) : null}
        {hasWindow && (!hasPreset || form.window === 'minutes') ? (
          <Field label={t('editor.windowMinutes')} error={errorOf('windowMinutes')}>
            <TextInput
              value={form.windowMinutes}
              onChange={(windowMinutes) => update({ windowMinutes })}
              inputMode="numeric"
              size="short"
              testId="rule-window-minutes"
            />
          </Field>
        ) : null}
        {hasMinCount ? (
          <Field label={t('editor.minCount')} error={errorOf('minCount')}>
            <TextInput value={form.minCount} onChange={(minCount) => update({ minCount })} inputMode="numeric" size="short" />
          </Field>
        ) : null}
        <Field label={t('editor.comparator')}>
          <Choice<Comparator>
            value={form.comparator}
            onChange={(comparator) => update({ comparator })}
            options={COMPARATORS}
            testId="rule-comparator"
          />
        </Field>
      </div>
      <LevelsInput {...props} />
      <div className={styles.grid}>
        <Field label={t('editor.fireAfter')} error={errorOf('fireAfter')}>
          <TextInput
            value={form.fireAfter}
            onChange={(fireAfter) => update({ fireAfter })}
            inputMode="numeric"
            size="short"
            testId="rule-fire-after"
          />
        </Field>
        <Field label={t('editor.recoverAfter')} error={errorOf('recoverAfter')}>
          <TextInput
            value={form.recoverAfter}
            onChange={(recoverAfter) => update({ recoverAfter })}
            inputMode="numeric"
            size="short"
            testId="rule-recover-after"
          />
        </Field>
        <Field label={t('editor.noDataSeverity')}>
          <Choice<Severity>
            value={form.noDataSeverity}
            onChange={(noDataSeverity) => update({ noDataSeverity })}
            options={SEVERITIES.map((s) => ({ value: s, label: t(`severity.${s}` as MessageKey) }))}
          />
        </Field>
      </div>
    </fieldset>
  );
}

/** When the rule is active (calendar days, hours) and who is told. */
export function RuleScheduleFields({ form, update, errorOf }: FieldsProps) {
  const t = useT();
  const setRecipient = (i: number, patch: Partial<RuleForm['recipients'][number]>) =>
    update({ recipients: form.recipients.map((r, j) => (j === i ? { ...r, ...patch } : r)) });
  return (
    <fieldset className={styles.section}>
      <legend className={styles.sectionTitle}>{t('editor.section.calendar')}</legend>
      <div className={styles.grid}>
        <Field label={t('editor.calendarDays')}>
          <Choice
            value={form.calendarDays}
            onChange={(calendarDays) => update({ calendarDays })}
            options={(['all', 'workdays', 'non_workdays'] as const).map((v) => ({ value: v, label: t(`editor.days.${v}`) }))}
          />
        </Field>
        <div className={styles.hoursRow} data-invalid={errorOf('hours') ? 'true' : undefined}>
          <label className={styles.checkField}>
            <input
              type="checkbox"
              checked={form.hoursOn}
              onChange={(e) => update({ hoursOn: e.target.checked })}
              data-testid="rule-hours-on"
            />
            {t('editor.hoursOn')}
          </label>
          <input
            className={`${styles.input} ${styles.inputShort}`}
            value={form.hoursFrom}
            placeholder="HH:mm"
            aria-label="from"
            disabled={!form.hoursOn}
            onChange={(e) => update({ hoursFrom: e.target.value })}
          />
          <span>{t('editor.hoursTo')}</span>
          <input
            className={`${styles.input} ${styles.inputShort}`}
            value={form.hoursTo}
            placeholder="HH:mm"
            aria-label="to"
            disabled={!form.hoursOn}
            onChange={(e) => update({ hoursTo: e.target.value })}
          />
          {errorOf('hours') ? <span className={styles.fieldError}>{errorOf('hours')}</span> : null}
        </div>
      </div>
      <div className={styles.recipients}>
        <span className={styles.fieldLabel}>{t('editor.recipients')}</span>
        {form.recipients.map((r, i) => (
          <div key={i} className={styles.recipientRow} data-testid="recipient">
            <Choice
              value={r.kind}
              onChange={(kind) => setRecipient(i, { kind })}
              options={RECIPIENT_KINDS.map((k) => ({ value: k, label: t(`editor.recipient.${k}`) }))}
            />
            <TextInput value={r.ref} onChange={(ref) => setRecipient(i, { ref })} placeholder={t('editor.recipient.ref')} />
            <button
              type="button"
              className={styles.linkButton}
              onClick={() => update({ recipients: form.recipients.filter((_, j) => j !== i) })}
            >
              {t('editor.recipient.remove')}
            </button>
          </div>
        ))}
        <button
          type="button"
          className={styles.linkButton}
          disabled={form.recipients.length >= 20}
          onClick={() => update({ recipients: [...form.recipients, { kind: 'duty_officer', ref: '' }] })}
        >
          + {t('editor.recipient.add')}
        </button>
      </div>
    </fieldset>
  );
}
