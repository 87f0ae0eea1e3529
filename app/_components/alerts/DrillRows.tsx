'use client';

import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { useTRPC } from '@/app/_trpc/client';
import { useLocale, useT } from '../../_i18n/LocaleProvider';
import { formatInt } from '../../_i18n/format';
import styles from './alerts.module.css';
import { kpiRowsInput } from './alert-list';
import { drillCell } from './drill-cell';
import { drillSubject, type DrillSubject } from './drill-subject';
import { SupervisionDialog } from '../duty/ActionDialogs';

const PAGE = 20;
/** How long "已下发督办" stays after a supervision item is sent. */
const SENT_NOTE_MS = 6_000;

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
  // 督办 from a row: a role with duty.supervise opens an item about the record to its responsible unit.
  const maySupervise = me.data?.permissions.includes('duty.supervise') ?? false;
  const qc = useQueryClient();
  const [supervising, setSupervising] = useState<DrillSubject | null>(null);
  const [sent, setSent] = useState(false);
  useEffect(() => {
    if (!sent) return;
    const timer = setTimeout(() => setSent(false), SENT_NOTE_MS);
    return () => clearTimeout(timer);
  }, [sent]);
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
        {sent ? (
          <>
            {' · '}
            <span role="status" data-testid="drill-supervise-sent">
              {t('duty.sup.sent')}
            </span>
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
              {maySupervise ? <th aria-label={t('duty.sup.fromRow')} /> : null}
            </tr>
          </thead>
          <tbody>
            {rows.map((r, i) => {
              const subject = maySupervise ? drillSubject(columns, r, input.orgCode) : null;
              return (
                <tr key={i}>
                  {columns.map((c) => (
                    <td key={c.name}>{drillCell(r[c.name], c.type)}</td>
                  ))}
                  {maySupervise ? (
                    <td>
                      {subject ? (
                        <button
                          type="button"
                          className={styles.revealButton}
                          onClick={() => {
                            setSent(false);
                            setSupervising(subject);
                          }}
                          aria-label={t('duty.sup.fromRow.label', { ref: subject.ref })}
                          data-testid="drill-supervise"
                        >
                          {t('duty.sup.fromRow')}
                        </button>
                      ) : null}
                    </td>
                  ) : null}
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>
      {supervising ? (
        <SupervisionDialog
          alert={null}
          subject={{
            type: supervising.type,
            ref: supervising.ref,
            orgCode: supervising.orgCode,
            title: t('duty.sup.fromRow.title', {
              what:
                supervising.type === 'work_order'
                  ? t('duty.sup.subject.work_order')
                  : locale === 'en'
                    ? supervising.column.label.en
                    : supervising.column.label.zh,
              ref: supervising.ref,
            }),
          }}
          defaultOrg={input.orgCode}
          onDone={() => {
            setSupervising(null);
            setSent(true);
            void qc.invalidateQueries({ queryKey: trpc.supervision.pathKey() });
          }}
          onClose={() => setSupervising(null)}
        />
      ) : null}
    </div>
  );
}
