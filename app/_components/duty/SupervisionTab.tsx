'use client';

import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useTRPC } from '@/app/_trpc/client';
import { useT } from '../../_i18n/LocaleProvider';
import { SupervisionDialog } from './ActionDialogs';
import styles from './duty.module.css';
import { errorText, SUPERVISION_STATUSES } from './lifecycle';
import { formatBeijing } from './shift';
import type { DutyUser, SupervisionItem } from './types';

const STATUSES = SUPERVISION_STATUSES;
type Status = (typeof STATUSES)[number];
const PAGE_SIZE = 50;

/** 督办: the items of the person's scope with their state, due time and reply; open one; verify a reply. */
export function SupervisionTab({ user, refetchInterval }: { user: DutyUser; refetchInterval: number | false }) {
  const t = useT();
  const trpc = useTRPC();
  const qc = useQueryClient();
  const [status, setStatus] = useState<Status | ''>('');
  const [page, setPage] = useState(1);
  const [creating, setCreating] = useState(false);
  const list = useQuery({
    ...trpc.supervision.list.queryOptions({ ...(status ? { status } : {}), page, pageSize: PAGE_SIZE }),
    refetchInterval,
    placeholderData: (prev) => prev,
  });
  const canSupervise = user.permissions.includes('duty.supervise');
  const refresh = () => void qc.invalidateQueries({ queryKey: trpc.supervision.pathKey() });
  const total = list.data?.total ?? 0;

  return (
    <section className={styles.panel} data-testid="duty-supervision">
      <div className={styles.toolbar}>
        <h2 className={styles.panelTitle}>{t('duty.sup.title')}</h2>
        <label className={styles.inline}>
          <span className={styles.fieldLabel}>{t('duty.sup.status')}</span>
          <select
            className={styles.select}
            value={status}
            onChange={(e) => {
              setStatus(e.target.value as Status | '');
              setPage(1);
            }}
            data-testid="duty-sup-status-filter"
          >
            <option value="">{t('duty.sup.allStatuses')}</option>
            {STATUSES.map((s) => (
              <option key={s} value={s}>
                {t(`duty.sup.status.${s}`)}
              </option>
            ))}
          </select>
        </label>
        <span className={styles.spacer} />
        {canSupervise ? (
          <button
            type="button"
            className={`${styles.button} ${styles.primary}`}
            onClick={() => setCreating(true)}
            data-testid="duty-sup-new"
          >
            {t('duty.sup.new')}
          </button>
        ) : null}
      </div>
      {!list.data ? (
        <p className={styles.muted}>{list.isError ? t('duty.error', { message: list.error.message }) : t('duty.loading')}</p>
      ) : list.data.rows.length === 0 ? (
        <p className={styles.muted}>{t('duty.empty')}</p>
      ) : (
        <ul className={styles.list}>
          {list.data.rows.map((s) => (
            <SupervisionRow key={s.id} item={s} canVerify={canSupervise} onChanged={refresh} />
          ))}
        </ul>
      )}
      <Pager page={page} total={total} pageSize={PAGE_SIZE} onPage={setPage} />
      {creating ? (
        <SupervisionDialog
          alert={null}
          defaultOrg={user.orgCode}
          onClose={() => setCreating(false)}
          onDone={() => {
            setCreating(false);
            refresh();
          }}
        />
      ) : null}
    </section>
  );
}

function SupervisionRow({ item, canVerify, onChanged }: { item: SupervisionItem; canVerify: boolean; onChanged: () => void }) {
  const t = useT();
  const trpc = useTRPC();
  const [note, setNote] = useState('');
  const verify = useMutation(trpc.supervision.verify.mutationOptions({ onSuccess: onChanged }));
  const overdue = !['verified', 'closed'].includes(item.status) && Date.parse(item.dueAt) < Date.now();
  return (
    <li className={styles.cell} data-testid="duty-sup-row" data-id={item.id} data-status={item.status}>
      <div className={styles.rowMeta}>
        <span className={styles.status} data-status={item.status}>
          {t(`duty.sup.status.${item.status}`)}
        </span>
        <b style={{ color: '#e6edf7' }}>{item.title}</b>
        <span>{item.orgCode}</span>
        <span>{t('duty.sup.due', { time: formatBeijing(item.dueAt) })}</span>
        {overdue ? <span className={styles.tag}>{t('duty.sup.overdue')}</span> : null}
      </div>
      <p className={styles.pre}>{item.request}</p>
      {item.reply ? (
        <p className={styles.pre}>
          {t('duty.sup.reply', { reply: item.reply })}
          {item.repliedAt ? (
            <span className={styles.muted}> · {t('duty.sup.repliedAt', { time: formatBeijing(item.repliedAt) })}</span>
          ) : null}
        </p>
      ) : null}
      {item.writeError ? <p className={styles.error}>{t('duty.sup.writeError', { error: item.writeError })}</p> : null}
      {canVerify && item.status === 'replied' ? (
        <form
          className={styles.inline}
          onSubmit={(e) => {
            e.preventDefault();
          }}
        >
          <label className={styles.field}>
            <span className={styles.fieldLabel}>{t('duty.sup.verifyNote')}</span>
            <input
              className={styles.input}
              value={note}
              onChange={(e) => setNote(e.target.value)}
              maxLength={1000}
              data-testid="duty-sup-verify-note"
            />
          </label>
          <button
            type="button"
            className={`${styles.button} ${styles.primary}`}
            disabled={verify.isPending}
            onClick={() => verify.mutate({ id: item.id, accepted: true, note })}
            data-testid="duty-sup-accept"
          >
            {t('duty.sup.accept')}
          </button>
          <button
            type="button"
            className={`${styles.button} ${styles.danger}`}
            disabled={verify.isPending || !note.trim()}
            onClick={() => verify.mutate({ id: item.id, accepted: false, note })}
            data-testid="duty-sup-reject"
          >
            {t('duty.sup.reject')}
          </button>
        </form>
      ) : null}
      {verify.error ? <p className={styles.error}>{t('duty.error', { message: errorText(verify.error) })}</p> : null}
    </li>
  );
}

export function Pager({ page, total, pageSize, onPage }: { page: number; total: number; pageSize: number; onPage: (p: number) => void }) {
  const t = useT();
  if (total <= pageSize && page === 1) return null;
  return (
    <div className={styles.toolbar}>
      <button type="button" className={styles.button} disabled={page <= 1} onClick={() => onPage(page - 1)}>
        {t('duty.prev')}
      </button>
      <span className={styles.muted}>{t('duty.page', { page, total })}</span>
      <button type="button" className={styles.button} disabled={page * pageSize >= total} onClick={() => onPage(page + 1)}>
        {t('duty.next')}
      </button>
    </div>
  );
}
