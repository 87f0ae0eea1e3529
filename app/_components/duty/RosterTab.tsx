'use client';

import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useMemo, useState } from 'react';
import { useTRPC } from '@/app/_trpc/client';
import { useT } from '../../_i18n/LocaleProvider';
import type { MessageKey } from '../../_i18n/locale';
import { Dialog } from './Dialog';
import styles from './duty.module.css';
import { DUTY_ROLES, errorText, type DutyRole } from './lifecycle';
import { rosterTable } from './roster-table';
import { beijingDayStart, beijingLocalToEpoch, currentShiftEnd, DAY_MS, epochToBeijingLocal, formatBeijing, HOUR_MS } from './shift';
import type { DutyUser, ShiftItem } from './types';

type Form = { kind: 'shift' } | { kind: 'leave' } | { kind: 'swap'; shift: ShiftItem };

const roleLabel = (t: (k: MessageKey) => string, r: string) =>
  (DUTY_ROLES as readonly string[]).includes(r) ? t(`duty.role.${r}` as MessageKey) : r;

/** 值班表: today's and tomorrow's shifts of the person's unit and below, who is on duty now; edit with duty.roster. */
export function RosterTab({ user }: { user: DutyUser }) {
  const t = useT();
  const trpc = useTRPC();
  const qc = useQueryClient();
  const [form, setForm] = useState<Form | null>(null);
  // The window is fixed per render day so the query key stays stable; refetched every minute for "on duty now".
  const today = beijingDayStart(Date.now());
  const list = useQuery({
    ...trpc.roster.list.queryOptions({ orgCode: user.orgCode, subtree: true, from: today, to: today + 2 * DAY_MS }),
    refetchInterval: 60_000,
  });
  const now = list.dataUpdatedAt || Date.now();
  const table = useMemo(() => rosterTable(list.data ?? [], now), [list.data, now]);
  const canEdit = user.permissions.includes('duty.roster');
  const done = () => {
    setForm(null);
    void qc.invalidateQueries({ queryKey: trpc.roster.pathKey() });
  };

  return (
    <section className={styles.panel} data-testid="duty-roster">
      <div className={styles.toolbar}>
        <h2 className={styles.panelTitle}>
          {t('duty.roster.today')} / {t('duty.roster.tomorrow')}
        </h2>
        <span className={styles.spacer} />
        {canEdit ? (
          <>
            <button type="button" className={styles.button} onClick={() => setForm({ kind: 'shift' })} data-testid="duty-roster-add">
              {t('duty.roster.addShift')}
            </button>
            <button type="button" className={styles.button} onClick={() => setForm({ kind: 'leave' })} data-testid="duty-roster-leave">
              {t('duty.roster.markLeave')}
            </button>
          </>
        ) : null}
      </div>
      {!list.data ? (
        <p className={styles.muted}>{list.isError ? t('duty.error', { message: list.error.message }) : t('duty.loading')}</p>
      ) : table.groups.length === 0 ? (
        <p className={styles.muted}>{t('duty.empty')}</p>
      ) : (
        <table className={styles.table}>
          <thead>
            <tr>
              <th scope="col">{t('duty.roster.org')}</th>
              <th scope="col">{t('duty.roster.role')}</th>
              <th scope="col">{t('duty.roster.today')}</th>
              <th scope="col">{t('duty.roster.tomorrow')}</th>
            </tr>
          </thead>
          <tbody>
            {table.groups.map((g) => (
              <tr key={`${g.orgCode}|${g.dutyRole}`} data-testid="duty-roster-group">
                <td>{g.orgCode}</td>
                <td>{roleLabel(t, g.dutyRole)}</td>
                {(['today', 'tomorrow'] as const).map((day) => (
                  <td key={day}>
                    <div className={styles.cells}>
                      {g.cells
                        .filter((c) => c.day === day)
                        .map((c) => (
                          <div
                            key={c.shift.id}
                            className={styles.cell}
                            data-current={c.current}
                            data-leave={c.onLeave}
                            data-testid="duty-roster-shift"
                            data-id={c.shift.id}
                          >
                            <span>
                              {formatBeijing(c.shift.startsAt, { short: true })}–{formatBeijing(c.shift.endsAt, { short: true })}
                            </span>
                            <b>{c.shift.displayName ?? c.shift.username}</b>
                            {c.current ? <span className={styles.live}>{t('duty.roster.current')}</span> : null}
                            {c.onLeave ? <span className={styles.tag}>{t('duty.roster.onLeave')}</span> : null}
                            {c.shift.swappedFrom ? (
                              <span className={styles.muted}>{t('duty.roster.swapped', { who: c.shift.swappedFrom })}</span>
                            ) : null}
                            {canEdit ? (
                              <button
                                type="button"
                                className={styles.linkButton}
                                onClick={() => setForm({ kind: 'swap', shift: c.shift })}
                                data-testid="duty-roster-swap"
                              >
                                {t('duty.roster.swap')}
                              </button>
                            ) : null}
                          </div>
                        ))}
                    </div>
                  </td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {table.leave.length ? (
        <div className={styles.section}>
          <h3 className={styles.sectionTitle}>{t('duty.roster.leaveList')}</h3>
          <ul className={styles.list}>
            {table.leave.map((l) => (
              <li key={l.id} className={styles.rowMeta}>
                <b style={{ color: '#e6edf7' }}>{l.displayName ?? l.username}</b>
                <span>{l.orgCode}</span>
                <span>
                  {formatBeijing(l.startsAt)} – {formatBeijing(l.endsAt)}
                </span>
                {l.note ? <span>{l.note}</span> : null}
              </li>
            ))}
          </ul>
        </div>
      ) : null}
      {form?.kind === 'shift' ? <ShiftDialog orgCode={user.orgCode} onClose={() => setForm(null)} onDone={done} /> : null}
      {form?.kind === 'leave' ? <LeaveDialog orgCode={user.orgCode} onClose={() => setForm(null)} onDone={done} /> : null}
      {form?.kind === 'swap' ? <SwapDialog shift={form.shift} onClose={() => setForm(null)} onDone={done} /> : null}
    </section>
  );
}

function Span({ from, to, setFrom, setTo }: { from: string; to: string; setFrom: (v: string) => void; setTo: (v: string) => void }) {
  const t = useT();
  return (
    <div className={styles.inline}>
      <label className={styles.field}>
        <span className={styles.fieldLabel}>{t('duty.roster.from')}</span>
        <input className={styles.input} type="datetime-local" value={from} onChange={(e) => setFrom(e.target.value)} required />
      </label>
      <label className={styles.field}>
        <span className={styles.fieldLabel}>{t('duty.roster.to')}</span>
        <input className={styles.input} type="datetime-local" value={to} onChange={(e) => setTo(e.target.value)} required />
      </label>
    </div>
  );
}

function Buttons({ busy, valid, onClose }: { busy: boolean; valid: boolean; onClose: () => void }) {
  const t = useT();
  return (
    <div className={styles.dialogButtons}>
      <button type="button" className={styles.button} onClick={onClose} data-dialog-close>
        {t('duty.cancel')}
      </button>
      <button type="submit" className={`${styles.button} ${styles.primary}`} disabled={busy || !valid} data-testid="duty-dialog-submit">
        {t('duty.save')}
      </button>
    </div>
  );
}

function useSpan() {
  const end = currentShiftEnd(Date.now());
  const [from, setFrom] = useState(epochToBeijingLocal(end));
  const [to, setTo] = useState(epochToBeijingLocal(end + 8 * HOUR_MS));
  const a = beijingLocalToEpoch(from);
  const b = beijingLocalToEpoch(to);
  return { from, to, setFrom, setTo, a, b, ok: a !== null && b !== null && b > a };
}

function ShiftDialog({ orgCode: defaultOrg, onClose, onDone }: { orgCode: string; onClose: () => void; onDone: () => void }) {
  const t = useT();
  const trpc = useTRPC();
  const [orgCode, setOrgCode] = useState(defaultOrg);
  const [dutyRole, setDutyRole] = useState<DutyRole>('duty_officer');
  const [username, setUsername] = useState('');
  const [note, setNote] = useState('');
  const span = useSpan();
  const save = useMutation(trpc.roster.save.mutationOptions({ onSuccess: onDone }));
  const valid = span.ok && !!username.trim() && /^\d{2,9}$/.test(orgCode.trim());
  return (
    <Dialog title={t('duty.roster.addShift')} onClose={onClose} testId="duty-dialog-shift">
      <form
        className={styles.form}
        onSubmit={(e) => {
          e.preventDefault();
          if (!valid) return;
          save.mutate({
            orgCode: orgCode.trim(),
            dutyRole,
            username: username.trim(),
            startsAt: span.a!,
            endsAt: span.b!,
            ...(note.trim() ? { note: note.trim() } : {}),
          });
        }}
      >
        <div className={styles.inline}>
          <label className={styles.field}>
            <span className={styles.fieldLabel}>{t('duty.roster.org')}</span>
            <input className={styles.input} value={orgCode} onChange={(e) => setOrgCode(e.target.value)} required pattern="\d{2,9}" />
          </label>
          <label className={styles.field}>
            <span className={styles.fieldLabel}>{t('duty.roster.role')}</span>
            <select className={styles.select} value={dutyRole} onChange={(e) => setDutyRole(e.target.value as DutyRole)}>
              {DUTY_ROLES.map((r) => (
                <option key={r} value={r}>
                  {roleLabel(t, r)}
                </option>
              ))}
            </select>
          </label>
        </div>
        <label className={styles.field}>
          <span className={styles.fieldLabel}>{t('duty.roster.user')}</span>
          <input className={styles.input} value={username} onChange={(e) => setUsername(e.target.value)} required maxLength={64} />
        </label>
        <Span {...span} />
        {!span.ok ? <p className={styles.error}>{t('duty.roster.badTime')}</p> : null}
        <label className={styles.field}>
          <span className={styles.fieldLabel}>{t('duty.roster.note')}</span>
          <input className={styles.input} value={note} onChange={(e) => setNote(e.target.value)} maxLength={500} />
        </label>
        {save.error ? <p className={styles.error}>{t('duty.error', { message: errorText(save.error) })}</p> : null}
        <Buttons busy={save.isPending} valid={valid} onClose={onClose} />
      </form>
    </Dialog>
  );
}

function LeaveDialog({ orgCode: defaultOrg, onClose, onDone }: { orgCode: string; onClose: () => void; onDone: () => void }) {
  const t = useT();
  const trpc = useTRPC();
  const [orgCode, setOrgCode] = useState(defaultOrg);
  const [username, setUsername] = useState('');
  const [note, setNote] = useState('');
  const span = useSpan();
  const leave = useMutation(trpc.roster.leave.mutationOptions({ onSuccess: onDone }));
  const valid = span.ok && !!username.trim() && /^\d{2,9}$/.test(orgCode.trim());
  return (
    <Dialog title={t('duty.roster.markLeave')} onClose={onClose} testId="duty-dialog-leave">
      <form
        className={styles.form}
        onSubmit={(e) => {
          e.preventDefault();
          if (!valid) return;
          leave.mutate({
            orgCode: orgCode.trim(),
            username: username.trim(),
            startsAt: span.a!,
            endsAt: span.b!,
            ...(note.trim() ? { note: note.trim() } : {}),
          });
        }}
      >
        <label className={styles.field}>
          <span className={styles.fieldLabel}>{t('duty.roster.user')}</span>
          <input className={styles.input} value={username} onChange={(e) => setUsername(e.target.value)} required maxLength={64} />
        </label>
        <label className={styles.field}>
          <span className={styles.fieldLabel}>{t('duty.roster.org')}</span>
          <input className={styles.input} value={orgCode} onChange={(e) => setOrgCode(e.target.value)} required pattern="\d{2,9}" />
        </label>
        <Span {...span} />
        {!span.ok ? <p className={styles.error}>{t('duty.roster.badTime')}</p> : null}
        <label className={styles.field}>
          <span className={styles.fieldLabel}>{t('duty.roster.note')}</span>
          <input className={styles.input} value={note} onChange={(e) => setNote(e.target.value)} maxLength={500} />
        </label>
        {leave.error ? <p className={styles.error}>{t('duty.error', { message: errorText(leave.error) })}</p> : null}
        <Buttons busy={leave.isPending} valid={valid} onClose={onClose} />
      </form>
    </Dialog>
  );
}

function SwapDialog({ shift, onClose, onDone }: { shift: ShiftItem; onClose: () => void; onDone: () => void }) {
  const t = useT();
  const trpc = useTRPC();
  const [username, setUsername] = useState('');
  const [note, setNote] = useState('');
  const swap = useMutation(trpc.roster.swap.mutationOptions({ onSuccess: onDone }));
  const valid = !!username.trim() && username.trim() !== shift.username;
  return (
    <Dialog
      title={t('duty.roster.swapTitle', {
        who: shift.displayName ?? shift.username,
        time: `${formatBeijing(shift.startsAt)}–${formatBeijing(shift.endsAt, { short: true })}`,
      })}
      onClose={onClose}
      testId="duty-dialog-swap"
    >
      <form
        className={styles.form}
        onSubmit={(e) => {
          e.preventDefault();
          if (valid) swap.mutate({ id: shift.id, username: username.trim(), ...(note.trim() ? { note: note.trim() } : {}) });
        }}
      >
        <label className={styles.field}>
          <span className={styles.fieldLabel}>{t('duty.roster.user')}</span>
          <input className={styles.input} value={username} onChange={(e) => setUsername(e.target.value)} required maxLength={64} />
        </label>
        <label className={styles.field}>
          <span className={styles.fieldLabel}>{t('duty.roster.note')}</span>
          <input className={styles.input} value={note} onChange={(e) => setNote(e.target.value)} maxLength={500} />
        </label>
        {swap.error ? <p className={styles.error}>{t('duty.error', { message: errorText(swap.error) })}</p> : null}
        <Buttons busy={swap.isPending} valid={valid} onClose={onClose} />
      </form>
    </Dialog>
  );
}
