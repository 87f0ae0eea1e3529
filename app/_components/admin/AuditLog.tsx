'use client';

import { useInfiniteQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { useTRPC } from '@/app/_trpc/client';
import type { MessageKey } from '../../_i18n/locale';
import { useT } from '../../_i18n/LocaleProvider';
import { PageShell } from '../nav/PageShell';
import { errorMessage } from '../rules/trpc-errors';
import styles from './admin.module.css';
import {
  AUDIT_ACTION_PREFIXES,
  AUDIT_PAGE_SIZE,
  auditSearchInput,
  detailText,
  EMPTY_AUDIT_FILTERS,
  formatBeijing,
  type AuditActionPrefix,
  type AuditFilters,
  type AuditSearchInput,
} from './audit-filters';
import { Field } from './controls';

const familyKey = (p: AuditActionPrefix) => `audit.family.${p.slice(0, -1)}` as MessageKey;

const PROBLEM_KEY = { from: 'audit.badFrom', to: 'audit.badTo', range: 'audit.badRange' } as const;

/** 审计日志: the append-only log, newest first, filtered by actor, action family, target, keyword and time; paged. */
export function AuditLog() {
  const t = useT();
  const trpc = useTRPC();
  const [draft, setDraft] = useState<AuditFilters>(EMPTY_AUDIT_FILTERS);
  const [input, setInput] = useState<AuditSearchInput>({ limit: AUDIT_PAGE_SIZE });
  const [problem, setProblem] = useState<keyof typeof PROBLEM_KEY | null>(null);
  const log = useInfiniteQuery(trpc.audit.search.infiniteQueryOptions(input, { getNextPageParam: (last) => last.nextCursor ?? undefined }));
  const rows = log.data?.pages.flatMap((p) => p.rows) ?? [];
  const set = <K extends keyof AuditFilters>(k: K, v: AuditFilters[K]) => setDraft((f) => ({ ...f, [k]: v }));
  const apply = (f: AuditFilters) => {
    const r = auditSearchInput(f);
    if (!r.ok) return setProblem(r.problem);
    setProblem(null);
    setInput(r.input);
  };

  return (
    <PageShell title={t('audit.title')} testId="audit-log">
      <p className={styles.intro}>{t('audit.hint')}</p>
      <section className={styles.panel}>
        <form
          className={styles.form}
          role="search"
          data-testid="audit-filters"
          onSubmit={(e) => {
            e.preventDefault();
            apply(draft);
          }}
        >
          <Field label={t('audit.action')}>
            <select
              className={styles.input}
              value={draft.action}
              onChange={(e) => set('action', e.target.value as AuditFilters['action'])}
              data-testid="audit-filter-action"
            >
              <option value="">{t('audit.allActions')}</option>
              {AUDIT_ACTION_PREFIXES.map((p) => (
                <option key={p} value={p}>
                  {t(familyKey(p))} ({p}*)
                </option>
              ))}
            </select>
          </Field>
          <Field label={t('audit.actor')}>
            <input
              className={styles.input}
              value={draft.actor}
              onChange={(e) => set('actor', e.target.value)}
              maxLength={80}
              data-testid="audit-filter-actor"
            />
          </Field>
          <Field label={t('audit.target')}>
            <input
              className={styles.input}
              value={draft.target}
              onChange={(e) => set('target', e.target.value)}
              maxLength={80}
              data-testid="audit-filter-target"
            />
          </Field>
          <Field label={t('audit.text')}>
            <input
              className={styles.input}
              type="search"
              value={draft.text}
              onChange={(e) => set('text', e.target.value)}
              maxLength={80}
              data-testid="audit-filter-text"
            />
          </Field>
          <Field label={t('audit.from')} error={problem === 'from' ? t(PROBLEM_KEY.from) : null}>
            <input
              className={styles.input}
              type="datetime-local"
              value={draft.from}
              onChange={(e) => set('from', e.target.value)}
              aria-invalid={problem === 'from' || problem === 'range' ? true : undefined}
              data-testid="audit-filter-from"
            />
          </Field>
          <Field label={t('audit.to')} error={problem === 'to' || problem === 'range' ? t(PROBLEM_KEY[problem]) : null}>
            <input
              className={styles.input}
              type="datetime-local"
              value={draft.to}
              onChange={(e) => set('to', e.target.value)}
              aria-invalid={problem === 'to' || problem === 'range' ? true : undefined}
              data-testid="audit-filter-to"
            />
          </Field>
          <div className={styles.actions}>
            <button type="submit" className={`${styles.button} ${styles.primary}`} data-testid="audit-search">
              {t('audit.search')}
            </button>
            <button
              type="button"
              className={styles.button}
              onClick={() => {
                setDraft(EMPTY_AUDIT_FILTERS);
                apply(EMPTY_AUDIT_FILTERS);
              }}
              data-testid="audit-reset"
            >
              {t('audit.reset')}
            </button>
          </div>
        </form>
      </section>

      {log.isError && !log.data ? (
        <p className={styles.error} role="alert">
          {t('admin.loadError', { message: errorMessage(log.error) })}
        </p>
      ) : !log.data ? (
        <p className={styles.muted}>{t('common.loading')}</p>
      ) : (
        <>
          <div className={styles.tableWrap}>
            <table className={styles.table} data-testid="audit-table">
              <thead>
                <tr>
                  <th scope="col">{t('audit.col.at')}</th>
                  <th scope="col">{t('audit.col.actor')}</th>
                  <th scope="col">{t('audit.col.action')}</th>
                  <th scope="col">{t('audit.col.target')}</th>
                  <th scope="col">{t('audit.col.detail')}</th>
                </tr>
              </thead>
              <tbody>
                {rows.length === 0 ? (
                  <tr>
                    <td colSpan={5} className={styles.muted}>
                      {t('admin.empty')}
                    </td>
                  </tr>
                ) : null}
                {rows.map((r) => (
                  <tr key={r.id} data-testid={`audit-row-${r.id}`} data-action={r.action}>
                    <td className={styles.mono}>{formatBeijing(r.at)}</td>
                    <td>{r.actor}</td>
                    <td className={styles.mono}>{r.action}</td>
                    <td className={styles.mono}>{r.target ?? '—'}</td>
                    <td className={`${styles.detail} ${styles.mono}`}>
                      <AuditDetail text={detailText(r.detail)} />
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          <div className={styles.footer}>
            <span className={styles.muted} role="status" data-testid="audit-count">
              {log.hasNextPage ? t('audit.count', { n: rows.length }) : t('audit.countAll', { n: rows.length })}
            </span>
            {log.hasNextPage ? (
              <button
                type="button"
                className={styles.button}
                disabled={log.isFetchingNextPage}
                onClick={() => void log.fetchNextPage()}
                data-testid="audit-load-more"
              >
                {log.isFetchingNextPage ? t('audit.loading') : t('audit.loadMore')}
              </button>
            ) : null}
            {log.isError && log.data ? (
              <span className={styles.error} role="alert">
                {t('admin.loadError', { message: errorMessage(log.error) })}
              </span>
            ) : null}
          </div>
        </>
      )}
    </PageShell>
  );
}

const DETAIL_PREVIEW = 160;

/** A long detail (a whole saved layout) is shown folded: its start, the rest on request. */
function AuditDetail({ text }: { text: string }) {
  if (text.length <= DETAIL_PREVIEW) return <>{text}</>;
  return (
    <details>
      <summary>{`${text.slice(0, DETAIL_PREVIEW)}…`}</summary>
      {text}
    </details>
  );
}
