'use client';

import { useMutation, useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import type { ExportRequestInput } from '@/server/exports/request';
import { useTRPC } from '@/app/_trpc/client';
import { useLocale, useT } from '../../_i18n/LocaleProvider';
import styles from './exports.module.css';

export interface ExportMenuProps {
  /** What to export: the records behind a figure or a view's figures (validated again on the server). */
  request: ExportRequestInput;
  className?: string;
}

const POLL_MS = 2000;

/**
 * 导出 Excel / CSV of a table or view: the server streams the file with its filters and export time in it; a
 * large export runs in the background and this menu polls it until the file is ready to download.
 */
export function ExportMenu({ request, className }: ExportMenuProps) {
  const t = useT();
  const locale = useLocale();
  const trpc = useTRPC();
  const [job, setJob] = useState<{ id: string; rows: number } | null>(null);
  const [error, setError] = useState<string | null>(null);
  const create = useMutation(
    trpc.exports.create.mutationOptions({
      onSuccess: (r) => {
        if (r.mode === 'direct') window.location.assign(r.url);
        else setJob({ id: r.jobId, rows: r.rows });
      },
      onError: (e) => setError(e.message),
    }),
  );
  const status = useQuery({
    ...trpc.exports.get.queryOptions({ id: job?.id ?? '' }),
    enabled: job !== null,
    refetchInterval: (q) => (q.state.data?.status === 'ready' || q.state.data?.status === 'failed' ? false : POLL_MS),
  });
  const run = (format: 'xlsx' | 'csv') => {
    setError(null);
    setJob(null);
    create.mutate({ format, request, locale });
  };
  const current = job ? status.data : undefined;
  const busy = create.isPending || (job !== null && current?.status !== 'ready' && current?.status !== 'failed');
  const failure = error ?? (current?.status === 'failed' ? (current.error ?? '') : null) ?? (status.error ? status.error.message : null);

  return (
    <span className={`${styles.menu} ${className ?? ''}`} data-testid="export-menu">
      <button type="button" className={styles.button} disabled={busy} onClick={() => run('xlsx')} data-testid="export-xlsx">
        {t('export.xlsx')}
      </button>
      <button type="button" className={styles.button} disabled={busy} onClick={() => run('csv')} data-testid="export-csv">
        {t('export.csv')}
      </button>
      {create.isPending ? (
        <span className={styles.status} role="status">
          {t('export.preparing')}
        </span>
      ) : null}
      {job && busy ? (
        <span className={styles.status} role="status" data-testid="export-pending">
          {t('export.background', { rows: job.rows })}
        </span>
      ) : null}
      {current?.status === 'ready' && current.url ? (
        <a className={styles.link} href={current.url} download={current.fileName ?? undefined} data-testid="export-download">
          {t('export.ready')}
        </a>
      ) : null}
      {failure ? (
        <span className={styles.error} role="alert" data-testid="export-error">
          {t('export.failed', { message: failure })}
        </span>
      ) : null}
    </span>
  );
}
