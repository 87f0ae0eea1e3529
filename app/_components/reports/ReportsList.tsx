'use client';

import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import Link from 'next/link';
import { useState } from 'react';
import type { ReportKind } from '@/server/reports/types';
import { useTRPC } from '@/app/_trpc/client';
import { useT } from '../../_i18n/LocaleProvider';
import { PageShell } from '../nav/PageShell';
import { formatBeijing } from '@/server/reports/format';
import styles from './reports.module.css';

export interface UnitOption {
  code: string;
  name: string;
  /** 0 province, 1 city, 2 county (indent in the picker). */
  level: number;
}

const KINDS: ReportKind[] = ['daily', 'weekly', 'monthly'];

/** 定期报告 history: kind tabs, unit and period filters, a page of reports; generating one on demand for those allowed. */
export function ReportsList({ units, canGenerate, yesterday }: { units: UnitOption[]; canGenerate: boolean; yesterday: string }) {
  const t = useT();
  const trpc = useTRPC();
  const qc = useQueryClient();
  const [kind, setKind] = useState<ReportKind | undefined>(undefined);
  const [orgCode, setOrgCode] = useState<string>('');
  const [from, setFrom] = useState('');
  const [to, setTo] = useState('');
  const [page, setPage] = useState(1);
  const input = {
    ...(kind ? { kind } : {}),
    ...(orgCode ? { orgCode } : {}),
    ...(from ? { from } : {}),
    ...(to ? { to } : {}),
    page,
    pageSize: 30,
  };
  const list = useQuery(trpc.reports.list.queryOptions(input));
  const names = new Map(units.map((u) => [u.code, u.name]));

  const [genKind, setGenKind] = useState<ReportKind>('daily');
  const [genOrg, setGenOrg] = useState(units[0]?.code ?? '');
  const [genDate, setGenDate] = useState(yesterday);
  const generate = useMutation(
    trpc.reports.generate.mutationOptions({ onSuccess: () => void qc.invalidateQueries({ queryKey: trpc.reports.list.pathKey() }) }),
  );

  const pages = list.data ? Math.max(1, Math.ceil(list.data.total / list.data.pageSize)) : 1;
  return (
    <PageShell title={t('reports.title')} testId="reports-page">
      <div className={styles.toolbar}>
        <div className={styles.tabs} role="tablist">
          {[undefined, ...KINDS].map((k) => (
            <button
              key={k ?? 'all'}
              role="tab"
              aria-selected={kind === k}
              className={styles.tab}
              onClick={() => {
                setKind(k);
                setPage(1);
              }}
              data-testid={`reports-tab-${k ?? 'all'}`}
            >
              {t(k ? `reports.kind.${k}` : 'reports.kind.all')}
            </button>
          ))}
        </div>
        <label className={styles.field}>
          {t('reports.filter.unit')}
          <select
            value={orgCode}
            onChange={(e) => {
              setOrgCode(e.target.value);
              setPage(1);
            }}
            data-testid="reports-unit"
          >
            <option value="">{t('reports.filter.unitAll')}</option>
            {units.map((u) => (
              <option key={u.code} value={u.code}>
                {`${'\u3000'.repeat(u.level)}${u.name}`}
              </option>
            ))}
          </select>
        </label>
        <label className={styles.field}>
          {t('reports.filter.from')}
          <input type="date" value={from} onChange={(e) => (setFrom(e.target.value), setPage(1))} />
        </label>
        <label className={styles.field}>
          {t('reports.filter.to')}
          <input type="date" value={to} onChange={(e) => (setTo(e.target.value), setPage(1))} />
        </label>
      </div>

      {canGenerate && (
        <form
          className={styles.generate}
          onSubmit={(e) => {
            e.preventDefault();
            generate.mutate({ kind: genKind, orgCode: genOrg, periodStart: genDate });
          }}
        >
          <strong>{t('reports.generate.title')}</strong>
          <select value={genKind} onChange={(e) => setGenKind(e.target.value as ReportKind)} aria-label={t('reports.col.kind')}>
            {KINDS.map((k) => (
              <option key={k} value={k}>
                {t(`reports.kind.${k}`)}
              </option>
            ))}
          </select>
          <select value={genOrg} onChange={(e) => setGenOrg(e.target.value)} aria-label={t('reports.col.unit')}>
            {units.map((u) => (
              <option key={u.code} value={u.code}>
                {`${'\u3000'.repeat(u.level)}${u.name}`}
              </option>
            ))}
          </select>
          <label className={styles.field}>
            {t('reports.generate.date')}
            <input type="date" value={genDate} max={yesterday} onChange={(e) => setGenDate(e.target.value)} required />
          </label>
          <button type="submit" className={styles.button} disabled={generate.isPending} data-testid="reports-generate">
            {generate.isPending ? t('reports.generate.busy') : t('reports.generate.submit')}
          </button>
          {generate.data && (
            <span className={styles.ok}>
              {t(generate.data.replaced ? 'reports.generate.replaced' : 'reports.generate.done', { title: generate.data.title })}{' '}
              <Link href={`/reports/${generate.data.id}`}>→</Link>
            </span>
          )}
          {generate.error && <span className={styles.error}>{t('reports.generate.failed', { message: generate.error.message })}</span>}
        </form>
      )}

      {list.error && <p className={styles.error}>{t('reports.loadFailed', { message: list.error.message })}</p>}
      {list.isLoading && <p className={styles.muted}>{t('common.loading')}</p>}
      {list.data && list.data.items.length === 0 && <p className={styles.muted}>{t('reports.empty')}</p>}
      {list.data && list.data.items.length > 0 && (
        <section className={styles.panel}>
          <table className={styles.table} data-testid="reports-table">
            <thead>
              <tr>
                <th>{t('reports.col.period')}</th>
                <th>{t('reports.col.kind')}</th>
                <th>{t('reports.col.unit')}</th>
                <th>{t('reports.col.title')}</th>
                <th>{t('reports.col.generated')}</th>
                <th>{t('reports.col.by')}</th>
              </tr>
            </thead>
            <tbody>
              {list.data.items.map((r) => (
                <tr key={r.id}>
                  <td className={styles.nowrap}>{r.periodStart === r.periodEnd ? r.periodStart : `${r.periodStart} ~ ${r.periodEnd}`}</td>
                  <td>
                    <span className={styles.kind} data-kind={r.kind}>
                      {t(`reports.kind.${r.kind}`)}
                    </span>
                  </td>
                  <td>{names.get(r.orgCode) ?? r.orgName}</td>
                  <td>
                    <Link href={`/reports/${r.id}`} className={styles.link}>
                      {r.title}
                    </Link>
                  </td>
                  <td className={styles.nowrap}>{formatBeijing(r.createdAt)}</td>
                  <td>{r.generatedBy === 'schedule' ? t('reports.by.schedule') : t('reports.by.user', { user: r.generatedBy })}</td>
                </tr>
              ))}
            </tbody>
          </table>
          <div className={styles.pager}>
            <span>{t('reports.total', { n: list.data.total })}</span>
            <button className={styles.button} disabled={page <= 1} onClick={() => setPage(page - 1)}>
              {t('reports.prev')}
            </button>
            <span>
              {page} / {pages}
            </span>
            <button className={styles.button} disabled={page >= pages} onClick={() => setPage(page + 1)}>
              {t('reports.next')}
            </button>
          </div>
        </section>
      )}
    </PageShell>
  );
}
