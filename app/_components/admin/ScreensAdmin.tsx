'use client';

import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useTRPC } from '@/app/_trpc/client';
import { useLocale, useT } from '../../_i18n/LocaleProvider';
import { PageShell } from '../nav/PageShell';
import { errorMessage } from '../rules/trpc-errors';
import { canApprove, normalisePairCode, tokenState, type TokenState } from './admin-values';
import styles from './admin.module.css';
import { formatBeijing } from './audit-filters';
import { Field, Notice, orgLabel, useOrgs } from './controls';
import type { OrgTree } from './org-tree';

const STATE_CLASS: Record<TokenState, string | undefined> = {
  active: styles.stateActive,
  expired: styles.stateExpired,
  revoked: styles.stateRevoked,
};

type Named = { zh: string; en: string };

/**
 * 大屏终端: pair a screen that shows a pairing code with a layout (or one zone of it), and the paired screens
 * (their display tokens) with their last contact, each revocable.
 */
export function ScreensAdmin({ tree, scope }: { tree: OrgTree; scope: string }) {
  const t = useT();
  const locale = useLocale();
  const trpc = useTRPC();
  const qc = useQueryClient();
  // A screen appears here once it has collected its token (its next poll after approval): refresh on a timer.
  const screens = useQuery({ ...trpc.screens.list.queryOptions(), refetchInterval: 10_000 });
  const layouts = useQuery(trpc.wall.layouts.queryOptions());
  const { orgName } = useOrgs(tree, scope);
  const revoke = useMutation(trpc.tokens.revoke.mutationOptions());
  const [notice, setNotice] = useState<{ ok: boolean; text: string } | null>(null);
  const name = (n: Named | undefined) => (n ? (locale === 'en' ? n.en : n.zh) : '');

  const layoutById = new Map((layouts.data ?? []).map((l) => [l.id, l]));
  const layoutName = (id: string | null) => (id ? name(layoutById.get(id)?.name) || id : '—');
  const zoneName = (layoutId: string | null, zoneId: string | null) => {
    if (!zoneId) return t('screens.allZones');
    const z = layoutId ? layoutById.get(layoutId)?.zones.find((x) => x.id === zoneId) : undefined;
    return name(z?.name) || zoneId;
  };
  const list = screens.data ?? [];
  const now = screens.dataUpdatedAt;

  return (
    <PageShell title={t('screens.title')} testId="screens-admin">
      <PairForm
        layouts={(layouts.data ?? []).filter((l) => l.valid)}
        layoutsLoaded={!!layouts.data}
        layoutsError={layouts.isError && !layouts.data ? errorMessage(layouts.error) : null}
        orgName={orgName}
        onApproved={(code) => {
          setNotice({ ok: true, text: t('screens.approved', { code }) });
          void qc.invalidateQueries({ queryKey: trpc.screens.list.queryKey() });
        }}
      />
      <h2 className={styles.sectionTitle}>{t('screens.listTitle')}</h2>
      <Notice notice={notice} testId="screens-notice" />
      {screens.isError && !screens.data ? (
        <p className={styles.error} role="alert">
          {t('admin.loadError', { message: errorMessage(screens.error) })}
        </p>
      ) : !screens.data ? (
        <p className={styles.muted}>{t('common.loading')}</p>
      ) : (
        <div className={styles.tableWrap}>
          <table className={styles.table} data-testid="screens-table">
            <thead>
              <tr>
                <th scope="col">{t('screens.col.name')}</th>
                <th scope="col">{t('screens.col.layout')}</th>
                <th scope="col">{t('screens.col.zone')}</th>
                <th scope="col">{t('screens.col.org')}</th>
                <th scope="col">{t('screens.col.created')}</th>
                <th scope="col">{t('screens.col.lastUsed')}</th>
                <th scope="col">{t('screens.col.state')}</th>
                <th scope="col">{t('admin.actions')}</th>
              </tr>
            </thead>
            <tbody>
              {list.length === 0 ? (
                <tr>
                  <td colSpan={8} className={styles.muted}>
                    {t('admin.empty')}
                  </td>
                </tr>
              ) : null}
              {list.map((s) => {
                const state = tokenState(s, now);
                return (
                  <tr key={s.id} data-state={state} data-testid={`screen-row-${s.id}`}>
                    <td>{s.name}</td>
                    <td>{layoutName(s.layoutId)}</td>
                    <td>{zoneName(s.layoutId, s.zoneId)}</td>
                    <td>{orgLabel(orgName, s.orgCode)}</td>
                    <td>{formatBeijing(s.createdAt)}</td>
                    <td>{s.lastUsedAt ? formatBeijing(s.lastUsedAt) : t('admin.never')}</td>
                    <td className={STATE_CLASS[state]} data-testid={`screen-state-${s.id}`}>
                      {t(`tokens.state.${state}`)}
                    </td>
                    <td>
                      {state === 'revoked' ? null : (
                        <button
                          type="button"
                          className={`${styles.button} ${styles.small} ${styles.danger}`}
                          disabled={revoke.isPending}
                          onClick={() => {
                            if (!window.confirm(t('screens.revokeConfirm', { name: s.name }))) return;
                            revoke.mutate(
                              { id: s.id },
                              {
                                onSuccess: () => {
                                  setNotice({ ok: true, text: t('tokens.revokedOk', { name: s.name }) });
                                  void qc.invalidateQueries({ queryKey: trpc.screens.list.queryKey() });
                                },
                                onError: (err) => setNotice({ ok: false, text: t('admin.actionError', { message: errorMessage(err) }) }),
                              },
                            );
                          }}
                          data-testid={`screen-revoke-${s.id}`}
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

/** The approval form: the code the screen shows, the layout and zone it will show, and a name for it. */
function PairForm({
  layouts,
  layoutsLoaded,
  layoutsError,
  orgName,
  onApproved,
}: {
  layouts: { id: string; name: Named }[];
  layoutsLoaded: boolean;
  layoutsError: string | null;
  orgName: (code: string) => string;
  onApproved: (code: string) => void;
}) {
  const t = useT();
  const locale = useLocale();
  const trpc = useTRPC();
  const [code, setCode] = useState('');
  const [picked, setPicked] = useState<string | null>(null);
  const [zoneId, setZoneId] = useState('');
  const [screenName, setScreenName] = useState('');
  const [error, setError] = useState<string | null>(null);
  const layoutId = picked ?? layouts[0]?.id ?? '';
  // The zones with the org node each shows (the list of layouts carries zone names only).
  const layout = useQuery({ ...trpc.wall.layout.queryOptions({ layoutId: layoutId || 'none' }), enabled: !!layoutId, staleTime: 60_000 });
  const zones = layout.data?.layout.id === layoutId ? layout.data.layout.zones : [];
  const approve = useMutation(trpc.screens.approve.mutationOptions());
  const name = (n: Named) => (locale === 'en' ? n.en : n.zh);
  const ready = canApprove({ code, layoutId, name: screenName });

  return (
    <section className={styles.panel} aria-labelledby="pair-title">
      <h2 id="pair-title">{t('screens.pairTitle')}</h2>
      <p className={styles.intro}>{t('screens.pairIntro')}</p>
      {layoutsError ? (
        <p className={styles.error} role="alert">
          {t('admin.loadError', { message: layoutsError })}
        </p>
      ) : layoutsLoaded && layouts.length === 0 ? (
        <p className={styles.error}>{t('screens.noLayouts')}</p>
      ) : null}
      <form
        className={styles.form}
        data-testid="pair-form"
        onSubmit={(e) => {
          e.preventDefault();
          if (!ready) return;
          const normalised = normalisePairCode(code);
          setError(null);
          approve.mutate(
            { code: normalised, layoutId, zoneId: zoneId || null, name: screenName.trim() },
            {
              onSuccess: () => {
                onApproved(normalised);
                setCode('');
                setScreenName('');
              },
              onError: (err) => setError(errorMessage(err)),
            },
          );
        }}
      >
        <Field label={t('screens.code')}>
          <input
            className={`${styles.input} ${styles.code}`}
            value={code}
            onChange={(e) => setCode(e.target.value.toUpperCase())}
            autoComplete="off"
            spellCheck={false}
            maxLength={12}
            size={10}
            required
            data-testid="pair-code-input"
          />
        </Field>
        <Field label={t('screens.layout')}>
          <select
            className={styles.input}
            value={layoutId}
            onChange={(e) => {
              setPicked(e.target.value);
              setZoneId('');
            }}
            disabled={layouts.length === 0}
            data-testid="pair-layout"
          >
            {layouts.map((l) => (
              <option key={l.id} value={l.id}>
                {name(l.name)} ({l.id})
              </option>
            ))}
          </select>
        </Field>
        <Field label={t('screens.zone')}>
          <select className={styles.input} value={zoneId} onChange={(e) => setZoneId(e.target.value)} data-testid="pair-zone">
            <option value="">{t('screens.wholeLayout')}</option>
            {zones.map((z) => (
              <option key={z.id} value={z.id}>
                {t('screens.zoneOrg', { zone: name(z.name), org: orgLabel(orgName, z.orgCode) })}
              </option>
            ))}
          </select>
        </Field>
        <Field label={t('screens.name')}>
          <input
            className={styles.input}
            value={screenName}
            placeholder={t('screens.namePlaceholder')}
            onChange={(e) => setScreenName(e.target.value)}
            maxLength={64}
            required
            data-testid="pair-name"
          />
        </Field>
        <div className={styles.actions}>
          <button
            type="submit"
            className={`${styles.button} ${styles.primary}`}
            disabled={!ready || approve.isPending}
            data-testid="pair-approve"
          >
            {approve.isPending ? t('screens.approving') : t('screens.approve')}
          </button>
        </div>
      </form>
      {error ? (
        <p className={styles.error} role="alert" data-testid="pair-error">
          {t('admin.actionError', { message: error })}
        </p>
      ) : null}
    </section>
  );
}
