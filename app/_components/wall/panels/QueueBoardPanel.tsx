'use client';

import { useMemo, useRef } from 'react';
import { formatInt, formatMinutes, NO_VALUE } from '../../../_i18n/format';
import { createTranslator } from '../../../_i18n/locale';
import { lastDayLabel, panelDay } from './business-day';
import styles from './panels.module.css';
import { buildQueueBoard, rowsThatFit } from './queue-board';
import { cssVars, type PanelProps } from './types';
import { usePanelSize } from './usePanelSize';

const COLS = 'minmax(0, 1fr) 3.6em 5.4em 5.4em';

/** queue_board: the zone's halls, worst first: queue now, longest wait now, average wait today. */
export function QueueBoardPanel({ panel, data, locale }: PanelProps) {
  const t = useMemo(() => createTranslator(locale), [locale]);
  const ref = useRef<HTMLDivElement>(null);
  const size = usePanelSize(ref);
  // The average wait is today's, or the last business day's while today has no ticket yet (queue now stays live).
  const day = useMemo(() => panelDay(data), [data]);
  const board = useMemo(() => buildQueueBoard(day.data), [day]);
  const limit =
    typeof panel.params.limit === 'number' && panel.params.limit > 0 ? Math.min(40, panel.params.limit) : rowsThatFit(size?.height);
  const shown = board.rows.slice(0, limit);
  const min = (v: number | null) => (v === null ? NO_VALUE : formatMinutes(v));
  return (
    <div ref={ref} className={styles.panel} data-testid={`panel-${panel.id}`} data-panel-type="queue_board">
      {board.halls === 0 ? (
        <div className={styles.empty}>{t('wallp.queue.empty')}</div>
      ) : (
        <div className={styles.fill}>
          <div className={styles.summary}>
            {t('wallp.queue.summary', {
              halls: formatInt(board.halls),
              queue: formatInt(board.waiting),
              warn: formatInt(board.warn),
              alarm: formatInt(board.alarm),
            })}
          </div>
          <div className={styles.table} style={cssVars({ '--rows': limit + 1 })}>
            <div className={`${styles.row} ${styles.head}`} style={cssVars({ '--cols': COLS })}>
              <span>{t('wallp.queue.hall')}</span>
              <span className={styles.num}>{t('wallp.queue.length')}</span>
              <span className={styles.num}>{t('wallp.queue.longest')}</span>
              <span className={styles.num}>{t('wallp.queue.avg')}</span>
            </div>
            {shown.map((r) => (
              <div key={r.code} className={styles.row} style={cssVars({ '--cols': COLS })} data-status={r.status} data-hall={r.code}>
                <span>
                  <i className={styles.dot} />
                  {r.name}
                </span>
                <span className={`${styles.num} ${styles.stat}`} data-status={r.queueStatus}>
                  {formatInt(r.queue)}
                </span>
                <span className={`${styles.num} ${styles.stat}`} data-status={r.waitStatus}>
                  {min(r.longestWait)}
                </span>
                <span className={`${styles.num} ${styles.stat}`} data-status={r.avgStatus}>
                  {min(r.avgWait)}
                </span>
              </div>
            ))}
          </div>
          <div className={styles.note}>
            {t(day.previousDay ? 'wallp.queue.showingShort' : 'wallp.queue.showing', { n: shown.length, total: board.halls })} ·{' '}
            {/* The day replaces the unit note: the summary and this line fill a zone's width and would cut it off. */}
            {day.previousDay ? (
              <b className={styles.period} data-testid="period">
                {t('wallp.queue.avgDay', { day: lastDayLabel(day.date, t) })}
              </b>
            ) : (
              t('wallp.queue.minutesNote')
            )}
          </div>
        </div>
      )}
    </div>
  );
}
