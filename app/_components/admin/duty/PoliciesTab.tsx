'use client';

import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useMemo, useState } from 'react';
import { useTRPC } from '@/app/_trpc/client';
import { useT } from '../../../_i18n/LocaleProvider';
import { errorMessage } from '../../rules/trpc-errors';
import styles from '../admin.module.css';
import { formatBeijing } from '../audit-filters';
import { Field, Notice, OrgPicker, orgLabel, useOrgs } from '../controls';
import type { OrgTree } from '../org-tree';
import d from './duty.module.css';
import {
  DOMAINS,
  DUTY_ROLES,
  LEVELS,
  SEVERITIES,
  emptyStep,
  formToInput,
  matchSummary,
  newPolicyForm,
  policyToForm,
  serverProblems,
  stepsSummary,
  type PolicyForm,
  type PolicyProblem,
  type StepForm,
  type SummaryWords,
  type TargetForm,
} from './policy-form';

type Channel = { id: string; name: string };

/** The summary words in the current language. */
function useSummaryWords(orgName: (code: string) => string, channels: readonly Channel[]): SummaryWords {
  const t = useT();
  return useMemo(() => {
    const names = new Map(channels.map((c) => [c.id, c.name]));
    return {
      org: (code) => t('policy.summary.org', { org: orgLabel(orgName, code) }),
      severity: (s) => t(`severity.${s}`),
      domain: (x) => t(`policy.domain.${x}`),
      allSeverities: t('policy.summary.allSeverities'),
      allDomains: t('policy.summary.allDomains'),
      kinds: (k) => t('policy.summary.kinds', { kinds: k }),
      role: (r) => t(`policy.role.${r}`),
      level: (l) => t(`policy.level.${l}`),
      channel: (id) => names.get(id) ?? id,
      now: t('policy.summary.now'),
      after: (n) => t('policy.summary.after', { n }),
      step: (when, targets, chans) => t('policy.summary.step', { when, targets, channels: chans }),
      sep: '、',
    };
  }, [t, orgName, channels]);
}

