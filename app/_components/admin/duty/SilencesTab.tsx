'use client';

import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useTRPC } from '@/app/_trpc/client';
import { useT } from '../../../_i18n/LocaleProvider';
import { errorMessage } from '../../rules/trpc-errors';
import styles from '../admin.module.css';
import { formatBeijing } from '../audit-filters';
import { Field, Notice, OrgPicker, orgLabel, useOrgProblem, useOrgs } from '../controls';
import type { OrgTree } from '../org-tree';
import d from './duty.module.css';
import { beijingInputToMs, msToBeijingInput, silenceState, type SilenceState } from './duty-values';
import { SEVERITIES, type Severity } from './policy-form';

const MAX_MS = 7 * 86_400_000;
const STATE_CLASS: Record<SilenceState, string | undefined> = {
  active: styles.stateActive,
  pending: styles.stateLocked,
  ended: styles.stateExpired,
};

const matchOf = (m: unknown): { orgCode: string; severities: string[] } => {
  const o = (m && typeof m === 'object' ? m : {}) as { orgCode?: unknown; severities?: unknown };
  return {
    orgCode: typeof o.orgCode === 'string' ? o.orgCode : '',
    severities: Array.isArray(o.severities) ? o.severities.filter((s): s is string => typeof s === 'string') : [],
  };
};

