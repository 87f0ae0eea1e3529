'use client';

import Link from 'next/link';
import { useMutation } from '@tanstack/react-query';
import { useState, type ReactNode } from 'react';
import { useTRPC } from '@/app/_trpc/client';
import { useLocale, useT } from '../../../_i18n/LocaleProvider';
import { NO_VALUE } from '../../../_i18n/format';
import { formatDrillTime } from '../../alerts/drill-cell';
import { errorText } from '../../duty/lifecycle';
import { enumName, fieldLabel, formatDuration, formatField, lookup, stateTone, FIELD_TYPES, type RecordKindName } from './detail-format';
import styles from './detail.module.css';
import type { AlertRow, NoteRow, SupervisionRow, TimelineStep } from './types';

export function Section({ title, note, children, testId }: { title: string; note?: ReactNode; children: ReactNode; testId?: string }) {
  return (
    <section className={styles.section} data-testid={testId}>
      <h2 className={styles.sectionTitle}>{title}</h2>
      {note ? <p className={styles.sectionNote}>{note}</p> : null}
      {children}
    </section>
  );
}

export function Chip({ tone, children }: { tone?: 'ok' | 'warn' | 'bad' | 'muted' | 'info'; children: ReactNode }) {
  return <span className={`${styles.chip} ${tone ? styles[tone] : ''}`}>{children}</span>;
}

export function Figures({ items }: { items: { label: string; value: string; tone?: 'ok' | 'warn' | 'bad' | 'muted' | 'info' }[] }) {
  return (
    <div className={styles.figures} data-testid="record-figures">
      {items.map((f) => (
        <div key={f.label} className={styles.figure}>
          <div className={styles.figureLabel}>{f.label}</div>
          <div className={`${styles.figureValue} ${f.tone ? styles[f.tone] : ''}`}>{f.value}</div>
        </div>
      ))}
    </div>
  );
}

/** Every field of the record, labelled, with times in Beijing time, org codes named and enumerations translated. */
export function FieldGrid({ kind, record, hallName }: { kind: RecordKindName; record: Record<string, unknown>; hallName?: string | null }) {
  const t = useT();
  const types = FIELD_TYPES[kind];
  return (
    <Section title={t('records.section.fields')} testId="record-fields">
      <dl className={styles.fields}>
        {Object.entries(record).map(([name, v]) => (
          <div key={name} style={{ display: 'contents' }} data-field={name}>
            <dt>{fieldLabel(t, kind, name)}</dt>
            <dd>{formatField(t, types[name], v, hallName)}</dd>
          </div>
        ))}
      </dl>
    </Section>
  );
}

/** The steps in time order against their limits: done on time / late, open pending / near due / overdue. */
export function StepTimeline({
  kind,
  steps,
  note,
  bare,
}: {
  kind: RecordKindName;
  steps: readonly TimelineStep[];
  note?: ReactNode;
  /** Without its own panel (inside another section). */
  bare?: boolean;
}) {
  const t = useT();
  const locale = useLocale();
  const list = (
    <ol className={styles.timeline} data-testid={bare ? undefined : 'record-timeline-steps'}>
      {steps.map((s) => {
        const tone = stateTone(s.state);
        return (
          <li key={s.key} className={styles.step} data-step={s.key} data-state={s.state}>
            <span className={`${styles.dot} ${s.at ? styles.dotFilled : ''} ${styles[tone]}`} aria-hidden />
            <div>
              <div className={styles.stepHead}>
                <span className={styles.stepName}>{lookup(t, `records.step.${kind}.${s.key}`, s.key)}</span>
                <span>{s.at ? formatDrillTime(s.at) : NO_VALUE}</span>
                <Chip tone={tone}>{t(`records.state.${s.state}`)}</Chip>
              </div>
              <div className={styles.stepMeta}>{stepMeta(t, locale, s)}</div>
            </div>
          </li>
        );
      })}
    </ol>
  );
  if (bare) return list;
  return (
    <Section title={t('records.section.timeline')} note={note} testId="record-timeline">
      {list}
    </Section>
  );
}

/** A step's details in one line: time since the previous step (when it follows it), actor, limit, near-due point. */
function stepMeta(t: ReturnType<typeof useT>, locale: 'zh-CN' | 'en', s: TimelineStep): string {
  const parts: string[] = [];
  if (s.elapsedMs !== null && s.elapsedMs >= 0) parts.push(`${t('records.col.elapsed')} ${formatDuration(s.elapsedMs, locale)}`);
  if (s.actor || s.actorName) parts.push(`${t('records.col.actor')} ${[s.actorName, s.actor].filter(Boolean).join(' / ')}`);
  if (s.due) parts.push(`${t('records.col.due')} ${formatDrillTime(s.due)}`);
  if (s.nearAt) parts.push(`${t('records.col.nearAt')} ${formatDrillTime(s.nearAt)}`);
  return parts.join(' · ');
}

export interface Column<R> {
  key: string;
  label: string;
  render: (row: R) => ReactNode;
}

