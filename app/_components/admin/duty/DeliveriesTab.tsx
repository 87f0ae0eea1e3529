'use client';

import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { useTRPC } from '@/app/_trpc/client';
import { useT } from '../../../_i18n/LocaleProvider';
import { errorMessage } from '../../rules/trpc-errors';
import styles from '../admin.module.css';
import { formatBeijing } from '../audit-filters';
import d from './duty.module.css';
import { SEVERITIES, type Severity } from './policy-form';

const STATUSES = ['pending', 'deferred', 'sending', 'sent', 'failed'] as const;
type Status = (typeof STATUSES)[number];

/** 发送记录: the latest messages and their delivery state, by channel and status. */
export function DeliveriesTab() {
  const t = useT();
  const trpc = useTRPC();
  const [channelId, setChannelId] = useState('');
  const [status, setStatus] = useState<Status | ''>('');
  const channels = useQuery(trpc.duty.channels.list.queryOptions());
  const rows = useQuery({
    ...trpc.duty.deliveries.queryOptions({ limit: 200, ...(channelId ? { channelId } : {}), ...(status ? { status } : {}) }),
    refetchInterval: 30_000,
  });
  const channelName = (id: string | null) => (id ? (channels.data?.find((c) => c.id === id)?.name ?? id) : '—');

  return (
    <div data-testid="duty-deliveries">
      <div className={styles.toolbar}>
        <label className={d.line} style={{ margin: 0 }}>
          {t('delivery.filterChannel')}
          <select
            className={styles.input}
            value={channelId}
            onChange={(e) => setChannelId(e.target.value)}
            data-testid="delivery-filter-channel"
          >
            <option value="">{t('dutyAdmin.all')}</option>
            {(channels.data ?? []).map((c) => (
              <option key={c.id} value={c.id}>
                {c.name}（{c.id}）
              </option>
            ))}
          </select>
        </label>
        <label className={d.line} style={{ margin: 0 }}>
          {t('delivery.filterStatus')}
          <select
            className={styles.input}
            value={status}
            onChange={(e) => setStatus(e.target.value as Status | '')}
            data-testid="delivery-filter-status"
          >
            <option value="">{t('dutyAdmin.all')}</option>
            {STATUSES.map((s) => (
              <option key={s} value={s}>
                {t(`delivery.status.${s}`)}
              </option>
            ))}
          </select>
        </label>
        <button
          type="button"
          className={`${styles.button} ${styles.small}`}
          onClick={() => void rows.refetch()}
          data-testid="delivery-refresh"
        >
          {t('dutyAdmin.refresh')}
        </button>
        {rows.data ? <span className={styles.summary}>{t('delivery.count', { n: rows.data.length })}</span> : null}
      </div>
      {rows.isError && !rows.data ? (
        <p className={styles.error} role="alert">
          {t('admin.loadError', { message: errorMessage(rows.error) })}
        </p>
      ) : !rows.data ? (
        <p className={styles.muted}>{t('common.loading')}</p>
      ) : (
        <div className={styles.tableWrap}>
          <table className={styles.table} data-testid="deliveries-table">
            <thead>
              <tr>
                <th scope="col">{t('delivery.col.created')}</th>
                <th scope="col">{t('delivery.col.recipient')}</th>
                <th scope="col">{t('delivery.col.channel')}</th>
                <th scope="col">{t('delivery.col.severity')}</th>
                <th scope="col">{t('delivery.col.title')}</th>
                <th scope="col">{t('delivery.col.status')}</th>
                <th scope="col">{t('delivery.col.attempts')}</th>
                <th scope="col">{t('delivery.col.sentAt')}</th>
                <th scope="col">{t('delivery.col.error')}</th>
              </tr>
            </thead>
            <tbody>
              {rows.data.length === 0 ? (
                <tr>
                  <td colSpan={9} className={styles.muted}>
                    {t('admin.empty')}
                  </td>
                </tr>
              ) : null}
              {rows.data.map((n) => (
                <tr key={n.id} data-testid="delivery-row" data-id={n.id} data-status={n.status}>
                  <td>{formatBeijing(n.createdAt)}</td>
                  <td>{n.recipient}</td>
                  <td>{channelName(n.channelId)}</td>
                  <td>
                    <span className={d.sev} data-severity={n.severity}>
                      {SEVERITIES.includes(n.severity as Severity) ? t(`severity.short.${n.severity as Severity}`) : n.severity}
                    </span>
                  </td>
                  <td className={styles.detail}>
                    {n.title}
                    {n.eventCount > 1 ? <span className={styles.muted}> ×{n.eventCount}</span> : null}
                  </td>
                  <td className={d.status} data-status={n.status}>
                    {STATUSES.includes(n.status as Status) ? t(`delivery.status.${n.status as Status}`) : n.status}
                    {n.throttled ? (
                      <span className={styles.muted}>
                        {' '}
                        · {t('channel.col.throttled')} {n.throttled}
                      </span>
                    ) : null}
                  </td>
                  <td className={d.num}>{n.attempts}</td>
                  <td>{n.sentAt ? formatBeijing(n.sentAt) : '—'}</td>
                  <td className={`${styles.detail} ${d.bad}`}>{n.lastError ?? ''}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </div>
  );
}
