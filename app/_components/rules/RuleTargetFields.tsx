'use client';

import { useLocale, useT } from '../../_i18n/LocaleProvider';
import type { MessageKey } from '../../_i18n/locale';
import { shortDivisionName } from '../../_i18n/format';
import { RULE_KINDS, type RuleKind } from '../alerts/severity';
import type { KpiDefinition } from '../alerts/types';
import { Choice, Field, TextInput } from './form-controls';
import type { OrgOption } from './org-options';
import { KPI_KINDS, OUTAGE_TYPES, RECORD_EVENTS, TIME_CHECKS, type RuleForm, type ScopeBy } from './rule-form';
import styles from './rules.module.css';

export interface FieldsProps {
  form: RuleForm;
  update: (patch: Partial<RuleForm>) => void;
  errorOf: (field: string) => string | undefined;
}

const DOMAIN_ORDER = ['queue', 'call', 'outage', 'arrears', 'work_order'];

/** KPI picker grouped by data domain, with the unit in the label. */
function KpiPicker({
  value,
  defs,
  onChange,
  testId,
  family,
}: {
  value: string;
  defs: KpiDefinition[];
  onChange: (v: string) => void;
  testId: string;
  family?: string;
}) {
  const locale = useLocale();
  const t = useT();
  const shown = family ? defs.filter((d) => d.family.id === family) : defs;
  const domains = DOMAIN_ORDER.filter((d) => shown.some((k) => k.domain === d));
  return (
    <select className={styles.input} value={value} onChange={(e) => onChange(e.target.value)} data-testid={testId}>
      {value === '' ? <option value="">—</option> : null}
      {domains.map((d) => (
        <optgroup
          key={d}
          label={locale === 'en' ? shown.find((k) => k.domain === d)!.family.label.en : shown.find((k) => k.domain === d)!.family.label.zh}
        >
          {shown
            .filter((k) => k.domain === d)
            .map((k) => (
              <option key={k.id} value={k.id}>
                {locale === 'en' ? k.name.en : k.name.zh}（{t(`valueUnitName.${k.unit === 'percent' ? 'percent' : k.unit}` as MessageKey)}）
              </option>
            ))}
        </optgroup>
      ))}
    </select>
  );
}

/** Name, kind and on/off of a rule. */
export function RuleBasicFields({ form, update, errorOf }: FieldsProps) {
  const t = useT();
  return (
    <fieldset className={styles.section}>
      <legend className={styles.sectionTitle}>{t('editor.section.basic')}</legend>
      <div className={styles.grid}>
        <Field label={t('editor.name')} error={errorOf('name')}>
          <TextInput value={form.name} onChange={(name) => update({ name })} testId="rule-name" />
        </Field>
        <Field label={t('editor.nameEn')}>
          <TextInput value={form.nameEn} onChange={(nameEn) => update({ nameEn })} testId="rule-name-en" />
        </Field>
        <Field label={t('editor.kind')}>
          <Choice<RuleKind>
            value={form.kind}
            onChange={(kind) => update({ kind })}
            options={RULE_KINDS.map((k) => ({ value: k, label: t(`kind.${k}` as MessageKey) }))}
            testId="rule-kind"
          />
        </Field>
        <label className={styles.checkField}>
          <input type="checkbox" checked={form.enabled} onChange={(e) => update({ enabled: e.target.checked })} />
          {t('editor.enabled')}
        </label>
      </div>
    </fieldset>
  );
}