/** 路由策略: the policies by priority with what they match and their steps; the editor for one. */
export function PoliciesTab({ tree, scope, canEdit }: { tree: OrgTree; scope: string; canEdit: boolean }) {
  const t = useT();
  const trpc = useTRPC();
  const policies = useQuery(trpc.duty.policies.list.queryOptions());
  const channelsQ = useQuery(trpc.duty.channels.list.queryOptions());
  const channels = useMemo(() => channelsQ.data ?? [], [channelsQ.data]);
  const { options, orgName } = useOrgs(tree, scope);
  const words = useSummaryWords(orgName, channels);
  const [editing, setEditing] = useState<PolicyForm | null>(null);
  const [notice, setNotice] = useState<{ ok: boolean; text: string } | null>(null);

  return (
    <div data-testid="duty-policies">
      {canEdit ? (
        <div className={styles.toolbar}>
          <button
            type="button"
            className={`${styles.button} ${styles.primary}`}
            onClick={() => {
              setNotice(null);
              setEditing(newPolicyForm(scope, channels[0]?.id ?? ''));
            }}
            data-testid="policy-new"
          >
            + {t('policy.new')}
          </button>
        </div>
      ) : null}
      <Notice notice={notice} testId="policy-notice" />
      {editing ? (
        <PolicyEditor
          key={editing.id ?? 'new'}
          initial={editing}
          scope={scope}
          options={options}
          channels={channels}
          onClose={() => setEditing(null)}
          onSaved={(name) => {
            setEditing(null);
            setNotice({ ok: true, text: `${t('dutyAdmin.saved')}：${name}` });
          }}
        />
      ) : null}
      {policies.isError && !policies.data ? (
        <p className={styles.error} role="alert">
          {t('admin.loadError', { message: errorMessage(policies.error) })}
        </p>
      ) : !policies.data ? (
        <p className={styles.muted}>{t('common.loading')}</p>
      ) : (
        <div className={styles.tableWrap}>
          <table className={styles.table} data-testid="policies-table">
            <thead>
              <tr>
                <th scope="col">{t('policy.col.priority')}</th>
                <th scope="col">{t('policy.col.name')}</th>
                <th scope="col">{t('policy.col.match')}</th>
                <th scope="col">{t('policy.col.steps')}</th>
                <th scope="col">{t('policy.col.banner')}</th>
                <th scope="col">{t('policy.col.state')}</th>
                <th scope="col">{t('policy.col.updated')}</th>
                {canEdit ? <th scope="col">{t('admin.actions')}</th> : null}
              </tr>
            </thead>
            <tbody>
              {policies.data.length === 0 ? (
                <tr>
                  <td colSpan={canEdit ? 8 : 7} className={styles.muted}>
                    {t('admin.empty')}
                  </td>
                </tr>
              ) : null}
              {policies.data.map((p) => (
                <tr key={p.id} data-testid="policy-row" data-id={p.id} data-state={p.enabled ? 'enabled' : 'disabled'}>
                  <td className={d.num}>{p.priority}</td>
                  <td>{p.name}</td>
                  <td className={styles.detail}>{matchSummary(p.match, words)}</td>
                  <td className={styles.detail}>
                    {stepsSummary(p.steps, words).map((line, i) => (
                      <span key={i} className={d.summaryLine}>
                        {line}
                      </span>
                    ))}
                  </td>
                  <td>{p.wallBanner ? t('dutyAdmin.yes') : t('dutyAdmin.no')}</td>
                  <td className={p.enabled ? styles.stateActive : styles.stateDisabled}>
                    {p.enabled ? t('dutyAdmin.enabled') : t('dutyAdmin.disabled')}
                  </td>
                  <td>
                    {formatBeijing(p.updatedAt)}
                    <br />
                    <span className={styles.muted}>
                      {p.updatedBy ?? ''} · v{p.version}
                    </span>
                  </td>
                  {canEdit ? (
                    <td>
                      <button
                        type="button"
                        className={`${styles.button} ${styles.small}`}
                        onClick={() => {
                          setNotice(null);
                          setEditing(policyToForm(p));
                        }}
                        data-testid={`policy-edit-${p.id}`}
                      >
                        {t('dutyAdmin.edit')}
                      </button>
                    </td>
                  ) : null}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </div>
  );
}

const PROBLEM_KEY: Record<PolicyProblem, `policy.err.${PolicyProblem}`> = {
  name: 'policy.err.name',
  priority: 'policy.err.priority',
  minutes: 'policy.err.minutes',
  first: 'policy.err.first',
  targets: 'policy.err.targets',
  channels: 'policy.err.channels',
};

function PolicyEditor({
  initial,
  scope,
  options,
  channels,
  onClose,
  onSaved,
}: {
  initial: PolicyForm;
  scope: string;
  options: Parameters<typeof OrgPicker>[0]['options'];
  channels: readonly Channel[];
  onClose: () => void;
  onSaved: (name: string) => void;
}) {
  const t = useT();
  const trpc = useTRPC();
  const qc = useQueryClient();
  const [f, setF] = useState<PolicyForm>(initial);
  const [tried, setTried] = useState(false);
  const [serverError, setServerError] = useState<string[] | null>(null);
  const save = useMutation(trpc.duty.policies.save.mutationOptions());
  const checked = formToInput(f);
  const problems = !checked.ok ? checked.problems : [];
  const set = (patch: Partial<PolicyForm>) => setF((x) => ({ ...x, ...patch }));
  const setStep = (i: number, patch: Partial<StepForm>) =>
    setF((x) => ({ ...x, steps: x.steps.map((s, j) => (j === i ? { ...s, ...patch } : s)) }));
  const toggle = <T extends string>(list: T[], v: T): T[] => (list.includes(v) ? list.filter((x) => x !== v) : [...list, v]);

  const submit = () => {
    setTried(true);
    setServerError(null);
    if (!checked.ok) return;
    save.mutate(
      { ...(f.id ? { id: f.id } : {}), policy: checked.value },
      {
        onSuccess: () => {
          void qc.invalidateQueries({ queryKey: trpc.duty.policies.list.queryKey() });
          onSaved(checked.value.name);
        },
        onError: (err) => setServerError(serverProblems(errorMessage(err))),
      },
    );
  };

  return (
    <form
      className={styles.panel}
      onSubmit={(e) => {
        e.preventDefault();
        submit();
      }}
      data-testid="policy-editor"
      noValidate
    >
      <h2>{f.id ? t('policy.editTitle', { name: initial.name }) : t('policy.newTitle')}</h2>
      {tried && problems.length ? (
        <ul className={d.problems} role="alert" data-testid="policy-problems">
          {problems.map((p) => (
            <li key={p}>{t(PROBLEM_KEY[p])}</li>
          ))}
        </ul>
      ) : null}
      {serverError ? (
        <ul className={d.problems} role="alert" data-testid="policy-server-error">
          {serverError.map((m, i) => (
            <li key={i}>{t('dutyAdmin.saveError', { message: m })}</li>
          ))}
        </ul>
      ) : null}
      <div className={styles.form}>
        <Field label={t('policy.name')} error={tried && problems.includes('name') ? t('policy.err.name') : null}>
          <input
            className={styles.input}
            value={f.name}
            maxLength={80}
            onChange={(e) => set({ name: e.target.value })}
            data-testid="policy-name"
          />
        </Field>
        <Field
          label={t('policy.priority')}
          hint={t('policy.priorityHint')}
          error={tried && problems.includes('priority') ? t('policy.err.priority') : null}
        >
          <input
            className={`${styles.input} ${d.narrow}`}
            inputMode="numeric"
            value={f.priority}
            onChange={(e) => set({ priority: e.target.value })}
            data-testid="policy-priority"
          />
        </Field>
        <OrgPicker
          value={f.orgCode}
          onChange={(orgCode) => set({ orgCode })}
          options={options}
          scope={scope}
          testId="policy-org"
          showProblem={tried}
        />
        <div className={styles.field}>
          <label className={d.check}>
            <input type="checkbox" checked={f.enabled} onChange={(e) => set({ enabled: e.target.checked })} data-testid="policy-enabled" />
            {t('policy.enabled')}
          </label>
          <label className={d.check}>
            <input
              type="checkbox"
              checked={f.wallBanner}
              onChange={(e) => set({ wallBanner: e.target.checked })}
              data-testid="policy-banner"
            />
            {t('policy.wallBanner')}
          </label>
        </div>
      </div>
      <div className={styles.form} style={{ marginTop: 12 }}>
        <fieldset className={d.checks}>
          <legend>{t('policy.severities')}</legend>
          {SEVERITIES.map((s) => (
            <label key={s} className={d.check}>
              <input
                type="checkbox"
                checked={f.severities.includes(s)}
                onChange={() => set({ severities: toggle(f.severities, s) })}
                data-testid={`policy-sev-${s}`}
              />
              {t(`severity.${s}`)}
            </label>
          ))}
        </fieldset>
        <fieldset className={d.checks}>
          <legend>{t('policy.domains')}</legend>
          {DOMAINS.map((x) => (
            <label key={x} className={d.check}>
              <input
                type="checkbox"
                checked={f.domains.includes(x)}
                onChange={() => set({ domains: toggle(f.domains, x) })}
                data-testid={`policy-domain-${x}`}
              />
              {t(`policy.domain.${x}`)}
            </label>
          ))}
        </fieldset>
        <Field label={t('policy.kinds')}>
          <input className={styles.input} value={f.kinds} onChange={(e) => set({ kinds: e.target.value })} data-testid="policy-kinds" />
        </Field>
      </div>

      <h3 className={styles.sectionTitle} style={{ marginTop: 16 }}>
        {t('policy.steps')}
      </h3>
      <div className={d.steps}>
        {f.steps.map((s, i) => (
          <StepEditor
            key={i}
            index={i}
            step={s}
            channels={channels}
            onChange={(patch) => setStep(i, patch)}
            onRemove={f.steps.length > 1 ? () => set({ steps: f.steps.filter((_, j) => j !== i) }) : undefined}
            badMinutes={tried && (problems.includes('minutes') || (i === 0 && problems.includes('first')))}
          />
        ))}
      </div>
      {f.steps.length < 6 ? (
        <button
          type="button"
          className={`${styles.button} ${styles.small}`}
          style={{ marginTop: 8 }}
          onClick={() => {
            const last = Number(f.steps.at(-1)?.afterMinutes) || 0;
            set({ steps: [...f.steps, emptyStep(last + 15, channels[0]?.id ?? '')] });
          }}
          data-testid="policy-add-step"
        >
          {t('policy.addStep')}
        </button>
      ) : null}
      <div className={styles.footer}>
        <button type="submit" className={`${styles.button} ${styles.primary}`} disabled={save.isPending} data-testid="policy-save">
          {t('admin.save')}
        </button>
        <button type="button" className={styles.button} onClick={onClose} data-testid="policy-cancel">
          {t('admin.cancel')}
        </button>
      </div>
    </form>
  );
}

function StepEditor({
  index,
  step,
  channels,
  onChange,
  onRemove,
  badMinutes,
}: {
  index: number;
  step: StepForm;
  channels: readonly Channel[];
  onChange: (patch: Partial<StepForm>) => void;
  onRemove?: () => void;
  badMinutes: boolean;
}) {
  const t = useT();
  const setTarget = (j: number, target: TargetForm) => onChange({ targets: step.targets.map((x, k) => (k === j ? target : x)) });
  const setChain = (j: number, chain: string[]) => onChange({ chains: step.chains.map((x, k) => (k === j ? chain : x)) });
  return (
    <div className={d.step} data-testid={`policy-step-${index}`}>
      <div className={d.stepHead}>
        <span>{t('policy.step', { n: index + 1 })}</span>
        {index === 0 ? (
          <span className={styles.muted}>{t('policy.afterMinutesFirst')}</span>
        ) : (
          <label className={d.line} style={{ margin: 0, fontWeight: 400 }}>
            {t('policy.afterMinutes')}
            <input
              className={`${styles.input} ${d.narrow}`}
              inputMode="numeric"
              value={step.afterMinutes}
              aria-invalid={badMinutes || undefined}
              onChange={(e) => onChange({ afterMinutes: e.target.value })}
              data-testid={`policy-step-${index}-minutes`}
            />
          </label>
        )}
        {onRemove ? (
          <button
            type="button"
            className={`${styles.button} ${styles.small} ${styles.danger}`}
            onClick={onRemove}
            data-testid={`policy-step-${index}-remove`}
          >
            {t('policy.removeStep')}
          </button>
        ) : null}
      </div>
      <div className={styles.fieldLabel}>{t('policy.targets')}</div>
      {step.targets.map((tg, j) => (
        <div key={j} className={d.line} data-testid={`policy-step-${index}-target-${j}`}>
          <select
            className={styles.input}
            aria-label={t('policy.targets')}
            value={tg.type}
            onChange={(e) =>
              setTarget(
                j,
                e.target.value === 'user' ? { type: 'user', username: '' } : { type: 'on_duty', role: 'duty_officer', level: 'alert' },
              )
            }
          >
            <option value="on_duty">{t('policy.target.on_duty')}</option>
            <option value="user">{t('policy.target.user')}</option>
          </select>
          {tg.type === 'on_duty' ? (
            <>
              <select
                className={styles.input}
                aria-label={t('policy.target.role')}
                value={tg.role}
                onChange={(e) => setTarget(j, { ...tg, role: e.target.value as typeof tg.role })}
              >
                {DUTY_ROLES.map((r) => (
                  <option key={r} value={r}>
                    {t(`policy.role.${r}`)}
                  </option>
                ))}
              </select>
              <select
                className={styles.input}
                aria-label={t('policy.target.level')}
                value={tg.level}
                onChange={(e) => setTarget(j, { ...tg, level: e.target.value as typeof tg.level })}
              >
                {LEVELS.map((l) => (
                  <option key={l} value={l}>
                    {t(`policy.level.${l}`)}
                  </option>
                ))}
              </select>
            </>
          ) : (
            <input
              className={styles.input}
              aria-label={t('policy.target.username')}
              placeholder={t('policy.target.username')}
              value={tg.username}
              maxLength={64}
              onChange={(e) => setTarget(j, { type: 'user', username: e.target.value })}
            />
          )}
          {step.targets.length > 1 ? (
            <button
              type="button"
              className={`${styles.button} ${styles.small}`}
              aria-label={t('dutyAdmin.remove')}
              onClick={() => onChange({ targets: step.targets.filter((_, k) => k !== j) })}
            >
              ×
            </button>
          ) : null}
        </div>
      ))}
      {step.targets.length < 10 ? (
        <button
          type="button"
          className={`${styles.button} ${styles.small}`}
          onClick={() => onChange({ targets: [...step.targets, { type: 'on_duty', role: 'duty_officer', level: 'alert' }] })}
        >
          {t('policy.addTarget')}
        </button>
      ) : null}
      <div className={styles.fieldLabel} style={{ marginTop: 8 }}>
        {t('policy.deliveries')}
      </div>
      {step.chains.map((chain, j) => (
        <div key={j} className={d.line} data-testid={`policy-step-${index}-chain-${j}`}>
          <span className={styles.muted}>{t('policy.chain', { n: j + 1 })}</span>
          {chain.map((c, k) => (
            <span key={k} className={d.line} style={{ margin: 0 }}>
              {k > 0 ? <span className={d.arrow}>›</span> : null}
              <select
                className={styles.input}
                aria-label={`${t('policy.chain', { n: j + 1 })} · ${k + 1}`}
                value={c}
                onChange={(e) =>
                  setChain(
                    j,
                    chain.map((x, m) => (m === k ? e.target.value : x)),
                  )
                }
              >
                <option value="">{t('policy.pickChannel')}</option>
                {channels.map((ch) => (
                  <option key={ch.id} value={ch.id}>
                    {ch.name}（{ch.id}）
                  </option>
                ))}
                {c && !channels.some((ch) => ch.id === c) ? <option value={c}>{c}</option> : null}
              </select>
              {chain.length > 1 ? (
                <button
                  type="button"
                  className={`${styles.button} ${styles.small}`}
                  aria-label={t('dutyAdmin.remove')}
                  onClick={() =>
                    setChain(
                      j,
                      chain.filter((_, m) => m !== k),
                    )
                  }
                >
                  ×
                </button>
              ) : null}
            </span>
          ))}
          {chain.length < 5 ? (
            <button type="button" className={`${styles.button} ${styles.small}`} onClick={() => setChain(j, [...chain, ''])}>
              {t('policy.addChannel')}
            </button>
          ) : null}
          {step.chains.length > 1 ? (
            <button
              type="button"
              className={`${styles.button} ${styles.small} ${styles.danger}`}
              onClick={() => onChange({ chains: step.chains.filter((_, m) => m !== j) })}
            >
              {t('dutyAdmin.remove')}
            </button>
          ) : null}
        </div>
      ))}
      {step.chains.length < 5 ? (
        <button
          type="button"
          className={`${styles.button} ${styles.small}`}
          onClick={() => onChange({ chains: [...step.chains, [channels[0]?.id ?? '']] })}
        >
          {t('policy.addChain')}
        </button>
      ) : null}
    </div>
  );
}
