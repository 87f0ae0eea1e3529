'use client';

import Link from 'next/link';
import { useLocale, useT } from '../../_i18n/LocaleProvider';
import type { MessageKey } from '../../_i18n/locale';
import { InfoTip } from '../home/InfoTip';
import type { DefLite, Figure } from './batch';
import { MONTHLY_FAMILIES } from './domains';
import { definitionText, deltaTone, formatDelta, formatValue, unitLabel } from './figures';
import { text } from './labels';
import type { Compare, TimeState } from './url-state';
import styles from './desktop.module.css';

/**
 * One KPI figure: name with its definition on hover/focus, value in its unit coloured by the KPI layer's
 * status, the records behind it (a button opening them, `data-count` = the point's count), comparisons.
 */
export function Tile({
  def,
  figure,
  compare,
  pageTime,
  onOpen,
  href,
  testId,
}: {
  def: DefLite;
  figure: Figure;
  compare: readonly Compare[];
  pageTime: TimeState;
  onOpen?: () => void;
  /** A link instead of a button (the overview's tiles lead into their dashboard). */
  href?: string;
  testId?: string;
}) {
  const t = useT();
  const locale = useLocale();
  const p = figure.point;
  const status = p?.status ?? 'none';
  const name = text(locale, def.name);
  const unit = unitLabel(def.unit, p?.value, locale);
  const value = formatValue(p?.value, def.unit, def.digits);
  const count = p?.count ?? 0;
  const notes: string[] = [];
  if (def.fixedTime) notes.push(t(`desk.tile.fixed.${def.fixedTime}` as MessageKey));
  else if (MONTHLY_FAMILIES.has(def.family.id) && JSON.stringify(figure.time) !== JSON.stringify(pageTime)) {
    notes.push(
      t('desk.tile.period', {
        period: 'preset' in figure.time ? t(`desk.time.${figure.time.preset}`) : `${figure.time.from} ~ ${figure.time.to}`,
      }),
    );
  }
  if (figure.unfiltered.length > 0) notes.push(t('desk.tile.unfiltered', { dims: figure.unfiltered.join(', ') }));
  const body = (
    <>
      <span className={styles.tileValue} data-testid="tile-value">
        {value}
        {unit && value !== '—' ? <span className={styles.tileUnit}>{unit}</span> : null}
      </span>
      <span className={styles.tileCount}>{t('desk.tile.records', { count: count.toLocaleString('en-US') })}</span>
    </>
  );
  const id = testId ?? `tile-${def.id}`;
  return (
    <article className={styles.tile} data-status={status} data-testid={id} data-kpi={def.id}>
      <header className={styles.tileHead}>
        <h3 className={styles.tileName}>{name}</h3>
        <InfoTip text={definitionText(def, locale)} label={`${name} · ${t('info.howComputed')}`} />
      </header>
      {href ? (
        <Link
          href={href}
          className={styles.tileButton}
          data-testid={`${id}-open`}
          data-count={count}
          aria-label={`${name} ${value}${unit}`}
        >
          {body}
        </Link>
      ) : (
        <button
          type="button"
          className={styles.tileButton}
          data-testid={`${id}-open`}
          data-count={count}
          onClick={onOpen}
          title={t('desk.tile.open', { kpi: name })}
        >
          {body}
        </button>
      )}
      {status !== 'none' ? (
        <span className={styles.tileStatus} data-status={status}>
          {t(`status.${status}`)}
        </span>
      ) : null}
      <div className={styles.tileCompare}>
        {compare.map((c) => {
          const base = c === 'previous' ? p?.compare.previous : p?.compare.yoy;
          const delta = formatDelta(p?.value, base, def.unit);
          const tone = deltaTone(p?.value, base, def.direction);
          return (
            <span key={c} data-testid={`${id}-${c}`} data-tone={delta ? tone : 'flat'} className={styles.delta}>
              {t(c === 'previous' ? 'desk.tile.previous' : 'desk.tile.yoy', { delta: delta ?? '—' })}
            </span>
          );
        })}
      </div>
      {notes.length > 0 ? <p className={styles.tileNote}>{notes.join(' · ')}</p> : null}
    </article>
  );
}
