'use client';

import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import type { PersonRole } from '@/server/auth/roles';
import { isRole } from '@/server/auth/roles';
import { useTRPC } from '@/app/_trpc/client';
import { useT } from '../../_i18n/LocaleProvider';
import { PageShell } from '../nav/PageShell';
import { errorMessage } from '../rules/trpc-errors';
import { newUserInput, passwordProblem, userPatch, userState, type UserState } from './admin-values';
import styles from './admin.module.css';
import { formatBeijing } from './audit-filters';
import { Field, Notice, OrgPicker, RoleSelect, orgLabel, useOrgProblem, useOrgs, useRoleLabel } from './controls';
import type { OrgTree } from './org-tree';

interface UserRow {
  id: string;
  username: string;
  displayName: string;
  email: string | null;
  role: string;
  orgCode: string;
  disabled: boolean;
  failedSignIns: number;
  lockedUntil: string | null;
  lastSignInAt: string | null;
}

type NoticeState = { ok: boolean; text: string } | null;
type Panel = { kind: 'create' } | { kind: 'edit'; user: UserRow } | { kind: 'password'; user: UserRow } | null;

const STATE_CLASS: Record<UserState, string | undefined> = {
  active: styles.stateActive,
  locked: styles.stateLocked,
  disabled: styles.stateDisabled,
};

