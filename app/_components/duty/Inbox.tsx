'use client';

import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { useTRPC } from '@/app/_trpc/client';
import { useLocale, useT } from '../../_i18n/LocaleProvider';
import type { MessageKey } from '../../_i18n/locale';
import { SEVERITIES, type Severity } from '../alerts/severity';
import { SeverityChip } from '../alerts/SeverityChip';
import styles from './duty.module.css';
import { actionButtons, INBOX_VIEWS, phaseCounts, suppressionKind, type DutyAction, type InboxView } from './lifecycle';
import { formatBeijing } from './shift';
import type { InboxItem } from './types';

const PAGE = 100;

/** 待办预警: the alerts of the person's scope by view and severity, each with the steps they may take. */
export function Inbox({
  permissions,
  selectedId,
  onSelect,
  onAction,
  busyId,
  refetchInterval,
}: {
  permissions: string[];
  selectedId: string | null;
  onSelect: (id: string) => void;
  onAction: (item: InboxItem, action: DutyAction) => void;
  busyId: string | null;
  refetchInterval: number | false;
}) {
  const t = useT();
  const trpc = useTRPC();
  const [view, setView] = useState<InboxView>('unacknowledged');
  const [severity, setSeverity] = useState<Severity | ''>('');
  const [limit, setLimit] = useState(PAGE);
  const inbox = useQuery({
    ...trpc.duty.inbox.queryOptions({ view, ...(severity ? { severities: [severity] } : {}), limit }),
    refetchInterval,
    placeholderData: (prev) => prev,
  });
  const data = inbox.data;

  return (
    <section className={styles.panel} aria-labelledby="duty-inbox-title" data-testid="duty-inbox">
      <h2 id="duty-inbox-title" className={styles.panelTitle}>
        {t('duty.inbox.title')}
      </h2>
      <div className={styles.toolbar}>
        <div className={styles.segmented} role="group" aria-label={t('duty.view.label')}>
          {INBOX_VIEWS.map((v) => (
            <button
              key={v}
              type="button"
              aria-pressed={view === v}
              onClick={() => {
                setView(v);
                setLimit(PAGE);
              }}
              data-testid={`duty-view-${v}`}
            >
              {t(`duty.view.${v}`)}
            </button>
          ))}
        </div>
        <label className={styles.inline}>
          <span className={styles.fieldLabel}>{t('duty.severity.label')}</span>
          <select
            className={styles.select}
            value={severity}
            onChange={(e) => setSeverity(e.target.value as Severity | '')}
            data-testid="duty-severity-filter"
          >
            <option value="">{t('duty.severity.all')}</option>
            {SEVERITIES.map((s) => (
              <option key={s} value={s}>
                {t(`severity.${s}`)}
              </option>
            ))}
          </select>
        </label>
      </div>
      <div className={styles.counts} aria-label={t('duty.phaseCounts')} data-testid="duty-phase-counts">
        {phaseCounts(data?.byPhase).map((c) => (
          <span key={c.phase} data-phase={c.phase}>
            {t(`duty.phase.${c.phase}`)} <b>{c.count}</b>
          </span>
        ))}
      </div>
      {!data ? (
        <p className={styles.muted}>{inbox.isError ? t('duty.error', { message: inbox.error.message }) : t('duty.loading')}</p>
      ) : data.items.length === 0 ? (
        <p className={styles.muted} data-testid="duty-inbox-empty">
          {t('duty.inbox.empty')}
        </p>
      ) : (
        <ul className={styles.list} aria-busy={inbox.isFetching}>
          {data.items.map((item) => (
            <InboxRow
              key={item.id}
              item={item}
              selected={item.id === selectedId}
              busy={busyId === item.id}
              permissions={permissions}
              onSelect={onSelect}
              onAction={onAction}
            />
          ))}
        </ul>
      )}
      {data && data.total > data.items.length ? (
        <div className={styles.toolbar}>
          <span className={styles.muted}>{t('duty.inbox.showing', { shown: data.items.length, total: data.total })}</span>
          <button
            type="button"
            className={styles.linkButton}
            onClick={() => setLimit((l) => Math.min(500, l + PAGE))}
            disabled={limit >= 500}
            data-testid="duty-load-more"
          >
            {t('duty.loadMore')}
          </button>
        </div>
      ) : null}
    </section>
  );
}

function InboxRow({
  item,
  selected,
  busy,
  permissions,
  onSelect,
  onAction,
}: {
  item: InboxItem;
  selected: boolean;
  busy: boolean;
  permissions: string[];
  onSelect: (id: string) => void;
  onAction: (item: InboxItem, action: DutyAction) => void;
}) {
  const t = useT();
  const locale = useLocale();
  const title = locale === 'en' && item.titleEn ? item.titleEn : item.title;
  const supp = suppressionKind(item.suppressed);
  const phaseLabel = locale === 'en' ? item.phaseLabel.en : item.phaseLabel.zh;
  return (
    <li
      className={styles.row}
      data-testid="duty-row"
      data-id={item.id}
      data-phase={item.phase}
      data-severity={item.severity}
      data-selected={selected}
      onClick={() => onSelect(item.id)}
    >
      <SeverityChip severity={item.severity} />
      <div className={styles.rowMain}>
        <button type="button" className={styles.rowTitle} onClick={() => onSelect(item.id)} aria-current={selected ? 'true' : undefined}>
          {title}
        </button>
        <div className={styles.rowMeta}>
          <time dateTime={item.firedAt}>{formatBeijing(item.firedAt)}</time>
          <span>{item.orgName}</span>
          <span className={styles.phase} data-phase={item.phase}>
            {phaseLabel}
          </span>
          <span>{item.owner ? t('duty.row.owner', { owner: item.owner }) : t('duty.row.noOwner')}</span>
          {item.escalation > 0 ? (
            <span className={styles.tag} data-testid="duty-escalation">
              {t('duty.row.escalation', { n: item.escalation })}
            </span>
          ) : null}
          {supp ? (
            <span className={styles.tag} data-testid="duty-suppressed" data-kind={supp}>
              {t(`duty.suppressed.${supp}` as MessageKey)}
            </span>
          ) : null}
        </div>
      </div>
      <ActionButtons actions={item.actions} permissions={permissions} busy={busy} onAction={(a) => onAction(item, a)} />
    </li>
  );
}

/** The steps an alert allows, as buttons (`duty-action-<action>`). */
export function ActionButtons({
  actions,
  permissions,
  busy,
  onAction,
}: {
  actions: readonly string[];
  permissions: string[];
  busy: boolean;
  onAction: (action: DutyAction) => void;
}) {
  const t = useT();
  const buttons = actionButtons(actions, permissions);
  if (!buttons.length) return null;
  return (
    <div className={styles.actions} onClick={(e) => e.stopPropagation()}>
      {buttons.map((b) => (
        <button
          key={b.action}
          type="button"
          className={`${styles.button} ${b.primary ? styles.primary : ''} ${b.action === 'close' ? styles.danger : ''}`}
          disabled={busy}
          aria-haspopup={b.input === 'none' ? undefined : 'dialog'}
          onClick={() => onAction(b.action)}
          data-testid={`duty-action-${b.action}`}
        >
          {t(`duty.action.${b.action}`)}
        </button>
      ))}
    </div>
  );
}
