'use client';

import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useTRPC } from '@/app/_trpc/client';
import { useLocale, useT } from '../../../_i18n/LocaleProvider';
import { errorMessage } from '../../rules/trpc-errors';
import styles from '../admin.module.css';
import { formatBeijing } from '../audit-filters';
import { Field, Notice } from '../controls';
import {
  CHANNEL_FIELDS,
  CHANNEL_ID,
  CHANNEL_KINDS,
  MASK,
  configSummary,
  configToForm,
  formToConfig,
  isChannelKind,
  type ChannelKind,
  type ConfigForm,
} from './channel-form';
import d from './duty.module.css';
import { serverProblems } from './policy-form';

interface Editing {
  isNew: boolean;
  id: string;
  kind: ChannelKind;
  name: string;
  enabled: boolean;
  config: ConfigForm;
}

/** 通知渠道: each channel with its (masked) config and its last 24 hours; the editor for one, by kind. */
export function ChannelsTab({ canEdit }: { canEdit: boolean }) {
  const t = useT();
  const locale = useLocale();
  const trpc = useTRPC();
  const channels = useQuery(trpc.duty.channels.list.queryOptions());
  const health = useQuery({ ...trpc.duty.channelHealth.queryOptions(), refetchInterval: 30_000 });
  const [editing, setEditing] = useState<Editing | null>(null);
  const [notice, setNotice] = useState<{ ok: boolean; text: string } | null>(null);
  const healthOf = (id: string) => health.data?.find((h) => h.id === id);
  const kindLabel = (kind: string, label?: { zh: string; en: string }) =>
    isChannelKind(kind) ? t(`channel.kind.${kind}`) : label ? (locale === 'en' ? label.en : label.zh) : kind;

  return (
    <div data-testid="duty-channels">
      {canEdit ? (
        <div className={styles.toolbar}>
          <button
            type="button"
            className={`${styles.button} ${styles.primary}`}
            onClick={() => {
              setNotice(null);
              setEditing({ isNew: true, id: '', kind: 'wecom', name: '', enabled: true, config: configToForm('wecom', null) });
            }}
            data-testid="channel-new"
          >
            + {t('channel.new')}
          </button>
          <span className={styles.summary}>{t('channel.healthHint')}</span>
        </div>
      ) : (
        <p className={styles.muted}>{t('channel.healthHint')}</p>
      )}
      <Notice notice={notice} testId="channel-notice" />
      {editing ? (
        <ChannelEditor
          key={editing.isNew ? 'new' : editing.id}
          initial={editing}
          kindLabel={kindLabel}
          onClose={() => setEditing(null)}
          onSaved={(name) => {
            setEditing(null);
            setNotice({ ok: true, text: `${t('dutyAdmin.saved')}：${name}` });
          }}
        />
      ) : null}
      {channels.isError && !channels.data ? (
        <p className={styles.error} role="alert">
          {t('admin.loadError', { message: errorMessage(channels.error) })}
        </p>
      ) : !channels.data ? (
        <p className={styles.muted}>{t('common.loading')}</p>
      ) : (
        <div className={styles.tableWrap}>
          <table className={styles.table} data-testid="channels-table">
            <thead>
              <tr>
                <th scope="col">{t('channel.col.id')}</th>
                <th scope="col">{t('channel.col.name')}</th>
                <th scope="col">{t('channel.col.kind')}</th>
                <th scope="col">{t('channel.col.state')}</th>
                <th scope="col">{t('channel.col.config')}</th>
                <th scope="col">{t('channel.col.sent')}</th>
                <th scope="col">{t('channel.col.failed')}</th>
                <th scope="col">{t('channel.col.throttled')}</th>
                <th scope="col">{t('channel.col.waiting')}</th>
                <th scope="col">{t('channel.col.last')}</th>
                {canEdit ? <th scope="col">{t('admin.actions')}</th> : null}
              </tr>
            </thead>
            <tbody>
              {channels.data.length === 0 ? (
                <tr>
                  <td colSpan={canEdit ? 11 : 10} className={styles.muted}>
                    {t('admin.empty')}
                  </td>
                </tr>
              ) : null}
              {channels.data.map((c) => {
                const h = healthOf(c.id);
                return (
                  <tr key={c.id} data-testid="channel-row" data-id={c.id} data-state={c.enabled ? 'enabled' : 'disabled'}>
                    <td className={styles.mono}>{c.id}</td>
                    <td>{c.name}</td>
                    <td>{kindLabel(c.kind, c.label)}</td>
                    <td className={c.enabled ? styles.stateActive : styles.stateDisabled}>
                      {c.enabled ? t('dutyAdmin.enabled') : t('dutyAdmin.disabled')}
                    </td>
                    <td className={`${styles.detail} ${styles.mono}`}>{configSummary(c.kind, c.config)}</td>
                    <td className={d.num} data-testid="channel-health-sent">
                      {h?.sent ?? '—'}
                    </td>
                    <td className={`${d.num} ${h?.failed ? d.bad : ''}`} data-testid="channel-health-failed">
                      {h?.failed ?? '—'}
                    </td>
                    <td className={d.num} data-testid="channel-health-throttled">
                      {h?.throttled ?? '—'}
                    </td>
                    <td className={d.num} data-testid="channel-health-waiting">
                      {h?.waiting ?? '—'}
                    </td>
                    <td data-testid="channel-health-last">
                      {h?.last ? (
                        <>
                          <span
                            className={d.status}
                            data-status={h.last.outcome === 'sent' ? 'sent' : h.last.outcome === 'throttled' ? 'deferred' : 'failed'}
                          >
                            {h.last.outcome}
                          </span>{' '}
                          {formatBeijing(h.last.at)}
                          {h.last.detail ? <div className={`${styles.detail} ${styles.muted}`}>{h.last.detail}</div> : null}
                        </>
                      ) : (
                        <span className={styles.muted}>{t('channel.noLast')}</span>
                      )}
                    </td>
                    {canEdit ? (
                      <td>
                        <button
                          type="button"
                          className={`${styles.button} ${styles.small}`}
                          onClick={() => {
                            setNotice(null);
                            const kind = isChannelKind(c.kind) ? c.kind : 'webhook';
                            setEditing({
                              isNew: false,
                              id: c.id,
                              kind,
                              name: c.name,
                              enabled: c.enabled,
                              config: configToForm(kind, c.config as Record<string, unknown>),
                            });
                          }}
                          data-testid={`channel-edit-${c.id}`}
                        >
                          {t('dutyAdmin.edit')}
                        </button>
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

function ChannelEditor({
  initial,
  kindLabel,
  onClose,
  onSaved,
}: {
  initial: Editing;
  kindLabel: (kind: string) => string;
  onClose: () => void;
  onSaved: (name: string) => void;
}) {
  const t = useT();
  const trpc = useTRPC();
  const qc = useQueryClient();
  const [f, setF] = useState<Editing>(initial);
  const [tried, setTried] = useState(false);
  const [serverError, setServerError] = useState<string[] | null>(null);
  const save = useMutation(trpc.duty.channels.save.mutationOptions());
  const { config, problems } = formToConfig(f.kind, f.config);
  const idBad = !CHANNEL_ID.test(f.id);
  const nameBad = !f.name.trim();
  const setField = (key: string, v: string | boolean) => setF((x) => ({ ...x, config: { ...x.config, [key]: v } }));

  const submit = () => {
    setTried(true);
    setServerError(null);
    if (idBad || nameBad || problems.length) return;
    save.mutate(
      { id: f.id, kind: f.kind, name: f.name.trim(), enabled: f.enabled, config },
      {
        onSuccess: () => {
          void qc.invalidateQueries({ queryKey: trpc.duty.channels.list.queryKey() });
          void qc.invalidateQueries({ queryKey: trpc.duty.channelHealth.queryKey() });
          onSaved(f.name.trim());
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
      noValidate
      data-testid="channel-editor"
    >
      <h2>{f.isNew ? t('channel.newTitle') : t('channel.editTitle', { name: initial.name })}</h2>
      {serverError ? (
        <ul className={d.problems} role="alert" data-testid="channel-server-error">
          {serverError.map((m, i) => (
            <li key={i}>{t('dutyAdmin.saveError', { message: m })}</li>
          ))}
        </ul>
      ) : null}
      <div className={styles.form}>
        <Field label={t('channel.id')} hint={t('channel.idHint')} error={tried && idBad ? t('channel.err.id') : null}>
          <input
            className={`${styles.input} ${styles.mono}`}
            value={f.id}
            readOnly={!f.isNew}
            maxLength={41}
            aria-invalid={tried && idBad ? true : undefined}
            onChange={(e) => setF((x) => ({ ...x, id: e.target.value.toLowerCase() }))}
            data-testid="channel-id"
          />
        </Field>
        <Field label={t('channel.name')} error={tried && nameBad ? t('channel.err.name') : null}>
          <input
            className={styles.input}
            value={f.name}
            maxLength={80}
            onChange={(e) => setF((x) => ({ ...x, name: e.target.value }))}
            data-testid="channel-name"
          />
        </Field>
        <Field label={t('channel.kind')}>
          <select
            className={styles.input}
            value={f.kind}
            disabled={!f.isNew}
            onChange={(e) => {
              const kind = e.target.value as ChannelKind;
              setF((x) => ({ ...x, kind, config: configToForm(kind, null) }));
            }}
            data-testid="channel-kind"
          >
            {CHANNEL_KINDS.map((k) => (
              <option key={k} value={k}>
                {kindLabel(k)}
              </option>
            ))}
          </select>
        </Field>
        <div className={styles.field}>
          <label className={d.check}>
            <input
              type="checkbox"
              checked={f.enabled}
              onChange={(e) => setF((x) => ({ ...x, enabled: e.target.checked }))}
              data-testid="channel-enabled"
            />
            {t('channel.enabled')}
          </label>
        </div>
      </div>
      <div className={styles.form} style={{ marginTop: 12 }}>
        {CHANNEL_FIELDS[f.kind].map((field) => {
          const v = f.config[field.key];
          const bad = tried && problems.includes(field.key);
          const testId = `channel-config-${field.key}`;
          if (field.type === 'boolean')
            return (
              <div key={field.key} className={styles.field}>
                <label className={d.check}>
                  <input
                    type="checkbox"
                    checked={v === true}
                    onChange={(e) => setField(field.key, e.target.checked)}
                    data-testid={testId}
                  />
                  {field.key}
                </label>
              </div>
            );
          if (field.type === 'enum')
            return (
              <Field key={field.key} label={field.key}>
                <select
                  className={styles.input}
                  value={String(v)}
                  onChange={(e) => setField(field.key, e.target.value)}
                  data-testid={testId}
                >
                  {field.options!.map((o) => (
                    <option key={o} value={o}>
                      {o}
                    </option>
                  ))}
                </select>
              </Field>
            );
          const secretKept = field.type === 'secret' && v === MASK;
          return (
            <Field
              key={field.key}
              label={`${field.key}${field.required ? ' *' : ''}`}
              hint={secretKept ? t('channel.secretKept') : undefined}
              error={bad ? (field.type === 'number' ? t('channel.number') : t('channel.required')) : null}
            >
              <input
                className={`${styles.input} ${styles.mono}`}
                type={field.type === 'secret' ? 'password' : 'text'}
                inputMode={field.type === 'number' ? 'numeric' : undefined}
                autoComplete={field.type === 'secret' ? 'new-password' : 'off'}
                value={typeof v === 'string' ? v : ''}
                placeholder={field.placeholder}
                aria-invalid={bad || undefined}
                onFocus={(e) => {
                  if (secretKept) e.currentTarget.select();
                }}
                onChange={(e) => setField(field.key, e.target.value)}
                data-testid={testId}
              />
            </Field>
          );
        })}
      </div>
      <div className={styles.footer}>
        <button type="submit" className={`${styles.button} ${styles.primary}`} disabled={save.isPending} data-testid="channel-save">
          {t('admin.save')}
        </button>
        <button type="button" className={styles.button} onClick={onClose} data-testid="channel-cancel">
          {t('admin.cancel')}
        </button>
      </div>
    </form>
  );
}
