'use client';

import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { useTRPC } from '@/app/_trpc/client';
import { useT } from '../../_i18n/LocaleProvider';
import type { MessageKey } from '../../_i18n/locale';
import { SeverityChip } from '../alerts/SeverityChip';
import styles from './duty.module.css';
import { errorText, isPhase } from './lifecycle';
import { currentShiftEnd, formatBeijing } from './shift';
import { Pager } from './SupervisionTab';
import type { DutyUser, HandoverItem } from './types';

const PAGE_SIZE = 20;

/** 交接班: generate, edit and submit one's record; take over a submitted one; the history. */
export function HandoverTab({ user, refetchInterval }: { user: DutyUser; refetchInterval: number | false }) {
  const t = useT();
  const trpc = useTRPC();
  const qc = useQueryClient();
  const [openId, setOpenId] = useState<string | null>(null);
  const [person, setPerson] = useState('');
  const [personQuery, setPersonQuery] = useState('');
  const [page, setPage] = useState(1);
  const canAct = user.permissions.includes('duty.act');
  const refresh = () => void qc.invalidateQueries({ queryKey: trpc.handover.pathKey() });

  const draft = useMutation(
    trpc.handover.draft.mutationOptions({
      onSuccess: (h) => {
        setOpenId(h.id);
        refresh();
      },
    }),
  );
  const mine = useQuery({ ...trpc.handover.list.queryOptions({ status: 'draft', person: user.username, pageSize: 5 }), refetchInterval });
  const incoming = useQuery({ ...trpc.handover.list.queryOptions({ status: 'submitted', pageSize: 20 }), refetchInterval });
  const history = useQuery({
    ...trpc.handover.list.queryOptions({ ...(personQuery ? { person: personQuery } : {}), page, pageSize: PAGE_SIZE }),
    placeholderData: (prev) => prev,
  });
  const myDrafts = (mine.data?.rows ?? []).filter((h) => h.outgoing === user.username);
  const waiting = (incoming.data?.rows ?? []).filter((h) => h.outgoing !== user.username);
  const shiftEnd = currentShiftEnd(Date.now());

  return (
    <div className={styles.columns} data-testid="duty-handover">
      <div className={styles.desk}>
        <section className={styles.panel}>
          <h2 className={styles.panelTitle}>{t('duty.ho.mine')}</h2>
          {canAct ? (
            <div className={styles.toolbar}>
              <button
                type="button"
                className={`${styles.button} ${styles.primary}`}
                disabled={draft.isPending}
                onClick={() => draft.mutate({ orgCode: user.orgCode, shiftEndsAt: shiftEnd })}
                data-testid="duty-handover-generate"
              >
                {t('duty.ho.generate')}
              </button>
              <span className={styles.muted}>
                {t('duty.ho.shift', { from: formatBeijing(shiftEnd - 8 * 3_600_000), to: formatBeijing(shiftEnd) })}
              </span>
            </div>
          ) : null}
          {draft.error ? <p className={styles.error}>{t('duty.error', { message: errorText(draft.error) })}</p> : null}
          <HandoverList rows={myDrafts} onOpen={setOpenId} openId={openId} />
        </section>
        <section className={styles.panel}>
          <h2 className={styles.panelTitle}>{t('duty.ho.incoming')}</h2>
          {waiting.length === 0 ? (
            <p className={styles.muted}>{t('duty.ho.noIncoming')}</p>
          ) : (
            <HandoverList rows={waiting} onOpen={setOpenId} openId={openId} />
          )}
        </section>
        <section className={styles.panel}>
          <h2 className={styles.panelTitle}>{t('duty.ho.history')}</h2>
          <form
            className={styles.toolbar}
            role="search"
            onSubmit={(e) => {
              e.preventDefault();
              setPersonQuery(person.trim());
              setPage(1);
            }}
          >
            <input
              className={styles.input}
              type="search"
              value={person}
              onChange={(e) => setPerson(e.target.value)}
              maxLength={64}
              placeholder={t('duty.ho.search')}
              aria-label={t('duty.ho.search')}
              data-testid="duty-handover-search"
            />
            <button type="submit" className={styles.button}>
              {t('duty.ho.search')}
            </button>
          </form>
          {history.data ? (
            <HandoverList rows={history.data.rows} onOpen={setOpenId} openId={openId} />
          ) : (
            <p className={styles.muted}>{t('duty.loading')}</p>
          )}
          <Pager page={page} total={history.data?.total ?? 0} pageSize={PAGE_SIZE} onPage={setPage} />
        </section>
      </div>
      {openId ? <HandoverView id={openId} user={user} onChanged={refresh} /> : null}
    </div>
  );
}

