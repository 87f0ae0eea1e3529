'use client';

import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useTRPC } from '@/app/_trpc/client';
import { useT } from '../../_i18n/LocaleProvider';
import styles from './duty.module.css';
import { errorText, RUN_LOG_CATEGORIES } from './lifecycle';
import { formatBeijing } from './shift';
import { Pager } from './SupervisionTab';
import type { DutyUser } from './types';

type Category = (typeof RUN_LOG_CATEGORIES)[number];
const PAGE_SIZE = 50;

/** 运行日志: the entries of the person's scope, newest first (search, category, pages), and a box to write one. */
export function RunLogTab({ user, refetchInterval }: { user: DutyUser; refetchInterval: number | false }) {
  const t = useT();
  const trpc = useTRPC();
  const qc = useQueryClient();
  const [text, setText] = useState('');
  const [query, setQuery] = useState('');
  const [category, setCategory] = useState<Category | ''>('');
  const [page, setPage] = useState(1);
  const [entry, setEntry] = useState('');
  const [entryCat, setEntryCat] = useState<Category>('note');
  const list = useQuery({
    ...trpc.runlog.search.queryOptions({ ...(query ? { text: query } : {}), ...(category ? { category } : {}), page, pageSize: PAGE_SIZE }),
    refetchInterval,
    placeholderData: (prev) => prev,
  });
  const write = useMutation(
    trpc.runlog.write.mutationOptions({
      onSuccess: () => {
        setEntry('');
        void qc.invalidateQueries({ queryKey: trpc.runlog.pathKey() });
      },
    }),
  );
  const canWrite = user.permissions.includes('duty.act');

  return (
    <section className={styles.panel} data-testid="duty-runlog">
      {canWrite ? (
        <form
          className={styles.form}
          onSubmit={(e) => {
            e.preventDefault();
            if (entry.trim()) write.mutate({ orgCode: user.orgCode, category: entryCat, text: entry.trim() });
          }}
        >
          <textarea
            className={styles.textarea}
            value={entry}
            onChange={(e) => setEntry(e.target.value)}
            maxLength={2000}
            placeholder={t('duty.log.placeholder')}
            aria-label={t('duty.log.placeholder')}
            data-testid="duty-log-text"
          />
          <div className={styles.inline}>
            <select
              className={styles.select}
              value={entryCat}
              onChange={(e) => setEntryCat(e.target.value as Category)}
              aria-label={t('duty.log.category')}
              data-testid="duty-log-category"
            >
              {RUN_LOG_CATEGORIES.map((c) => (
                <option key={c} value={c}>
                  {t(`duty.log.cat.${c}`)}
                </option>
              ))}
            </select>
            <button
              type="submit"
              className={`${styles.button} ${styles.primary}`}
              disabled={write.isPending || !entry.trim()}
              data-testid="duty-log-write"
            >
              {t('duty.log.write')}
            </button>
            {write.error ? <span className={styles.error}>{t('duty.error', { message: errorText(write.error) })}</span> : null}
          </div>
        </form>
      ) : null}
      <form
        className={`${styles.toolbar} ${styles.section}`}
        role="search"
        onSubmit={(e) => {
          e.preventDefault();
          setQuery(text.trim());
          setPage(1);
        }}
      >
        <input
          className={styles.input}
          type="search"
          value={text}
          onChange={(e) => setText(e.target.value)}
          maxLength={80}
          placeholder={t('duty.log.search')}
          aria-label={t('duty.log.search')}
          data-testid="duty-log-search"
        />
        <button type="submit" className={styles.button}>
          {t('duty.log.search')}
        </button>
        <select
          className={styles.select}
          value={category}
          onChange={(e) => {
            setCategory(e.target.value as Category | '');
            setPage(1);
          }}
          aria-label={t('duty.log.category')}
          data-testid="duty-log-filter"
        >
          <option value="">{t('duty.log.allCategories')}</option>
          {RUN_LOG_CATEGORIES.map((c) => (
            <option key={c} value={c}>
              {t(`duty.log.cat.${c}`)}
            </option>
          ))}
        </select>
      </form>
      {!list.data ? (
        <p className={styles.muted}>{list.isError ? t('duty.error', { message: list.error.message }) : t('duty.loading')}</p>
      ) : list.data.rows.length === 0 ? (
        <p className={styles.muted}>{t('duty.empty')}</p>
      ) : (
        <table className={styles.table}>
          <tbody>
            {list.data.rows.map((r) => (
              <tr key={r.id} data-testid="duty-log-row" data-category={r.category}>
                <td style={{ whiteSpace: 'nowrap' }}>{formatBeijing(r.at)}</td>
                <td>
                  <span className={styles.status}>{isCategory(r.category) ? t(`duty.log.cat.${r.category}`) : r.category}</span>
                </td>
                <td className={styles.pre}>{r.text}</td>
                <td className={styles.muted}>
                  {r.actor} · {r.origin === 'typed' ? t('duty.log.typed') : t('duty.log.auto')} · {r.orgCode}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <Pager page={page} total={list.data?.total ?? 0} pageSize={PAGE_SIZE} onPage={setPage} />
    </section>
  );
}

const isCategory = (c: string): c is Category => (RUN_LOG_CATEGORIES as readonly string[]).includes(c);