/** 用户管理: the people within the administrator's scope; create, edit role/unit, disable, unlock, reset password. */
export function UsersAdmin({
  tree,
  scope,
  self,
}: {
  tree: OrgTree;
  scope: string;
  /** The signed-in administrator's username. */ self: string;
}) {
  const t = useT();
  const trpc = useTRPC();
  const qc = useQueryClient();
  const users = useQuery(trpc.users.list.queryOptions());
  const { options, orgName } = useOrgs(tree, scope);
  const roleLabel = useRoleLabel();
  const [panel, setPanel] = useState<Panel>(null);
  const [notice, setNotice] = useState<NoticeState>(null);
  const refresh = () => qc.invalidateQueries({ queryKey: trpc.users.list.queryKey() });
  const failed = (err: unknown) => setNotice({ ok: false, text: t('admin.actionError', { message: errorMessage(err) }) });

  const update = useMutation(trpc.users.update.mutationOptions());
  const unlock = useMutation(trpc.users.unlock.mutationOptions());
  const busy = update.isPending || unlock.isPending;

  const setDisabled = (u: UserRow, disabled: boolean) => {
    if (disabled && !window.confirm(t('users.disableConfirm', { name: u.username }))) return;
    update.mutate(
      { id: u.id, disabled },
      {
        onSuccess: () => {
          setNotice({ ok: true, text: t(disabled ? 'users.disabled' : 'users.enabled', { name: u.username }) });
          void refresh();
        },
        onError: failed,
      },
    );
  };

  const list: UserRow[] = users.data ?? [];
  const now = users.dataUpdatedAt;
  const states = list.map((u) => userState(u, now));

  return (
    <PageShell title={t('users.title')} testId="users-admin">
      <div className={styles.toolbar}>
        <button
          type="button"
          className={`${styles.button} ${styles.primary}`}
          onClick={() => {
            setPanel({ kind: 'create' });
            setNotice(null);
          }}
          data-testid="user-new"
        >
          + {t('users.new')}
        </button>
        {users.data ? (
          <span className={styles.summary}>
            {t('users.summary', {
              n: list.length,
              disabled: states.filter((s) => s === 'disabled').length,
              locked: states.filter((s) => s === 'locked').length,
            })}
          </span>
        ) : null}
      </div>
      <Notice notice={notice} testId="users-notice" />
      {panel?.kind === 'create' ? (
        <CreateUser
          key="create"
          scope={scope}
          options={options}
          onClose={() => setPanel(null)}
          onCreated={(name) => {
            setPanel(null);
            setNotice({ ok: true, text: t('users.created', { name }) });
            void refresh();
          }}
        />
      ) : panel?.kind === 'edit' ? (
        <EditUser
          key={`edit-${panel.user.id}`}
          user={panel.user}
          scope={scope}
          options={options}
          onClose={() => setPanel(null)}
          onSaved={(text) => {
            setPanel(null);
            setNotice({ ok: true, text });
            void refresh();
          }}
        />
      ) : panel?.kind === 'password' ? (
        <SetPassword
          key={`pw-${panel.user.id}`}
          user={panel.user}
          onClose={() => setPanel(null)}
          onSaved={() => {
            setPanel(null);
            setNotice({ ok: true, text: t('users.passwordSet', { name: panel.user.username }) });
            void refresh();
          }}
        />
      ) : null}

      {users.isError && !users.data ? (
        <p className={styles.error} role="alert">
          {t('admin.loadError', { message: errorMessage(users.error) })}
        </p>
      ) : !users.data ? (
        <p className={styles.muted}>{t('common.loading')}</p>
      ) : (
        <div className={styles.tableWrap}>
          <table className={styles.table} data-testid="users-table">
            <thead>
              <tr>
                <th scope="col">{t('users.col.username')}</th>
                <th scope="col">{t('users.col.displayName')}</th>
                <th scope="col">{t('users.col.role')}</th>
                <th scope="col">{t('users.col.org')}</th>
                <th scope="col">{t('users.col.state')}</th>
                <th scope="col">{t('users.col.lastSignIn')}</th>
                <th scope="col">{t('admin.actions')}</th>
              </tr>
            </thead>
            <tbody>
              {list.length === 0 ? (
                <tr>
                  <td colSpan={7} className={styles.muted}>
                    {t('admin.empty')}
                  </td>
                </tr>
              ) : null}
              {list.map((u, i) => {
                const state = states[i] ?? 'active';
                return (
                  <tr key={u.id} data-state={state} data-testid={`user-row-${u.username}`}>
                    <td className={styles.mono}>{u.username}</td>
                    <td>{u.displayName}</td>
                    <td>{roleLabel(u.role)}</td>
                    <td>{orgLabel(orgName, u.orgCode)}</td>
                    <td className={STATE_CLASS[state]} data-testid={`user-state-${u.username}`}>
                      {state === 'locked'
                        ? t('users.state.lockedUntil', { time: formatBeijing(u.lockedUntil) })
                        : t(`users.state.${state}`)}
                    </td>
                    <td>{u.lastSignInAt ? formatBeijing(u.lastSignInAt) : t('admin.never')}</td>
                    <td>
                      <div className={styles.rowActions}>
                        <button
                          type="button"
                          className={`${styles.button} ${styles.small}`}
                          onClick={() => {
                            setPanel({ kind: 'edit', user: u });
                            setNotice(null);
                          }}
                          data-testid={`user-edit-${u.id}`}
                        >
                          {t('users.edit')}
                        </button>
                        <button
                          type="button"
                          className={`${styles.button} ${styles.small}`}
                          onClick={() => {
                            setPanel({ kind: 'password', user: u });
                            setNotice(null);
                          }}
                          data-testid={`user-password-${u.id}`}
                        >
                          {t('users.resetPassword')}
                        </button>
                        {state === 'locked' || u.failedSignIns > 0 ? (
                          <button
                            type="button"
                            className={`${styles.button} ${styles.small}`}
                            disabled={busy}
                            onClick={() =>
                              unlock.mutate(
                                { id: u.id },
                                {
                                  onSuccess: () => {
                                    setNotice({ ok: true, text: t('users.unlocked', { name: u.username }) });
                                    void refresh();
                                  },
                                  onError: failed,
                                },
                              )
                            }
                            data-testid={`user-unlock-${u.id}`}
                          >
                            {t('users.unlock')}
                          </button>
                        ) : null}
                        <button
                          type="button"
                          className={`${styles.button} ${styles.small} ${u.disabled ? '' : styles.danger}`}
                          // The server refuses disabling yourself; the button says so up front.
                          disabled={busy || (!u.disabled && u.username === self)}
                          onClick={() => setDisabled(u, !u.disabled)}
                          data-testid={`user-${u.disabled ? 'enable' : 'disable'}-${u.id}`}
                        >
                          {u.disabled ? t('users.enable') : t('users.disable')}
                        </button>
                      </div>
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

function PasswordHint({ password, touched }: { password: string; touched: boolean }) {
  const t = useT();
  const problem = touched && password ? passwordProblem(password) : null;
  return problem ? (
    <span className={styles.fieldError}>{t(problem === 'length' ? 'users.passwordLength' : 'users.passwordMix')}</span>
  ) : (
    <span className={styles.fieldHint}>{t('users.passwordHint')}</span>
  );
}

function CreateUser({
  scope,
  options,
  onClose,
  onCreated,
}: {
  scope: string;
  options: Parameters<typeof OrgPicker>[0]['options'];
  onClose: () => void;
  onCreated: (username: string) => void;
}) {
  const t = useT();
  const trpc = useTRPC();
  const create = useMutation(trpc.users.create.mutationOptions());
  const [form, setForm] = useState({
    username: '',
    displayName: '',
    role: 'viewer' as PersonRole,
    orgCode: scope,
    email: '',
    password: '',
  });
  const [tried, setTried] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const orgProblem = useOrgProblem(form.orgCode.trim(), scope);
  const set = <K extends keyof typeof form>(k: K, v: (typeof form)[K]) => setForm((f) => ({ ...f, [k]: v }));

  return (
    <section className={styles.panel} aria-labelledby="user-create-title">
      <h2 id="user-create-title">{t('users.new')}</h2>
      <form
        className={styles.form}
        data-testid="user-create-form"
        onSubmit={(e) => {
          e.preventDefault();
          setTried(true);
          if (orgProblem || !form.username.trim() || !form.displayName.trim()) return;
          setError(null);
          create.mutate(newUserInput(form), {
            onSuccess: (u) => onCreated(u.username),
            onError: (err) => setError(errorMessage(err)),
          });
        }}
      >
        <Field label={t('users.username')} hint={t('users.usernameHint')}>
          <input
            className={`${styles.input} ${styles.mono}`}
            value={form.username}
            onChange={(e) => set('username', e.target.value)}
            autoComplete="off"
            required
            maxLength={64}
            data-testid="user-create-username"
          />
        </Field>
        <Field label={t('users.displayName')}>
          <input
            className={styles.input}
            value={form.displayName}
            onChange={(e) => set('displayName', e.target.value)}
            required
            maxLength={64}
            data-testid="user-create-display-name"
          />
        </Field>
        <Field label={t('admin.role')}>
          <RoleSelect value={form.role} onChange={(r) => set('role', r)} testId="user-create-role" />
        </Field>
        <OrgPicker
          value={form.orgCode}
          onChange={(c) => set('orgCode', c)}
          options={options}
          scope={scope}
          testId="user-create-org"
          showProblem={tried || form.orgCode !== scope}
        />
        <Field label={t('users.email')}>
          <input
            className={styles.input}
            type="email"
            value={form.email}
            onChange={(e) => set('email', e.target.value)}
            maxLength={200}
            data-testid="user-create-email"
          />
        </Field>
        <label className={styles.field}>
          <span className={styles.fieldLabel}>{t('users.password')}</span>
          <input
            className={styles.input}
            type="password"
            autoComplete="new-password"
            value={form.password}
            onChange={(e) => set('password', e.target.value)}
            required
            maxLength={128}
            data-testid="user-create-password"
          />
          <PasswordHint password={form.password} touched={tried || form.password.length >= 10} />
        </label>
        <div className={styles.actions}>
          <button
            type="submit"
            className={`${styles.button} ${styles.primary}`}
            disabled={create.isPending}
            data-testid="user-create-submit"
          >
            {create.isPending ? t('admin.creating') : t('admin.create')}
          </button>
          <button type="button" className={styles.button} onClick={onClose}>
            {t('admin.cancel')}
          </button>
        </div>
      </form>
      {error ? (
        <p className={styles.error} role="alert" data-testid="user-create-error">
          {t('admin.actionError', { message: error })}
        </p>
      ) : null}
    </section>
  );
}

function EditUser({
  user,
  scope,
  options,
  onClose,
  onSaved,
}: {
  user: UserRow;
  scope: string;
  options: Parameters<typeof OrgPicker>[0]['options'];
  onClose: () => void;
  onSaved: (message: string) => void;
}) {
  const t = useT();
  const trpc = useTRPC();
  const update = useMutation(trpc.users.update.mutationOptions());
  const [form, setForm] = useState({
    displayName: user.displayName,
    role: (isRole(user.role) && user.role !== 'wall_display' ? user.role : 'viewer') as PersonRole,
    orgCode: user.orgCode,
  });
  const [error, setError] = useState<string | null>(null);
  const orgProblem = useOrgProblem(form.orgCode.trim(), scope);

  return (
    <section className={styles.panel} aria-labelledby="user-edit-title">
      <h2 id="user-edit-title">{t('users.editTitle', { name: user.username })}</h2>
      <p className={styles.intro}>{t('users.sessionsNote')}</p>
      <form
        className={styles.form}
        data-testid="user-edit-form"
        onSubmit={(e) => {
          e.preventDefault();
          if (orgProblem) return;
          const patch = userPatch(user, form);
          if (Object.keys(patch).length === 0) {
            setError(t('users.nothingChanged'));
            return;
          }
          setError(null);
          update.mutate(
            { id: user.id, ...patch },
            { onSuccess: () => onSaved(t('users.updated', { name: user.username })), onError: (err) => setError(errorMessage(err)) },
          );
        }}
      >
        <Field label={t('users.displayName')}>
          <input
            className={styles.input}
            value={form.displayName}
            onChange={(e) => setForm((f) => ({ ...f, displayName: e.target.value }))}
            required
            maxLength={64}
            data-testid="user-edit-display-name"
          />
        </Field>
        <Field label={t('admin.role')}>
          <RoleSelect value={form.role} onChange={(role) => setForm((f) => ({ ...f, role }))} testId="user-edit-role" />
        </Field>
        <OrgPicker
          value={form.orgCode}
          onChange={(orgCode) => setForm((f) => ({ ...f, orgCode }))}
          options={options}
          scope={scope}
          testId="user-edit-org"
          showProblem
        />
        <div className={styles.actions}>
          <button type="submit" className={`${styles.button} ${styles.primary}`} disabled={update.isPending} data-testid="user-edit-submit">
            {update.isPending ? t('admin.saving') : t('admin.save')}
          </button>
          <button type="button" className={styles.button} onClick={onClose}>
            {t('admin.cancel')}
          </button>
        </div>
      </form>
      {error ? (
        <p className={styles.error} role="alert" data-testid="user-edit-error">
          {error}
        </p>
      ) : null}
    </section>
  );
}

function SetPassword({ user, onClose, onSaved }: { user: UserRow; onClose: () => void; onSaved: () => void }) {
  const t = useT();
  const trpc = useTRPC();
  const setPassword = useMutation(trpc.users.setPassword.mutationOptions());
  const [password, setPasswordText] = useState('');
  const [tried, setTried] = useState(false);
  const [error, setError] = useState<string | null>(null);

  return (
    <section className={styles.panel} aria-labelledby="user-password-title">
      <h2 id="user-password-title">{t('users.passwordTitle', { name: user.username })}</h2>
      <p className={styles.intro}>{t('users.passwordNote')}</p>
      <form
        className={styles.form}
        data-testid="user-password-form"
        onSubmit={(e) => {
          e.preventDefault();
          setTried(true);
          setError(null);
          setPassword.mutate({ id: user.id, password }, { onSuccess: onSaved, onError: (err) => setError(errorMessage(err)) });
        }}
      >
        <label className={styles.field}>
          <span className={styles.fieldLabel}>{t('users.newPassword')}</span>
          <input
            className={styles.input}
            type="password"
            autoComplete="new-password"
            value={password}
            onChange={(e) => setPasswordText(e.target.value)}
            required
            maxLength={128}
            data-testid="user-password-input"
          />
          <PasswordHint password={password} touched={tried || password.length >= 10} />
        </label>
        <div className={styles.actions}>
          <button
            type="submit"
            className={`${styles.button} ${styles.primary}`}
            disabled={setPassword.isPending}
            data-testid="user-password-submit"
          >
            {setPassword.isPending ? t('admin.saving') : t('admin.save')}
          </button>
          <button type="button" className={styles.button} onClick={onClose}>
            {t('admin.cancel')}
          </button>
        </div>
      </form>
      {error ? (
        <p className={styles.error} role="alert" data-testid="user-password-error">
          {t('admin.actionError', { message: error })}
        </p>
      ) : null}
    </section>
  );
}