function HandoverList({ rows, onOpen, openId }: { rows: HandoverItem[]; onOpen: (id: string) => void; openId: string | null }) {
  const t = useT();
  if (!rows.length) return <p className={styles.muted}>{t('duty.empty')}</p>;
  return (
    <ul className={styles.list}>
      {rows.map((h) => (
        <li key={h.id} className={styles.rowMeta} data-testid="duty-handover-row" data-id={h.id} data-status={h.status}>
          <span className={styles.status} data-status={h.status}>
            {t(`duty.ho.status.${h.status}` as MessageKey)}
          </span>
          <span>{h.orgCode}</span>
          <span>{formatBeijing(h.shiftEndsAt)}</span>
          <span>{t('duty.ho.outgoing', { who: h.outgoing })}</span>
          {h.incoming ? <span>{t('duty.ho.incomingBy', { who: h.incoming })}</span> : null}
          <button type="button" className={styles.linkButton} onClick={() => onOpen(h.id)} aria-pressed={openId === h.id}>
            {t('duty.ho.view')}
          </button>
        </li>
      ))}
    </ul>
  );
}

function HandoverView({ id, user, onChanged }: { id: string; user: DutyUser; onChanged: () => void }) {
  const t = useT();
  const trpc = useTRPC();
  const q = useQuery(trpc.handover.get.queryOptions({ id }));
  const h = q.data;
  const [notes, setNotes] = useState('');
  useEffect(() => {
    if (h) setNotes(h.notes);
  }, [h]);
  const opts = { onSuccess: onChanged };
  const update = useMutation(trpc.handover.update.mutationOptions(opts));
  const submit = useMutation(trpc.handover.submit.mutationOptions(opts));
  const ack = useMutation(trpc.handover.acknowledge.mutationOptions(opts));
  const err = update.error ?? submit.error ?? ack.error;
  if (!h) {
    return (
      <section className={styles.panel}>
        <p className={styles.muted}>{q.isError ? t('duty.error', { message: q.error.message }) : t('duty.loading')}</p>
      </section>
    );
  }
  const s = h.summary;
  const canAct = user.permissions.includes('duty.act');
  const editable = canAct && h.status === 'draft' && h.outgoing === user.username;
  const busy = update.isPending || submit.isPending || ack.isPending;
  return (
    <section className={styles.panel} data-testid="duty-handover-view" data-id={h.id} data-status={h.status}>
      <h2 className={styles.panelTitle}>
        {t('duty.ho.shift', { from: formatBeijing(s.shift.from), to: formatBeijing(s.shift.to) })}{' '}
        <span className={styles.status} data-status={h.status}>
          {t(`duty.ho.status.${h.status}` as MessageKey)}
        </span>
      </h2>
      <div className={styles.rowMeta}>
        <span>{h.orgCode}</span>
        <span>{t('duty.ho.outgoing', { who: h.outgoing })}</span>
        {h.incoming ? <span>{t('duty.ho.incomingBy', { who: h.incoming })}</span> : null}
      </div>

      <div className={styles.section}>
        <h3 className={styles.sectionTitle}>
          {t('duty.ho.openAlerts', { n: s.alerts.open })}{' '}
          {(['red', 'orange', 'yellow', 'blue'] as const).map((sev) => (
            <span key={sev} className={styles.muted} style={{ marginLeft: 8 }}>
              <SeverityChip severity={sev} /> {s.alerts.bySeverity[sev] ?? 0}
            </span>
          ))}
        </h3>
        <ul className={styles.list}>
          {s.alerts.top.map((a) => (
            <li key={a.id} className={styles.rowMeta}>
              <SeverityChip severity={a.severity} />
              <span>{formatBeijing(a.firedAt)}</span>
              <span style={{ color: '#e6edf7' }}>{a.title}</span>
              <span>{isPhase(a.phase) ? t(`duty.phase.${a.phase}`) : a.phase}</span>
              <span>{a.owner ?? t('duty.row.noOwner')}</span>
            </li>
          ))}
        </ul>
      </div>

      <div className={styles.section}>
        <h3 className={styles.sectionTitle}>{t('duty.ho.pendingSup', { n: s.supervision.pending })}</h3>
        <ul className={styles.list}>
          {s.supervision.items.map((i) => (
            <li key={i.id} className={styles.rowMeta}>
              <span className={styles.status} data-status={i.status}>
                {t(`duty.sup.status.${i.status}` as MessageKey)}
              </span>
              <span style={{ color: '#e6edf7' }}>{i.title}</span>
              <span>{i.orgCode}</span>
              <span>{t('duty.sup.due', { time: formatBeijing(i.dueAt) })}</span>
              {i.overdue ? <span className={styles.tag}>{t('duty.sup.overdue')}</span> : null}
            </li>
          ))}
        </ul>
      </div>

      {s.events.length ? (
        <div className={styles.section}>
          <h3 className={styles.sectionTitle}>{t('duty.ho.events')}</h3>
          <ul className={styles.list}>
            {s.events.map((e, i) => (
              <li key={i} className={styles.rowMeta}>
                <span>{formatBeijing(e.at, { short: true })}</span>
                <span>{e.category}</span>
                <span style={{ color: '#e6edf7' }}>{e.text}</span>
                <span>{e.actor}</span>
              </li>
            ))}
          </ul>
        </div>
      ) : null}

      <div className={styles.section}>
        <h3 className={styles.sectionTitle}>{t('duty.ho.sources')}</h3>
        {s.sourcesError ? <p className={styles.error}>{s.sourcesError}</p> : null}
        <ul className={styles.list}>
          {s.sources.map((src) => (
            <li key={src.source} className={styles.rowMeta}>
              <span style={{ color: '#e6edf7' }}>{src.source}</span>
              <span className={styles.status} data-status={src.status === 'ok' ? 'sent' : 'failed'}>
                {src.status}
              </span>
              {src.lagSeconds !== null ? <span>{t('duty.ho.lag', { s: src.lagSeconds })}</span> : null}
            </li>
          ))}
        </ul>
      </div>

      <div className={styles.section}>
        {editable ? (
          <label className={styles.field}>
            <span className={styles.sectionTitle}>{t('duty.ho.notes')}</span>
            <textarea
              className={styles.textarea}
              value={notes}
              onChange={(e) => setNotes(e.target.value)}
              maxLength={10_000}
              data-testid="duty-handover-notes"
            />
          </label>
        ) : (
          <>
            <h3 className={styles.sectionTitle}>{t('duty.ho.notes')}</h3>
            <p className={styles.pre}>{h.notes || '—'}</p>
          </>
        )}
      </div>
      {h.status === 'acknowledged' ? <p className={styles.muted}>{t('duty.ho.readonly')}</p> : null}
      {err ? <p className={styles.error}>{t('duty.error', { message: errorText(err) })}</p> : null}
      <div className={styles.toolbar}>
        {editable ? (
          <>
            <button
              type="button"
              className={styles.button}
              disabled={busy || notes === h.notes}
              onClick={() => update.mutate({ id: h.id, notes })}
              data-testid="duty-handover-save"
            >
              {t('duty.ho.saveNotes')}
            </button>
            <button
              type="button"
              className={`${styles.button} ${styles.primary}`}
              disabled={busy}
              onClick={async () => {
                if (notes !== h.notes) await update.mutateAsync({ id: h.id, notes });
                submit.mutate({ id: h.id });
              }}
              data-testid="duty-handover-submit"
            >
              {t('duty.ho.submit')}
            </button>
          </>
        ) : null}
        {canAct && h.status === 'submitted' && h.outgoing !== user.username ? (
          <button
            type="button"
            className={`${styles.button} ${styles.primary}`}
            disabled={busy}
            onClick={() => ack.mutate({ id: h.id })}
            data-testid="duty-handover-acknowledge"
          >
            {t('duty.ho.acknowledge')}
          </button>
        ) : null}
      </div>
    </section>
  );
}