/** What the rule watches: the KPI (or record check / event), kind-specific settings, the unit and level. */
export function RuleTargetFields({ form, update, errorOf, defs, orgs }: FieldsProps & { defs: KpiDefinition[]; orgs: OrgOption[] }) {
  const t = useT();
  const isKpi = KPI_KINDS.includes(form.kind);
  const kpi = defs.find((d) => d.id === form.kpi);
  const hallLevel = kpi?.levels.includes('hall') ?? false;
  const dims = kpi?.dimensions.map((d) => d.name).join(', ') || '—';
  const byOptions: { value: ScopeBy; label: string; disabled?: boolean }[] = (['total', 'city', 'county', 'hall'] as const).map((b) => ({
    value: b,
    label: t(`scope.by.${b}`),
    disabled: b === 'hall' && !hallLevel,
  }));
  const orgKnown = orgs.some((o) => o.code === form.orgCode);

  return (
    <fieldset className={styles.section}>
      <legend className={styles.sectionTitle}>{t('editor.section.what')}</legend>
      <div className={styles.grid}>
        {isKpi ? (
          <Field label={t('editor.kpi')} wide>
            <KpiPicker value={form.kpi} defs={defs} onChange={(v) => update({ kpi: v, baseKpi: '' })} testId="rule-kpi" />
          </Field>
        ) : null}
        {form.kind === 'change' ? (
          <>
            <Field label={t('editor.changeMode')}>
              <Choice
                value={form.changeMode}
                onChange={(changeMode) => update({ changeMode })}
                options={(['previous_window', 'versus_kpi'] as const).map((v) => ({ value: v, label: t(`editor.changeMode.${v}`) }))}
              />
            </Field>
            {form.changeMode === 'versus_kpi' ? (
              <Field label={t('editor.baseKpi')} error={errorOf('baseKpi')}>
                <KpiPicker
                  value={form.baseKpi}
                  defs={defs}
                  family={kpi?.family.id}
                  onChange={(baseKpi) => update({ baseKpi })}
                  testId="rule-base-kpi"
                />
              </Field>
            ) : null}
          </>
        ) : null}
        {form.kind === 'compare' ? (
          <>
            <Field label={t('editor.against')}>
              <Choice
                value={form.against}
                onChange={(against) => update({ against })}
                options={(['previous', 'yoy'] as const).map((v) => ({ value: v, label: t(`editor.against.${v}`) }))}
              />
            </Field>
            <Field label={t('editor.compareMode')}>
              <Choice
                value={form.compareMode}
                onChange={(compareMode) => update({ compareMode })}
                options={(['relative', 'difference'] as const).map((v) => ({ value: v, label: t(`editor.compareMode.${v}`) }))}
              />
            </Field>
          </>
        ) : null}
        {form.kind === 'anomaly' ? (
          <>
            <Field label={t('editor.weeks')} error={errorOf('weeks')}>
              <TextInput value={form.weeks} onChange={(weeks) => update({ weeks })} inputMode="numeric" size="short" />
            </Field>
            <Field label={t('editor.direction')}>
              <Choice
                value={form.direction}
                onChange={(direction) => update({ direction })}
                options={(['up', 'down', 'both'] as const).map((v) => ({ value: v, label: t(`editor.direction.${v}`) }))}
              />
            </Field>
            <Field label={t('editor.minSpread')} error={errorOf('minSpread')}>
              <TextInput value={form.minSpread} onChange={(minSpread) => update({ minSpread })} inputMode="decimal" size="short" />
            </Field>
          </>
        ) : null}
        {form.kind === 'time_limit' ? (
          <>
            <Field label={t('editor.check')} wide>
              <Choice
                value={form.check}
                onChange={(check) => update({ check })}
                options={TIME_CHECKS.map((v) => ({ value: v, label: t(`editor.check.${v}`) }))}
                testId="rule-check"
              />
            </Field>
            {form.check === 'outage_notice' ? (
              <div className={styles.checkRow}>
                <span className={styles.fieldLabel}>{t('editor.outageTypes')}</span>
                {OUTAGE_TYPES.map((o) => (
                  <label key={o} className={styles.checkField}>
                    <input
                      type="checkbox"
                      checked={form.outageTypes.includes(o)}
                      onChange={(e) =>
                        update({ outageTypes: e.target.checked ? [...form.outageTypes, o] : form.outageTypes.filter((x) => x !== o) })
                      }
                    />
                    {t(`editor.outage.${o}`)}
                  </label>
                ))}
              </div>
            ) : null}
            {form.check === 'work_order_due' ? (
              <Field label={t('editor.orderTypes')} wide>
                <TextInput value={form.orderTypes} onChange={(orderTypes) => update({ orderTypes })} />
              </Field>
            ) : null}
          </>
        ) : null}
        {form.kind === 'record_event' ? (
          <Field label={t('editor.event')} wide>
            <Choice
              value={form.event}
              onChange={(event) => update({ event })}
              options={RECORD_EVENTS.map((v) => ({ value: v, label: t(`editor.event.${v}`) }))}
              testId="rule-event"
            />
          </Field>
        ) : null}
        {form.kind === 'record_event' && form.event === 'balance_low' ? (
          <label className={styles.checkField}>
            <input type="checkbox" checked={form.keyOnly} onChange={(e) => update({ keyOnly: e.target.checked })} />
            {t('editor.keyOnly')}
          </label>
        ) : null}
        {form.kind === 'correlation' ? (
          <div className={styles.checkRow}>
            <span className={styles.fieldLabel}>{t('editor.linkKinds')}</span>
            {RULE_KINDS.filter((k) => k !== 'correlation').map((k) => (
              <label key={k} className={styles.checkField}>
                <input
                  type="checkbox"
                  checked={form.linkKinds.includes(k)}
                  onChange={(e) => update({ linkKinds: e.target.checked ? [...form.linkKinds, k] : form.linkKinds.filter((x) => x !== k) })}
                />
                {t(`kind.${k}` as MessageKey)}
              </label>
            ))}
          </div>
        ) : null}

        <Field label={t('editor.orgCode')}>
          <select
            className={styles.input}
            value={form.orgCode}
            onChange={(e) => update({ orgCode: e.target.value })}
            data-testid="rule-org"
          >
            {orgKnown ? null : <option value={form.orgCode}>{form.orgCode}</option>}
            {orgs.map((o) => (
              <option key={o.code} value={o.code}>
                {'\u3000'.repeat(o.depth)}
                {shortDivisionName(o.name)}
              </option>
            ))}
          </select>
        </Field>
        {isKpi ? (
          <>
            <Field label={t('editor.by')}>
              <Choice value={form.by} onChange={(by) => update({ by })} options={byOptions} testId="rule-by" />
            </Field>
            {form.by === 'hall' ? (
              <Field label={t('editor.halls')} error={errorOf('halls')} wide>
                <TextInput value={form.halls} onChange={(halls) => update({ halls })} />
              </Field>
            ) : null}
            <Field label={t('editor.filters')} error={errorOf('filters')} hint={t('editor.filtersHint', { dims })} wide>
              <TextInput value={form.filters} onChange={(filters) => update({ filters })} testId="rule-filters" />
            </Field>
          </>
        ) : null}
      </div>
    </fieldset>
  );
}
