'use client';

import { responsibleUnit } from '../alerts/drill-subject';
import { useMutation, useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { useTRPC } from '@/app/_trpc/client';
import { useT } from '../../_i18n/LocaleProvider';
import { Dialog } from './Dialog';
import styles from './duty.module.css';
import { errorText } from './lifecycle';
import { HOUR_MS } from './shift';

/** 指派…: a username, with the people on duty for the alert's unit as suggestions. */
export function AssignDialog({
  orgCode,
  busy,
  onSubmit,
  onClose,
}: {
  orgCode: string;
  busy: boolean;
  onSubmit: (assignee: string, note: string) => void;
  onClose: () => void;
}) {
  const t = useT();
  const trpc = useTRPC();
  const [assignee, setAssignee] = useState('');
  const [note, setNote] = useState('');
  const officers = useQuery({ ...trpc.roster.onDuty.queryOptions({ orgCode, dutyRole: 'duty_officer' }), staleTime: 60_000 });
  const managers = useQuery({ ...trpc.roster.onDuty.queryOptions({ orgCode, dutyRole: 'hall_manager' }), staleTime: 60_000 });
  const people = [...(officers.data ?? []), ...(managers.data ?? [])].filter(
    (p, i, all) => all.findIndex((q) => q.username === p.username) === i,
  );
  return (
    <Dialog title={t('duty.dialog.assign')} onClose={onClose} testId="duty-dialog-assign">
      <form
        className={styles.form}
        onSubmit={(e) => {
          e.preventDefault();
          if (assignee.trim()) onSubmit(assignee.trim(), note.trim());
        }}
      >
        <label className={styles.field}>
          <span className={styles.fieldLabel}>{t('duty.assignee')}</span>
          <input
            className={styles.input}
            value={assignee}
            onChange={(e) => setAssignee(e.target.value)}
            required
            maxLength={64}
            list="duty-assignee-list"
            data-testid="duty-assignee"
          />
          <datalist id="duty-assignee-list">
            {people.map((p) => (
              <option key={p.username} value={p.username}>
                {p.displayName}
              </option>
            ))}
          </datalist>
        </label>
        <div>
          <div className={styles.fieldLabel}>{t('duty.assignee.suggest')}</div>
          {people.length === 0 ? (
            <span className={styles.muted}>{officers.isLoading ? t('duty.loading') : t('duty.assignee.none')}</span>
          ) : (
            <div className={styles.suggestions}>
              {people.map((p) => (
                <button
                  key={p.username}
                  type="button"
                  className={styles.button}
                  aria-pressed={assignee === p.username}
                  onClick={() => setAssignee(p.username)}
                  data-testid="duty-assignee-suggestion"
                >
                  {p.displayName} ({p.username}){p.orgCode !== orgCode ? ` · ${p.orgCode}` : ''}
                </button>
              ))}
            </div>
          )}
        </div>
        <label className={styles.field}>
          <span className={styles.fieldLabel}>{t('duty.note')}</span>
          <textarea className={styles.textarea} value={note} onChange={(e) => setNote(e.target.value)} maxLength={2000} />
        </label>
        <div className={styles.dialogButtons}>
          <button type="button" className={styles.button} onClick={onClose} data-dialog-close>
            {t('duty.cancel')}
          </button>
          <button
            type="submit"
            className={`${styles.button} ${styles.primary}`}
            disabled={busy || !assignee.trim()}
            data-testid="duty-dialog-submit"
          >
            {t('duty.submit')}
          </button>
        </div>
      </form>
    </Dialog>
  );
}

/** 关闭… / 重新打开…: a note saying why is required. */
export function NoteDialog({
  action,
  busy,
  onSubmit,
  onClose,
}: {
  action: 'close' | 'reopen';
  busy: boolean;
  onSubmit: (note: string) => void;
  onClose: () => void;
}) {
  const t = useT();
  const [note, setNote] = useState('');
  return (
    <Dialog title={t(action === 'close' ? 'duty.dialog.close' : 'duty.dialog.reopen')} onClose={onClose} testId={`duty-dialog-${action}`}>
      <form
        className={styles.form}
        onSubmit={(e) => {
          e.preventDefault();
          if (note.trim()) onSubmit(note.trim());
        }}
      >
        <label className={styles.field}>
          <span className={styles.fieldLabel}>
            {t('duty.note')} ({t('duty.required')})
          </span>
          <textarea
            className={styles.textarea}
            value={note}
            onChange={(e) => setNote(e.target.value)}
            required
            maxLength={2000}
            placeholder={t('duty.note.required')}
            data-testid="duty-note"
          />
        </label>
        <div className={styles.dialogButtons}>
          <button type="button" className={styles.button} onClick={onClose} data-dialog-close>
            {t('duty.cancel')}
          </button>
          <button
            type="submit"
            className={`${styles.button} ${styles.primary}`}
            disabled={busy || !note.trim()}
            data-testid="duty-dialog-submit"
          >
            {t('duty.submit')}
          </button>
        </div>
      </form>
    </Dialog>
  );
}

export interface SupervisionSubject {
  eventId: string;
  orgCode: string;
  title: string;
}

/** A work order or record to pre-fill a standalone 督办 with (e.g. from a drill-down row); still editable. */
export interface SupervisionRecordSubject {
  type: 'work_order' | 'record';
  ref: string;
  title: string;
  orgCode: string;
}

/** 督办: to a responsible unit, about an alert (from its action) or a work order / record (standalone). */
export function SupervisionDialog({
  alert,
  subject,
  defaultOrg,
  onDone,
  onClose,
}: {
  alert: SupervisionSubject | null;
  /** Pre-fills a standalone item (ignored when `alert` is given). */
  subject?: SupervisionRecordSubject | null;
  defaultOrg: string;
  onDone: () => void;
  onClose: () => void;
}) {
  const t = useT();
  const trpc = useTRPC();
  const record = alert ? null : (subject ?? null);
  const [orgCode, setOrgCode] = useState(responsibleUnit(alert?.orgCode ?? record?.orgCode ?? defaultOrg));
  const [subjectType, setSubjectType] = useState<'alert' | 'work_order' | 'record'>(alert ? 'alert' : (record?.type ?? 'work_order'));
  const [subjectRef, setSubjectRef] = useState(alert?.eventId ?? record?.ref ?? '');
  const [title, setTitle] = useState(alert?.title ?? record?.title ?? '');
  const [request, setRequest] = useState('');
  const [hours, setHours] = useState('4');
  const create = useMutation(trpc.supervision.create.mutationOptions({ onSuccess: onDone }));
  const h = Number(hours);
  const valid = /^\d{2,9}$/.test(orgCode.trim()) && subjectRef.trim() && title.trim() && request.trim() && h > 0 && h <= 720;
  return (
    <Dialog title={t('duty.sup.form')} onClose={onClose} testId="duty-dialog-supervise">
      <form
        className={styles.form}
        onSubmit={(e) => {
          e.preventDefault();
          if (!valid) return;
          create.mutate({
            ...(alert ? { eventId: alert.eventId } : {}),
            subjectType,
            subjectRef: subjectRef.trim(),
            orgCode: orgCode.trim(),
            title: title.trim(),
            request: request.trim(),
            dueAt: Date.now() + h * HOUR_MS,
          });
        }}
      >
        <label className={styles.field}>
          <span className={styles.fieldLabel}>{t('duty.sup.org')}</span>
          <input
            className={styles.input}
            value={orgCode}
            onChange={(e) => setOrgCode(e.target.value)}
            required
            pattern="\d{2,9}"
            data-testid="duty-sup-org"
          />
        </label>
        {alert ? null : (
          <div className={styles.inline}>
            <label className={styles.field}>
              <span className={styles.fieldLabel}>{t('duty.sup.subjectType')}</span>
              <select className={styles.select} value={subjectType} onChange={(e) => setSubjectType(e.target.value as typeof subjectType)}>
                {(['work_order', 'record', 'alert'] as const).map((s) => (
                  <option key={s} value={s}>
                    {t(`duty.sup.subject.${s}`)}
                  </option>
                ))}
              </select>
            </label>
            <label className={styles.field}>
              <span className={styles.fieldLabel}>{t('duty.sup.subjectRef')}</span>
              <input className={styles.input} value={subjectRef} onChange={(e) => setSubjectRef(e.target.value)} required maxLength={80} />
            </label>
          </div>
        )}
        <label className={styles.field}>
          <span className={styles.fieldLabel}>{t('duty.sup.itemTitle')}</span>
          <input
            className={styles.input}
            value={title}
            onChange={(e) => setTitle(e.target.value)}
            required
            maxLength={200}
            data-testid="duty-sup-title"
          />
        </label>
        <label className={styles.field}>
          <span className={styles.fieldLabel}>{t('duty.sup.request')}</span>
          <textarea
            className={styles.textarea}
            value={request}
            onChange={(e) => setRequest(e.target.value)}
            required
            maxLength={2000}
            data-testid="duty-sup-request"
          />
        </label>
        <label className={styles.field}>
          <span className={styles.fieldLabel}>{t('duty.sup.hours')}</span>
          <input
            className={styles.input}
            type="number"
            min={1}
            max={720}
            value={hours}
            onChange={(e) => setHours(e.target.value)}
            required
            data-testid="duty-sup-hours"
          />
        </label>
        {create.error ? <p className={styles.error}>{t('duty.error', { message: errorText(create.error) })}</p> : null}
        <div className={styles.dialogButtons}>
          <button type="button" className={styles.button} onClick={onClose} data-dialog-close>
            {t('duty.cancel')}
          </button>
          <button
            type="submit"
            className={`${styles.button} ${styles.primary}`}
            disabled={create.isPending || !valid}
            data-testid="duty-sup-submit"
          >
            {t('duty.submit')}
          </button>
        </div>
      </form>
    </Dialog>
  );
}
