'use client';

import { alertFigures } from '../alerts/alert-figures';
import { useQuery } from '@tanstack/react-query';
import { useTRPC } from '@/app/_trpc/client';
import { useLocale, useT } from '../../_i18n/LocaleProvider';
import type { MessageKey } from '../../_i18n/locale';
import { SeverityChip } from '../alerts/SeverityChip';
import styles from './duty.module.css';
import { ActionButtons } from './Inbox';
import { isPhase, suppressionKind, type DutyAction } from './lifecycle';
import { formatBeijing } from './shift';
import { attemptOutcomes, figureText, messageStatus, timelineRows } from './timeline';
import type { AlertDetailData } from './types';

/** The right-hand panel: one alert's figures, history, messages, who would be told, and its supervision items. */
export function AlertDetail({
  id,
  permissions,
  busy,
  onAction,
  refetchInterval,
}: {
  id: string | null;
  permissions: string[];
  busy: boolean;
  onAction: (alert: AlertDetailData, action: DutyAction) => void;
  refetchInterval: number | false;
}) {
  const t = useT();
  const locale = useLocale();
  const trpc = useTRPC();
  const alert = useQuery({ ...trpc.duty.alert.queryOptions({ id: id ?? '' }), enabled: !!id, refetchInterval });
  const preview = useQuery({ ...trpc.duty.preview.queryOptions({ eventId: id ?? '' }), enabled: !!id, staleTime: 60_000 });
  const phaseText = (p: string | null) => (p && isPhase(p) ? t(`duty.phase.${p}`) : (p ?? '—'));

  if (!id) {
    return (
      <section className={styles.panel} data-testid="duty-detail">
        <h2 className={styles.panelTitle}>{t('duty.detail.title')}</h2>
        <p className={styles.muted}>{t('duty.detail.pick')}</p>
      </section>
    );
  }
  const a = alert.data;
  if (!a) {
    return (
      <section className={styles.panel} data-testid="duty-detail">
        <h2 className={styles.panelTitle}>{t('duty.detail.title')}</h2>
        <p className={alert.isError ? styles.error : styles.muted}>
          {alert.isError ? t('duty.error', { message: alert.error.message }) : t('duty.loading')}
        </p>
      </section>
    );
  }
  const supp = suppressionKind(a.suppressed);
  const rows = timelineRows(a.timeline);
  return (
    <section className={styles.panel} data-testid="duty-detail" data-id={a.id} data-phase={a.phase} aria-labelledby="duty-detail-title">
      <h2 id="duty-detail-title" className={styles.panelTitle}>
        <SeverityChip severity={a.severity} long /> {locale === 'en' && a.titleEn ? a.titleEn : a.title}
      </h2>
      <div className={styles.rowMeta}>
        <span className={styles.phase} data-phase={a.phase}>
          {phaseText(a.phase)}
        </span>
        <span>{a.owner ? t('duty.row.owner', { owner: a.owner }) : t('duty.row.noOwner')}</span>
        {a.escalation > 0 ? <span className={styles.tag}>{t('duty.row.escalation', { n: a.escalation })}</span> : null}
        {supp ? <span className={styles.tag}>{t(`duty.suppressed.${supp}` as MessageKey)}</span> : null}
      </div>
      <div className={styles.section}>
        <ActionButtons actions={a.actions} permissions={permissions} busy={busy} onAction={(act) => onAction(a, act)} />
      </div>

      <div className={styles.section}>
        <dl className={styles.dl}>
          <dt>{t('duty.detail.rule')}</dt>
          <dd>{locale === 'en' && a.ruleNameEn ? a.ruleNameEn : a.ruleName}</dd>
          <dt>{t('duty.detail.unit')}</dt>
          <dd>
            {a.orgName} ({a.orgCode})
          </dd>
          <dt>{t('duty.detail.fired')}</dt>
          <dd>{formatBeijing(a.firedAt, { year: true })}</dd>
          {a.recoveredAt ? (
            <>
              <dt>{t('duty.detail.recovered')}</dt>
              <dd>{formatBeijing(a.recoveredAt, { year: true })}</dd>
            </>
          ) : null}
          <dt>{t('duty.detail.value')}</dt>
          <dd>{figureText(a.value)}</dd>
        </dl>
      </div>

      {a.figures && Object.keys(a.figures).length ? (
        <div className={styles.section}>
          <h3 className={styles.sectionTitle}>{t('duty.detail.figures')}</h3>
          <dl className={styles.dl} data-testid="duty-figures">
            {/* Labelled and formatted as on the alert centre's cards (Beijing time, units, code labels). */}
            {alertFigures(
              { kind: a.kind, condition: a.condition, value: a.value, figures: a.figures, drill: a.drill },
              undefined,
              () => undefined,
              t,
            ).map((f) => (
              <div key={f.key} style={{ display: 'contents' }}>
                <dt>{f.label}</dt>
                <dd>{f.text}</dd>
              </div>
            ))}
          </dl>
        </div>
      ) : null}

      <div className={styles.section}>
        <h3 className={styles.sectionTitle}>{t('duty.detail.timeline')}</h3>
        {rows.length === 0 ? (
          <p className={styles.muted}>{t('duty.detail.noTimeline')}</p>
        ) : (
          <ol className={styles.timeline} data-testid="duty-timeline">
            {rows.map((r) => (
              <li key={r.key} className={styles.timelineItem} data-testid="duty-timeline-item" data-to={r.to} data-via={r.via}>
                {r.dayHeader ? <div className={styles.dayHeader}>{r.dayHeader}</div> : null}
                <div>
                  <time dateTime={r.at}>{r.time}</time> · {r.actor} · {t(`duty.via.${r.via}`)}
                </div>
                <div>
                  {r.from ? `${phaseText(r.from)} → ` : ''}
                  <b>{phaseText(r.to)}</b>
                </div>
                {r.note ? <div className={styles.muted}>{r.note}</div> : null}
              </li>
            ))}
          </ol>
        )}
      </div>

      <div className={styles.section}>
        <h3 className={styles.sectionTitle}>{t('duty.detail.messages')}</h3>
        {a.notifications.length === 0 ? (
          <p className={styles.muted}>{t('duty.detail.noMessages')}</p>
        ) : (
          <table className={styles.table}>
            <tbody>
              {a.notifications.map((n) => {
                const st = messageStatus(n.status);
                const outcomes = attemptOutcomes(n.attempts);
                return (
                  <tr key={n.id} data-testid="duty-message" data-status={st}>
                    <td>{formatBeijing(n.sentAt ?? n.createdAt, { short: true })}</td>
                    <td>
                      {n.recipient}
                      <div className={styles.muted}>
                        {n.channelId} · {t('duty.msg.step', { n: n.step + 1 })}
                      </div>
                    </td>
                    <td>
                      <span className={styles.status} data-status={st}>
                        {t(`duty.msg.${st}`)}
                      </span>
                      {outcomes.length ? (
                        <div className={styles.muted}>{t('duty.msg.attempts', { n: outcomes.length, outcomes: outcomes.join(' → ') })}</div>
                      ) : null}
                      {n.lastError ? <div className={styles.error}>{n.lastError}</div> : null}
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        )}
      </div>

      <div className={styles.section} data-testid="duty-preview">
        <h3 className={styles.sectionTitle}>{t('duty.detail.preview')}</h3>
        {!preview.data ? (
          <p className={styles.muted}>{preview.isError ? t('duty.error', { message: preview.error.message }) : t('duty.loading')}</p>
        ) : !preview.data.policy ? (
          <p className={styles.muted}>{t('duty.detail.noPolicy')}</p>
        ) : (
          <>
            <p className={styles.muted}>{t('duty.detail.policy', { name: preview.data.policy.name })}</p>
            <ol className={styles.list}>
              {preview.data.steps.map((s) => (
                <li key={s.step} className={styles.cell}>
                  <b>{t('duty.detail.step', { n: s.step + 1, time: formatBeijing(s.at) })}</b>
                  <span>
                    {s.people.length ? s.people.map((p) => `${p.displayName} (${p.username})`).join('、') : t('duty.detail.noPeople')}
                  </span>
                  {s.deliveries.map((chain, i) => (
                    <span key={i} className={styles.muted}>
                      {chain
                        .map(
                          (c) =>
                            `${c.name}${!c.enabled ? ` (${t('duty.detail.disabled')})` : ''}${
                              c.heldUntil ? ` (${t('duty.detail.heldUntil', { time: formatBeijing(c.heldUntil) })})` : ''
                            }`,
                        )
                        .join(' → ')}
                    </span>
                  ))}
                </li>
              ))}
            </ol>
          </>
        )}
      </div>

      <div className={styles.section}>
        <h3 className={styles.sectionTitle}>{t('duty.detail.supervisions')}</h3>
        {a.supervisions.length === 0 ? (
          <p className={styles.muted}>{t('duty.detail.noSupervisions')}</p>
        ) : (
          <ul className={styles.list}>
            {a.supervisions.map((s) => (
              <li key={s.id} className={styles.rowMeta} data-testid="duty-detail-supervision">
                <span className={styles.status} data-status={s.status}>
                  {t(`duty.sup.status.${s.status}` as MessageKey)}
                </span>
                <span>{s.title}</span>
                <span>{s.orgCode}</span>
                <span>{t('duty.sup.due', { time: formatBeijing(s.dueAt) })}</span>
              </li>
            ))}
          </ul>
        )}
      </div>
    </section>
  );
}