export function SimpleTable<R>({
  columns,
  rows,
  rowKey,
  testId,
}: {
  columns: Column<R>[];
  rows: readonly R[];
  rowKey: (r: R, i: number) => string;
  testId?: string;
}) {
  const t = useT();
  if (rows.length === 0) return <p className={styles.muted}>{t('records.none')}</p>;
  return (
    <div className={styles.tableWrap}>
      <table className={styles.table} data-testid={testId}>
        <thead>
          <tr>
            {columns.map((c) => (
              <th key={c.key}>{c.label}</th>
            ))}
          </tr>
        </thead>
        <tbody>
          {rows.map((r, i) => (
            <tr key={rowKey(r, i)}>
              {columns.map((c) => (
                <td key={c.key}>{c.render(r)}</td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

export const time = (v: string | null | undefined) => formatDrillTime(v ?? null);
export const linkTo = (href: string, text: string) => <Link href={href}>{text}</Link>;

const SEVERITY_TONE: Record<string, 'bad' | 'warn' | 'info'> = { red: 'bad', orange: 'warn', yellow: 'warn', blue: 'info' };

export function AlertsSection({ alerts }: { alerts: readonly AlertRow[] }) {
  const t = useT();
  const locale = useLocale();
  return (
    <Section title={t('records.section.alerts')} testId="record-alerts">
      <SimpleTable
        rows={alerts}
        rowKey={(a) => a.id}
        columns={[
          {
            key: 'sev',
            label: t('records.col.severity'),
            render: (a) => <Chip tone={SEVERITY_TONE[a.severity]}>{enumName(t, 'severity', a.severity)}</Chip>,
          },
          { key: 'title', label: t('records.col.title'), render: (a) => (locale === 'en' ? a.titleEn : a.title) },
          { key: 'state', label: t('records.col.state'), render: (a) => enumName(t, 'alert_state', a.state) },
          { key: 'phase', label: t('records.col.phase'), render: (a) => enumName(t, 'phase', a.phase) },
          { key: 'fired', label: t('records.col.firedAt'), render: (a) => time(a.firedAt) },
          { key: 'rec', label: t('records.col.recoveredAt'), render: (a) => time(a.recoveredAt) },
        ]}
      />
    </Section>
  );
}

export function SupervisionSection({ items, action }: { items: readonly SupervisionRow[]; action?: ReactNode }) {
  const t = useT();
  return (
    <Section title={t('records.section.supervision')} testId="record-supervision">
      {action}
      <SimpleTable
        rows={items}
        rowKey={(s) => s.id}
        columns={[
          { key: 'title', label: t('records.col.title'), render: (s) => s.title },
          { key: 'status', label: t('records.col.status'), render: (s) => enumName(t, 'sup_status', s.status) },
          { key: 'org', label: t('records.f.county_code'), render: (s) => s.orgCode },
          { key: 'due', label: t('records.col.due'), render: (s) => time(s.dueAt) },
          { key: 'by', label: t('records.col.createdBy'), render: (s) => s.createdBy },
          { key: 'at', label: t('records.col.createdAt'), render: (s) => time(s.createdAt) },
          { key: 'reply', label: t('records.col.reply'), render: (s) => s.reply ?? NO_VALUE },
        ]}
      />
    </Section>
  );
}

/** The notes on a record, newest first, and (with duty.act) a form to add one. */
export function NotesSection({
  subjectType,
  subjectRef,
  notes,
  canWrite,
  onAdded,
}: {
  subjectType: RecordKindName;
  subjectRef: string;
  notes: readonly NoteRow[];
  canWrite: boolean;
  onAdded: () => void;
}) {
  const t = useT();
  const trpc = useTRPC();
  const [text, setText] = useState('');
  const add = useMutation(
    trpc.records.addNote.mutationOptions({
      onSuccess: () => {
        setText('');
        onAdded();
      },
    }),
  );
  return (
    <Section title={t('records.section.notes')} testId="record-notes">
      {canWrite ? (
        <form
          className={styles.noteForm}
          onSubmit={(e) => {
            e.preventDefault();
            if (text.trim()) add.mutate({ subjectType, subjectRef, text: text.trim() });
          }}
        >
          <textarea
            className={styles.textarea}
            value={text}
            onChange={(e) => setText(e.target.value)}
            maxLength={2000}
            placeholder={t('records.note.placeholder')}
            data-testid="record-note-text"
          />
          <div>
            <button
              type="submit"
              className={`${styles.button} ${styles.primary}`}
              disabled={add.isPending || !text.trim()}
              data-testid="record-note-add"
            >
              {add.isPending ? t('records.note.adding') : t('records.note.add')}
            </button>
          </div>
          {add.error ? <p className={styles.error}>{t('records.note.error', { message: errorText(add.error) })}</p> : null}
        </form>
      ) : (
        <p className={styles.sectionNote}>{t('records.note.noPermission')}</p>
      )}
      {notes.length === 0 ? (
        <p className={styles.muted}>{t('records.note.none')}</p>
      ) : (
        <ul className={styles.notes}>
          {notes.map((n) => (
            <li key={n.id}>
              <div className={styles.stepMeta}>
                {time(n.createdAt)} · {n.author}
              </div>
              {n.text}
            </li>
          ))}
        </ul>
      )}
    </Section>
  );
}
