'use client';

import Link from 'next/link';
import { useState, type ReactNode } from 'react';
import { useT } from '../../../_i18n/LocaleProvider';
import { formatDrillTime } from '../../alerts/drill-cell';
import { SupervisionDialog } from '../../duty/ActionDialogs';
import { PageShell } from '../../nav/PageShell';
import { dashboardHref, orgChain, type RecordKindName } from './detail-format';
import styles from './detail.module.css';
import { AlertsSection, NotesSection, SupervisionSection } from './parts';
import type { AnyDetail, RecordUser } from './types';

/**
 * The frame of every record detail page: breadcrumb back to the domain dashboard at each level of the record's
 * unit, the title with its status chips and actions (督办 with duty.supervise), the kind's own sections, then
 * the alerts and supervision items about the record and its notes.
 */
export function RecordShell({
  data,
  user,
  chips,
  actions,
  figures,
  main,
  side,
  supervise,
  noteRef,
  onChanged,
}: {
  data: AnyDetail;
  user: RecordUser;
  chips?: ReactNode;
  actions?: ReactNode;
  figures?: ReactNode;
  main: ReactNode;
  side: ReactNode;
  /** What a 督办 from this page is about; null when the record offers no reference to send. */
  supervise: { type: 'work_order' | 'record'; ref: string } | null;
  noteRef: string;
  onChanged: () => void;
}) {
  const t = useT();
  const kind: RecordKindName = data.kind;
  const [dialog, setDialog] = useState(false);
  const [done, setDone] = useState(false);
  const kindName = t(`records.kind.${kind}`);
  const canSupervise = user.permissions.includes('duty.supervise') && supervise !== null;
  const title = t('records.title', { kind: kindName, id: data.id });
  return (
    <PageShell title={title} testId={`record-${kind}`}>
      <nav aria-label={t('records.breadcrumb')}>
        <ol className={styles.crumbs} data-testid="record-breadcrumb">
          <li>
            <Link href={dashboardHref(kind, user.orgCode)}>{t(`records.dashboard.${kind}`)}</Link>
          </li>
          {orgChain(data.org)
            .filter((o) => o.code.startsWith(user.orgCode))
            .map((o) => (
              <li key={o.code}>
                <span className={styles.crumbSep}>›</span> <Link href={dashboardHref(kind, o.code)}>{o.name}</Link>
              </li>
            ))}
          <li>
            <span className={styles.crumbSep}>›</span> {kindName} {data.id}
          </li>
        </ol>
      </nav>
      <div className={styles.head}>
        <h2 className={styles.headTitle}>{title}</h2>
        {chips}
        <div className={styles.headActions}>
          {actions}
          {canSupervise ? (
            <button
              type="button"
              className={`${styles.button} ${styles.primary}`}
              onClick={() => setDialog(true)}
              data-testid="record-supervise"
            >
              {t('records.action.supervise')}
            </button>
          ) : null}
        </div>
      </div>
      {done ? <p className={styles.notice}>{t('records.action.superviseDone')}</p> : null}
      {figures}
      <div className={styles.layout}>
        <div className={styles.column}>
          {main}
          <AlertsSection alerts={data.alerts} />
          <SupervisionSection items={data.supervisions} />
        </div>
        <div className={styles.column}>
          {side}
          <NotesSection
            subjectType={kind}
            subjectRef={noteRef}
            notes={data.notes}
            canWrite={user.permissions.includes('duty.act')}
            onAdded={onChanged}
          />
          <p className={styles.sectionNote}>{t('records.asOf', { time: formatDrillTime(data.now) })}</p>
        </div>
      </div>
      {dialog && supervise ? (
        <SupervisionDialog
          alert={null}
          subject={{
            type: supervise.type,
            ref: supervise.ref,
            title: t('records.supervise.title', { kind: kindName, id: data.id }),
            orgCode: data.org.countyCode,
          }}
          defaultOrg={data.org.countyCode}
          onDone={() => {
            setDialog(false);
            setDone(true);
            onChanged();
          }}
          onClose={() => setDialog(false)}
        />
      ) : null}
    </PageShell>
  );
}
