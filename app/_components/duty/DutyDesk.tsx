'use client';

import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useTRPC } from '@/app/_trpc/client';
import { useLocale, useT } from '../../_i18n/LocaleProvider';
import { PageShell } from '../nav/PageShell';
import { AssignDialog, NoteDialog, SupervisionDialog } from './ActionDialogs';
import { AlertDetail } from './AlertDetail';
import styles from './duty.module.css';
import { HandoverTab } from './HandoverTab';
import { Inbox } from './Inbox';
import { ACTION_INPUT, errorText, isConflict, type DutyAction } from './lifecycle';
import { RosterTab } from './RosterTab';
import { RunLogTab } from './RunLogTab';
import { SupervisionTab } from './SupervisionTab';
import type { DutyUser } from './types';
import { FALLBACK_REFRESH_MS, useDutyLive } from './useDutyLive';

const TABS = ['alerts', 'supervision', 'handover', 'runlog', 'roster'] as const;
type Tab = (typeof TABS)[number];

/** What an action is taken on: a row of the inbox or the alert in the detail panel. */
interface Target {
  id: string;
  orgCode: string;
  title: string;
}

type Pending = { action: 'assign' | 'close' | 'reopen' | 'supervise'; target: Target } | null;

/** 值班台: the inbox and an alert's details, with supervision, handover, run log and roster as tabs. */
export function DutyDesk({ user }: { user: DutyUser }) {
  const t = useT();
  const locale = useLocale();
  const trpc = useTRPC();
  const qc = useQueryClient();
  const [tab, setTab] = useState<Tab>('alerts');
  const [selected, setSelected] = useState<string | null>(null);
  const [pending, setPending] = useState<Pending>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const { live, muted, setMuted, permission, askPermission } = useDutyLive(t, locale);
  const refetchInterval = live ? false : FALLBACK_REFRESH_MS;
  // Supervision replies, handovers and run-log entries do not come over the alert stream: a slow refresh.
  const slowRefetch = live ? 60_000 : FALLBACK_REFRESH_MS;

  const refreshDuty = () => void qc.invalidateQueries({ queryKey: trpc.duty.pathKey() });
  const act = useMutation(
    trpc.duty.act.mutationOptions({
      onSuccess: () => {
        setPending(null);
        setNotice(null);
        refreshDuty();
      },
      onError: (err) => {
        setPending(null);
        setNotice(isConflict(err) ? t('duty.conflict', { message: errorText(err) }) : t('duty.error', { message: errorText(err) }));
        refreshDuty();
      },
    }),
  );

  const onAction = (target: Target, action: DutyAction) => {
    setNotice(null);
    const input = ACTION_INPUT[action];
    if (input === 'none') act.mutate({ eventId: target.id, action });
    else setPending({ action: action as 'assign' | 'close' | 'reopen' | 'supervise', target });
  };
  const targetOf = (a: { id: string; orgCode: string; title: string; titleEn: string }): Target => ({
    id: a.id,
    orgCode: a.orgCode,
    title: locale === 'en' && a.titleEn ? a.titleEn : a.title,
  });
  const busyId = act.isPending ? (act.variables?.eventId ?? null) : null;

  return (
    <PageShell
      title={t('duty.title')}
      testId="duty-desk"
      aside={
        <span className={styles.live} data-live={live} data-testid="duty-live" title={live ? undefined : t('duty.live.off')}>
          {live ? t('duty.live.on') : t('duty.live.off')}
        </span>
      }
    >
      <div className={styles.desk}>
        <div className={styles.toolbar}>
          <div className={styles.tabs} role="tablist" aria-label={t('duty.tabs.label')}>
            {TABS.map((k) => (
              <button
                key={k}
                type="button"
                role="tab"
                id={`duty-tab-${k}`}
                aria-selected={tab === k}
                aria-controls={`duty-panel-${k}`}
                className={styles.tab}
                onClick={() => setTab(k)}
                data-testid={`duty-tab-${k}`}
              >
                {t(`duty.tab.${k}`)}
              </button>
            ))}
          </div>
          <span className={styles.spacer} />
          <button
            type="button"
            className={styles.button}
            aria-pressed={muted}
            title={t('duty.muteTitle')}
            onClick={() => setMuted(!muted)}
            data-testid="duty-mute"
          >
            {muted ? t('duty.unmute') : t('duty.mute')}
          </button>
          {permission === 'granted' ? (
            <span className={styles.muted}>{t('duty.notify.on')}</span>
          ) : permission === 'denied' ? (
            <span className={styles.muted}>{t('duty.notify.denied')}</span>
          ) : permission === 'default' ? (
            <button type="button" className={styles.button} onClick={() => void askPermission()} data-testid="duty-notify-enable">
              {t('duty.notify.enable')}
            </button>
          ) : null}
        </div>

        {notice ? (
          <div className={styles.banner} role="alert" data-testid="duty-notice">
            <span>{notice}</span>
            <span className={styles.spacer} />
            <button type="button" className={styles.linkButton} onClick={() => setNotice(null)}>
              {t('duty.close')}
            </button>
          </div>
        ) : null}

        <div role="tabpanel" id={`duty-panel-${tab}`} aria-labelledby={`duty-tab-${tab}`}>
          {tab === 'alerts' ? (
            <div className={styles.columns}>
              <Inbox
                permissions={user.permissions}
                selectedId={selected}
                onSelect={setSelected}
                onAction={(item, action) => onAction(targetOf(item), action)}
                busyId={busyId}
                refetchInterval={refetchInterval}
              />
              <AlertDetail
                id={selected}
                permissions={user.permissions}
                busy={!!selected && busyId === selected}
                onAction={(a, action) => onAction(targetOf(a), action)}
                refetchInterval={refetchInterval}
              />
            </div>
          ) : tab === 'supervision' ? (
            <SupervisionTab user={user} refetchInterval={slowRefetch} />
          ) : tab === 'handover' ? (
            <HandoverTab user={user} refetchInterval={slowRefetch} />
          ) : tab === 'runlog' ? (
            <RunLogTab user={user} refetchInterval={slowRefetch} />
          ) : (
            <RosterTab user={user} />
          )}
        </div>
      </div>

      {pending?.action === 'assign' ? (
        <AssignDialog
          orgCode={pending.target.orgCode}
          busy={act.isPending}
          onClose={() => setPending(null)}
          onSubmit={(assignee, note) => act.mutate({ eventId: pending.target.id, action: 'assign', assignee, ...(note ? { note } : {}) })}
        />
      ) : null}
      {pending?.action === 'close' || pending?.action === 'reopen' ? (
        <NoteDialog
          action={pending.action}
          busy={act.isPending}
          onClose={() => setPending(null)}
          onSubmit={(note) => act.mutate({ eventId: pending.target.id, action: pending.action as 'close' | 'reopen', note })}
        />
      ) : null}
      {pending?.action === 'supervise' ? (
        <SupervisionDialog
          alert={{ eventId: pending.target.id, orgCode: pending.target.orgCode, title: pending.target.title }}
          defaultOrg={user.orgCode}
          onClose={() => setPending(null)}
          onDone={() => {
            setPending(null);
            refreshDuty();
            void qc.invalidateQueries({ queryKey: trpc.supervision.pathKey() });
          }}
        />
      ) : null}
    </PageShell>
  );
}
