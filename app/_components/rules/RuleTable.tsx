'use client';

import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useTRPC } from '@/app/_trpc/client';
import { useLocale, useT } from '../../_i18n/LocaleProvider';
import { shortDivisionName } from '../../_i18n/format';
import { formatShortDateTime } from '../alerts/alert-figures';
import { SeverityChip } from '../alerts/SeverityChip';
import type { RuleRow } from '../alerts/types';
import styles from './rules.module.css';
import { errorMessage } from './trpc-errors';

/** On/off switch of a rule (rules.setEnabled: a new version; switching off ends its open alerts). */
function EnabledToggle({ rule }: { rule: RuleRow }) {
  const t = useT();
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const m = useMutation(
    trpc.rules.setEnabled.mutationOptions({
      onSettled: () => queryClient.invalidateQueries({ queryKey: trpc.rules.pathKey() }),
    }),
  );
  const checked = m.isPending ? !rule.enabled : rule.enabled;
  return (
    <label className={styles.switch} title={m.error ? errorMessage(m.error) : t('rules.toggleTitle')}>
      <input
        type="checkbox"
        role="switch"
        checked={checked}
        disabled={m.isPending}
        aria-label={`${rule.name} · ${t('rules.col.enabled')}`}
        data-testid="rule-enabled"
        onChange={(e) => m.mutate({ id: rule.id, enabled: e.target.checked })}
      />
      <span className={styles.switchTrack} aria-hidden />
    </label>
  );
}

function RuleState({ rule }: { rule: RuleRow }) {
  const t = useT();
  if (!rule.valid) return <span className={styles.stateInvalid}>{t('rules.invalid')}</span>;
  if (rule.state === 'off') return <span className={styles.stateOff}>{t('rules.state.off')}</span>;
  if (rule.state === 'firing')
    return (
      <span className={styles.stateFiring}>
        {rule.worstSeverity ? <SeverityChip severity={rule.worstSeverity} /> : null} {t('rules.state.firing', { n: rule.firing })}
      </span>
    );
  return <span className={styles.stateClear}>{t('rules.state.clear')}</span>;
}

/** The rule list: name, kind, scope, current state, version, last change, on/off, edit. */
export function RuleTable({
  rules,
  selectedId,
  onEdit,
  orgName,
  compact = false,
}: {
  rules: RuleRow[];
  selectedId: string | null;
  onEdit: (id: string) => void;
  orgName: (code: string) => string;
  /** Beside the editor: without the last-change column. */
  compact?: boolean;
}) {
  const t = useT();
  const locale = useLocale();
  if (!rules.length) return <p className={styles.fieldHint}>{t('rules.empty')}</p>;
  return (
    <div className={styles.tableWrap}>
      <table className={styles.table} data-testid="rule-table">
        <thead>
          <tr>
            <th>{t('rules.col.name')}</th>
            <th>{t('rules.col.kind')}</th>
            <th>{t('rules.col.scope')}</th>
            <th>{t('rules.col.state')}</th>
            <th className={styles.num}>{t('rules.col.version')}</th>
            {compact ? null : <th>{t('rules.col.updated')}</th>}
            <th>{t('rules.col.enabled')}</th>
            <th aria-label={t('rules.edit')} />
          </tr>
        </thead>
        <tbody>
          {rules.map((r) => {
            const by = (r.spec as { scope?: { by?: 'total' | 'city' | 'county' | 'hall' } }).scope?.by ?? 'total';
            return (
              <tr key={r.id} data-testid="rule-row" data-rule-id={r.id} aria-selected={r.id === selectedId} data-state={r.state}>
                <td className={styles.ruleName}>
                  <button type="button" className={styles.nameButton} onClick={() => onEdit(r.id)}>
                    {locale === 'en' ? (r.nameEn ?? r.name) : r.name}
                  </button>
                </td>
                <td>{locale === 'en' ? r.kindLabel.en : r.kindLabel.zh}</td>
                <td>
                  {shortDivisionName(orgName(r.scopeCode))}
                  {by !== 'total' ? <span className={styles.muted}> · {t(`scope.by.${by}`)}</span> : null}
                </td>
                <td>
                  <RuleState rule={r} />
                </td>
                <td className={styles.num}>v{r.version}</td>
                {compact ? null : (
                  <td className={styles.muted}>
                    {r.updatedBy} · {formatShortDateTime(r.updatedAt)}
                  </td>
                )}
                <td>
                  <EnabledToggle rule={r} />
                </td>
                <td>
                  <button type="button" className={styles.linkButton} onClick={() => onEdit(r.id)} data-testid="rule-edit">
                    {t('rules.edit')}
                  </button>
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}
