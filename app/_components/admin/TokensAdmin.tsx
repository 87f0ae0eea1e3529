'use client';

import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useRef, useState } from 'react';
import type { PersonRole } from '@/server/auth/roles';
import { useTRPC } from '@/app/_trpc/client';
import { useT } from '../../_i18n/LocaleProvider';
import { PageShell } from '../nav/PageShell';
import { errorMessage } from '../rules/trpc-errors';
import { maskedToken, parseExpiryDays, tokenState, type TokenState } from './admin-values';
import styles from './admin.module.css';
import { formatBeijing } from './audit-filters';
import { Field, Notice, OrgPicker, RoleSelect, orgLabel, useOrgProblem, useOrgs, useRoleLabel } from './controls';
import type { OrgTree } from './org-tree';

const STATE_CLASS: Record<TokenState, string | undefined> = {
  active: styles.stateActive,
  expired: styles.stateExpired,
  revoked: styles.stateRevoked,
};

interface Secret {
  name: string;
  token: string;
}

/** 服务令牌: tokens for scripts, each with a role and an org scope; the secret is shown once, at creation. */
export function TokensAdmin({ tree, scope }: { tree: OrgTree; scope: string }) {
  const t = useT();
  const trpc = useTRPC();
  const qc = useQueryClient();
  const tokens = useQuery(trpc.tokens.list.queryOptions());
  const { options, orgName } = useOrgs(tree, scope);
  const roleLabel = useRoleLabel();
  const [creating, setCreating] = useState(false);
  const [secret, setSecret] = useState<Secret | null>(null);
  const [notice, setNotice] = useState<{ ok: boolean; text: string } | null>(null);
  const revoke = useMutation(trpc.tokens.revoke.mutationOptions());
  const refresh = () => qc.invalidateQueries({ queryKey: trpc.tokens.list.queryKey() });
  const list = tokens.data ?? [];
  const now = tokens.dataUpdatedAt;

  return (
    <PageShell title={t('tokens.title')} testId="tokens-admin">
      <p className={styles.intro}>{t('tokens.intro')}</p>
      {secret ? <SecretBox secret={secret} onDismiss={() => setSecret(null)} /> : null}
      <div className={styles.toolbar}>
        <button
          type="button"
          className={`${styles.button} ${styles.primary}`}
          onClick={() => {
            setCreating(true);
            setNotice(null);
          }}
          data-testid="token-new"
        >
          + {t('tokens.new')}
        </button>
      </div>
      <Notice notice={notice} testId="tokens-notice" />
      {creating ? (
        <CreateToken
          scope={scope}
          options={options}
          onClose={() => setCreating(false)}
          onCreated={(s) => {
            setCreating(false);
            setSecret(s);
            void refresh();
          }}
        />
      ) : null}
      {tokens.isError && !tokens.data ? (
        <p className={styles.error} role="alert">
          {t('admin.loadError', { message: errorMessage(tokens.error) })}
        </p>
      ) : !tokens.data ? (
        <p className={styles.muted}>{t('common.loading')}</p>
      ) : (
        <div className={styles.tableWrap}>
          <table className={styles.table} data-testid="tokens-table">
            <thead>
              <tr>
                <th scope="col">{t('tokens.col.name')}</th>
                <th scope="col">{t('tokens.col.prefix')}</th>
                <th scope="col">{t('tokens.col.role')}</th>
                <th scope="col">{t('tokens.col.org')}</th>
                <th scope="col">{t('tokens.col.created')}</th>
                <th scope="col">{t('tokens.col.expires')}</th>
                <th scope="col">{t('tokens.col.lastUsed')}</th>
                <th scope="col">{t('tokens.col.state')}</th>
                <th scope="col">{t('admin.actions')}</th>
              </tr>
            </thead>
            <tbody>
              {list.length === 0 ? (
                <tr>
                  <td colSpan={9} className={styles.muted}>
                    {t('admin.empty')}
                  </td>
                </tr>
              ) : null}
              {list.map((k) => {
                const state = tokenState(k, now);
                return (
                  <tr key={k.id} data-state={state} data-testid={`token-row-${k.id}`}>
                    <td>{k.name}</td>
                    <td className={styles.mono}>{maskedToken(k.prefix)}</td>
                    <td>{roleLabel(k.role)}</td>
                    <td>{orgLabel(orgName, k.orgCode)}</td>
                    <td>{formatBeijing(k.createdAt)}</td>
                    <td>{k.expiresAt ? formatBeijing(k.expiresAt) : t('tokens.noExpiry')}</td>
                    <td>{k.lastUsedAt ? formatBeijing(k.lastUsedAt) : t('admin.never')}</td>
                    <td className={STATE_CLASS[state]} data-testid={`token-state-${k.id}`}>
                      {t(`tokens.state.${state}`)}
                    </td>
                    <td>
                      {state === 'revoked' ? null : (
                        <button
                          type="button"
                          className={`${styles.button} ${styles.small} ${styles.danger}`}
                          disabled={revoke.isPending}
                          onClick={() => {
                            if (!window.confirm(t('tokens.revokeConfirm', { name: k.name }))) return;
                            revoke.mutate(
                              { id: k.id },
                              {
                                onSuccess: () => {
                                  setNotice({ ok: true, text: t('tokens.revokedOk', { name: k.name }) });
                                  void refresh();
                                },
                                onError: (err) => setNotice({ ok: false, text: t('admin.actionError', { message: errorMessage(err) }) }),
                              },
                            );
                          }}
                          data-testid={`token-revoke-${k.id}`}
                        >
                          {t('tokens.revoke')}
                        </button>
                      )}
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      )}
    </PageShell>
  );
}

/** The new token's secret, once: a read-only box to copy from, a warning, and a button to close it for good. */
function SecretBox({ secret, onDismiss }: { secret: Secret; onDismiss: () => void }) {
  const t = useT();
  const [copied, setCopied] = useState<'ok' | 'failed' | null>(null);
  const box = useRef<HTMLInputElement>(null);
  const failed = () => {
    setCopied('failed');
    box.current?.select();
  };
  return (
    <section className={styles.secret} aria-labelledby="token-secret-title" data-testid="token-secret-box">
      <h2 id="token-secret-title">{t('tokens.secretTitle', { name: secret.name })}</h2>
      <p className={styles.warning} role="alert">
        {t('tokens.secretWarning')}
      </p>
      <div className={styles.secretRow}>
        <input
          ref={box}
          className={styles.secretValue}
          readOnly
          value={secret.token}
          aria-label={t('tokens.secretLabel')}
          onFocus={(e) => e.currentTarget.select()}
          spellCheck={false}
          data-testid="token-secret"
        />
        <button
          type="button"
          className={`${styles.button} ${styles.primary}`}
          onClick={() => {
            // The Clipboard API needs a secure context (https or localhost); elsewhere the box is selected for Ctrl+C.
            if (!navigator.clipboard) return failed();
            navigator.clipboard.writeText(secret.token).then(() => setCopied('ok'), failed);
          }}
          data-testid="token-secret-copy"
        >
          {t('tokens.copy')}
        </button>
      </div>
      {copied ? (
        <p className={copied === 'ok' ? styles.ok : styles.error} role="status">
          {t(copied === 'ok' ? 'tokens.copied' : 'tokens.copyFailed')}
        </p>
      ) : null}
      <button type="button" className={styles.button} onClick={onDismiss} data-testid="token-secret-dismiss">
        {t('tokens.dismiss')}
      </button>
    </section>
  );
}

function CreateToken({
  scope,
  options,
  onClose,
  onCreated,
}: {
  scope: string;
  options: Parameters<typeof OrgPicker>[0]['options'];
  onClose: () => void;
  onCreated: (s: Secret) => void;
}) {
  const t = useT();
  const trpc = useTRPC();
  const create = useMutation(trpc.tokens.create.mutationOptions());
  const [name, setName] = useState('');
  const [role, setRole] = useState<PersonRole>('viewer');
  const [orgCode, setOrgCode] = useState(scope);
  const [expires, setExpires] = useState('');
  const [tried, setTried] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const orgProblem = useOrgProblem(orgCode.trim(), scope);
  const expiry = parseExpiryDays(expires);

  return (
    <section className={styles.panel} aria-labelledby="token-create-title">
      <h2 id="token-create-title">{t('tokens.new')}</h2>
      <form
        className={styles.form}
        data-testid="token-create-form"
        onSubmit={(e) => {
          e.preventDefault();
          setTried(true);
          if (orgProblem || !expiry.ok || !name.trim()) return;
          setError(null);
          const input = { name: name.trim(), role, orgCode: orgCode.trim(), ...(expiry.days ? { expiresInDays: expiry.days } : {}) };
          create.mutate(input, {
            onSuccess: (r) => onCreated({ name: input.name, token: r.token }),
            onError: (err) => setError(errorMessage(err)),
          });
        }}
      >
        <Field label={t('tokens.name')}>
          <input
            className={styles.input}
            value={name}
            placeholder={t('tokens.namePlaceholder')}
            onChange={(e) => setName(e.target.value)}
            required
            maxLength={64}
            data-testid="token-create-name"
          />
        </Field>
        <Field label={t('admin.role')}>
          <RoleSelect value={role} onChange={setRole} testId="token-create-role" />
        </Field>
        <OrgPicker
          value={orgCode}
          onChange={setOrgCode}
          options={options}
          scope={scope}
          testId="token-create-org"
          showProblem={tried || orgCode !== scope}
        />
        <Field label={t('tokens.expires')} hint={t('tokens.expiresHint')} error={expiry.ok ? null : t('tokens.expiresInvalid')}>
          <input
            className={styles.input}
            value={expires}
            inputMode="numeric"
            maxLength={4}
            onChange={(e) => setExpires(e.target.value)}
            aria-invalid={expiry.ok ? undefined : true}
            data-testid="token-create-expires"
          />
        </Field>
        <div className={styles.actions}>
          <button
            type="submit"
            className={`${styles.button} ${styles.primary}`}
            disabled={create.isPending}
            data-testid="token-create-submit"
          >
            {create.isPending ? t('admin.creating') : t('admin.create')}
          </button>
          <button type="button" className={styles.button} onClick={onClose}>
            {t('admin.cancel')}
          </button>
        </div>
      </form>
      {error ? (
        <p className={styles.error} role="alert" data-testid="token-create-error">
          {t('admin.actionError', { message: error })}
        </p>
      ) : null}
    </section>
  );
}