/** 静默: silences in force and those of the last 7 days; create one (with an end and a reason), end one now. */
export function SilencesTab({ tree, scope, canEdit }: { tree: OrgTree; scope: string; canEdit: boolean }) {
  const t = useT();
  const trpc = useTRPC();
  const qc = useQueryClient();
  const silences = useQuery({ ...trpc.duty.silences.list.queryOptions(), refetchInterval: 60_000 });
  const { options, orgName } = useOrgs(tree, scope);
  const [creating, setCreating] = useState(false);
  const [notice, setNotice] = useState<{ ok: boolean; text: string } | null>(null);
  const expire = useMutation(trpc.duty.silences.expire.mutationOptions());
  const refresh = () => qc.invalidateQueries({ queryKey: trpc.duty.silences.list.queryKey() });
  const now = silences.dataUpdatedAt || 0;
  const rows = silences.data ?? [];
  const ordered = [...rows.filter((s) => silenceState(s, now) !== 'ended'), ...rows.filter((s) => silenceState(s, now) === 'ended')];

  return (
    <div data-testid="duty-silences">
      {canEdit ? (
        <div className={styles.toolbar}>
          <button
            type="button"
            className={`${styles.button} ${styles.primary}`}
            onClick={() => {
              setNotice(null);
              setCreating(true);
            }}
            data-testid="silence-new"
          >
            + {t('silence.new')}
          </button>
        </div>
      ) : null}
      <Notice notice={notice} testId="silence-notice" />
      {creating ? (
        <CreateSilence
          scope={scope}
          options={options}
          onClose={() => setCreating(false)}
          onCreated={() => {
            setCreating(false);
            setNotice({ ok: true, text: t('silence.created') });
            void refresh();
          }}
        />
      ) : null}
      {silences.isError && !silences.data ? (
        <p className={styles.error} role="alert">
          {t('admin.loadError', { message: errorMessage(silences.error) })}
        </p>
      ) : !silences.data ? (
        <p className={styles.muted}>{t('common.loading')}</p>
      ) : (
        <div className={styles.tableWrap}>
          <table className={styles.table} data-testid="silences-table">
            <thead>
              <tr>
                <th scope="col">{t('silence.col.state')}</th>
                <th scope="col">{t('silence.col.org')}</th>
                <th scope="col">{t('silence.col.match')}</th>
                <th scope="col">{t('silence.col.reason')}</th>
                <th scope="col">{t('silence.col.starts')}</th>
                <th scope="col">{t('silence.col.ends')}</th>
                <th scope="col">{t('silence.col.by')}</th>
                {canEdit ? <th scope="col">{t('admin.actions')}</th> : null}
              </tr>
            </thead>
            <tbody>
              {ordered.length === 0 ? (
                <tr>
                  <td colSpan={canEdit ? 8 : 7} className={styles.muted}>
                    {t('admin.empty')}
                  </td>
                </tr>
              ) : null}
              {ordered.map((s) => {
                const state = silenceState(s, now);
                const m = matchOf(s.match);
                return (
                  <tr key={s.id} data-testid="silence-row" data-id={s.id} data-state={state === 'ended' ? 'expired' : state}>
                    <td className={STATE_CLASS[state]}>{t(`silence.state.${state}`)}</td>
                    <td>{m.orgCode ? orgLabel(orgName, m.orgCode) : '—'}</td>
                    <td>
                      {m.severities.length
                        ? m.severities.map((x) => (SEVERITIES.includes(x as Severity) ? t(`severity.${x as Severity}`) : x)).join('/')
                        : t('dutyAdmin.all')}
                    </td>
                    <td className={styles.detail}>{s.reason}</td>
                    <td>{formatBeijing(s.startsAt)}</td>
                    <td>{formatBeijing(s.endsAt)}</td>
                    <td>{s.createdBy}</td>
                    {canEdit ? (
                      <td>
                        {state !== 'ended' ? (
                          <button
                            type="button"
                            className={`${styles.button} ${styles.small} ${styles.danger}`}
                            disabled={expire.isPending}
                            onClick={() => {
                              if (!window.confirm(t('silence.expireConfirm'))) return;
                              expire.mutate(
                                { id: s.id },
                                {
                                  onSuccess: () => {
                                    setNotice({ ok: true, text: t('silence.expired') });
                                    void refresh();
                                  },
                                  onError: (err) => setNotice({ ok: false, text: t('admin.actionError', { message: errorMessage(err) }) }),
                                },
                              );
                            }}
                            data-testid={`silence-expire-${s.id}`}
                          >
                            {t('silence.expire')}
                          </button>
                        ) : null}
                      </td>
                    ) : null}
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      )}
    </div>
  );
}

function CreateSilence({
  scope,
  options,
  onClose,
  onCreated,
}: {
  scope: string;
  options: Parameters<typeof OrgPicker>[0]['options'];
  onClose: () => void;
  onCreated: () => void;
}) {
  const t = useT();
  const trpc = useTRPC();
  const [orgCode, setOrgCode] = useState(scope);
  const [severities, setSeverities] = useState<Severity[]>([]);
  const [reason, setReason] = useState('');
  const [ends, setEnds] = useState(() => msToBeijingInput(Date.now() + 2 * 3600_000));
  const [tried, setTried] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const create = useMutation(trpc.duty.silences.create.mutationOptions());
  const orgProblem = useOrgProblem(orgCode.trim(), scope);
  const endsAt = beijingInputToMs(ends);
  // Checked against the clock when sent (the server checks again).
  const endsBad = (at: number) => endsAt === null || endsAt <= at || endsAt - at > MAX_MS;
  const reasonBad = reason.trim().length < 2;

  const submit = () => {
    setTried(true);
    setError(null);
    if (orgProblem || reasonBad || endsBad(Date.now())) return;
    create.mutate(
      { match: { orgCode: orgCode.trim(), ...(severities.length ? { severities } : {}) }, reason: reason.trim(), endsAt: endsAt! },
      { onSuccess: onCreated, onError: (err) => setError(t('dutyAdmin.saveError', { message: errorMessage(err) })) },
    );
  };

  return (
    <form
      className={styles.panel}
      onSubmit={(e) => {
        e.preventDefault();
        submit();
      }}
      noValidate
      data-testid="silence-editor"
    >
      <h2>{t('silence.new')}</h2>
      {error ? (
        <p className={styles.error} role="alert" data-testid="silence-server-error">
          {error}
        </p>
      ) : null}
      <div className={styles.form}>
        <OrgPicker value={orgCode} onChange={setOrgCode} options={options} scope={scope} testId="silence-org" showProblem={tried} />
        <fieldset className={d.checks}>
          <legend>{t('policy.severities')}</legend>
          {SEVERITIES.map((s) => (
            <label key={s} className={d.check}>
              <input
                type="checkbox"
                checked={severities.includes(s)}
                onChange={() => setSeverities((l) => (l.includes(s) ? l.filter((x) => x !== s) : [...l, s]))}
                data-testid={`silence-sev-${s}`}
              />
              {t(`severity.${s}`)}
            </label>
          ))}
        </fieldset>
      </div>
      <div className={styles.form} style={{ marginTop: 12 }}>
        <Field label={t('silence.reason')} error={tried && reasonBad ? t('silence.err.reason') : null}>
          <input
            className={`${styles.input} ${d.full}`}
            style={{ minWidth: 320 }}
            value={reason}
            maxLength={500}
            onChange={(e) => setReason(e.target.value)}
            data-testid="silence-reason"
          />
        </Field>
        <Field label={t('silence.endsAt')} hint={t('silence.endsHint')} error={tried && endsBad(Date.now()) ? t('silence.err.ends') : null}>
          <input
            className={styles.input}
            type="datetime-local"
            value={ends}
            onChange={(e) => setEnds(e.target.value)}
            data-testid="silence-ends"
          />
        </Field>
        <div className={styles.actions}>
          {[1, 4, 24].map((h) => (
            <button
              key={h}
              type="button"
              className={`${styles.button} ${styles.small}`}
              onClick={() => setEnds(msToBeijingInput(Date.now() + h * 3600_000))}
            >
              {t('silence.preset', { n: h })}
            </button>
          ))}
        </div>
      </div>
      <div className={styles.footer}>
        <button type="submit" className={`${styles.button} ${styles.primary}`} disabled={create.isPending} data-testid="silence-create">
          {t('silence.create')}
        </button>
        <button type="button" className={styles.button} onClick={onClose}>
          {t('admin.cancel')}
        </button>
      </div>
    </form>
  );
}
