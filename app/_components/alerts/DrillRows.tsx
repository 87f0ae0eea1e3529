'use client';

import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { useTRPC } from '@/app/_trpc/client';
import { useLocale, useT } from '../../_i18n/LocaleProvider';
import { formatInt } from '../../_i18n/format';
import styles from './alerts.module.css';
import { kpiRowsInput } from './alert-list';
import { drillCell } from './drill-cell';

const PAGE = 20;

/** The records behind a KPI alert, through the drill-down contract (`kpi.rows` with the alert's drill). */
export function DrillRows({ drill }: { drill: unknown }) {
  const t = useT();
  const locale = useLocale();
  const trpc = useTRPC();
  const base = kpiRowsInput(drill, PAGE);
  // Personal fields come masked; a role with pii.reveal may ask for them in full (the server audits each reveal).
  const [reveal, setReveal] = useState(false);
  const me = useQuery({ ...trpc.auth.me.queryOptions(), staleTime: 60_000 });
  const mayReveal = me.data?.permissions.includes('pii.reveal') ?? false;
  const input = base ? { ...base, reveal } : null;
  const q = useQuery({ ...trpc.kpi.rows.queryOptions(input!), enabled: input !== null, staleTime: reveal ? 0 : 30_000 });
  if (!input) return null;
  if (q.isError) return <p className={styles.drillNote}>{t('alerts.drill.error', { message: q.error.message })}</p>;
  if (!q.data) return <p className={styles.drillNote}>{t('common.loading')}</p>;
  const { columns, rows, total } = q.data;
  if (!rows.length) return <p className={styles.drillNote}>{t('alerts.drill.empty')}</p>;
  return (
    <div className={styles.drill} data-testid="drill-rows">
      <p className={styles.drillNote}>
        {t('alerts.drill.total', { total: formatInt(total), shown: rows.length })}
        {columns.some((c) => c.masked) ? (
          <>
            {' · '}
            <span data-testid="drill-masked">{t('pii.masked')}</span>
            {mayReveal ? (
              <button type="button" className={styles.revealButton} onClick={() => setReveal(true)} data-testid="drill-reveal">
                {t('pii.reveal')}
              </button>
            ) : null}
          </>
        ) : null}
      </p>
      <div className={styles.drillScroll}>
        <table className={styles.drillTable}>
          <thead>
            <tr>
              {columns.map((c) => (
                <th key={c.name}>{locale === 'en' ? c.label.en : c.label.zh}</th>
              ))}
            </tr>
          </thead>
          <tbody>
            {rows.map((r, i) => (
              <tr key={i}>
                {columns.map((c) => (
                  <td key={c.name}>{drillCell(r[c.name], c.type)}</td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </div>
  );
}
