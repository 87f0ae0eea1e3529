'use client';

import { useState } from 'react';
import { useLocale, useT } from '../../_i18n/LocaleProvider';
import type { DefLite } from './batch';
import type { DomainSpec } from './domains';
import { dimLabel, dimValueLabel, unitName } from './labels';
import { breadcrumb, parentOf, unitOptions } from './org';
import { granularitiesFor, granularityFor, TIME_PRESETS, toggleFilter, type Compare, type ViewState } from './url-state';
import styles from './desktop.module.css';

/** Breadcrumb from the user's own node, a back link one level up, and the unit picker (scope only). */
export function UnitBar({
  org,
  scope,
  hallName,
  onSelect,
}: {
  org: string;
  scope: string;
  hallName: string | null;
  onSelect: (code: string) => void;
}) {
  const t = useT();
  const chain = breadcrumb(org, scope);
  const parent = parentOf(org, scope);
  const options = unitOptions(scope);
  return (
    <div className={styles.unitBar}>
      <button
        type="button"
        className={styles.back}
        data-testid="unit-back"
        disabled={!parent}
        onClick={() => parent && onSelect(parent)}
        title={t('desk.unit.back')}
      >
        ← {t('desk.unit.back')}
      </button>
      <nav aria-label={t('desk.unit.breadcrumb')} className={styles.crumbs} data-testid="breadcrumb">
        {chain.map((code, i) =>
          i === chain.length - 1 ? (
            <span key={code} aria-current="page" className={styles.crumbCurrent} data-testid="breadcrumb-current" data-org={code}>
              {unitName(t, code, hallName)}
            </span>
          ) : (
            <span key={code}>
              <button type="button" className={styles.crumb} data-testid="breadcrumb-link" data-org={code} onClick={() => onSelect(code)}>
                {unitName(t, code)}
              </button>
              <span aria-hidden="true" className={styles.crumbSep}>
                ›
              </span>
            </span>
          ),
        )}
      </nav>
      <label className={styles.field}>
        <span>{t('desk.unit.label')}</span>
        <select
          data-testid="unit-select"
          value={options.some((o) => o.code === org) ? org : ''}
          onChange={(e) => e.target.value && onSelect(e.target.value)}
        >
          {options.some((o) => o.code === org) ? null : <option value="">{unitName(t, org, hallName)}</option>}
          {options.map((o) => (
            <option key={o.code} value={o.code}>
              {'\u3000'.repeat(o.depth)}
              {o.name}
            </option>
          ))}
        </select>
      </label>
    </div>
  );
}

/** Time presets, a custom range, the granularity and the comparisons. */
export function TimeBar({
  view,
  onChange,
  showGranularity = true,
}: {
  view: ViewState;
  onChange: (patch: Partial<ViewState>) => void;
  /** The overview has no series: no granularity there. */
  showGranularity?: boolean;
}) {
  const t = useT();
  const custom = 'from' in view.time;
  const [range, setRange] = useState<{ from: string; to: string }>(
    'from' in view.time ? { from: view.time.from, to: view.time.to } : { from: '', to: '' },
  );
  const [editing, setEditing] = useState(false);
  const grans = granularitiesFor(view.time);
  const g = granularityFor(view);
  const toggleCompare = (c: Compare) =>
    onChange({ compare: view.compare.includes(c) ? view.compare.filter((x) => x !== c) : [...view.compare, c] });
  return (
    <div className={styles.timeBar}>
      <div role="group" aria-label={t('desk.time.label')} className={styles.segment}>
        {TIME_PRESETS.map((p) => (
          <button
            key={p}
            type="button"
            className={styles.seg}
            aria-pressed={'preset' in view.time && view.time.preset === p}
            data-testid={`time-${p}`}
            onClick={() => {
              setEditing(false);
              onChange({ time: { preset: p }, granularity: null });
            }}
          >
            {t(`desk.time.${p}`)}
          </button>
        ))}
        <button
          type="button"
          className={styles.seg}
          aria-pressed={custom || editing}
          data-testid="time-custom"
          onClick={() => setEditing(true)}
        >
          {'from' in view.time ? `${view.time.from} ~ ${view.time.to}` : t('desk.time.custom')}
        </button>
      </div>
      {editing ? (
        <form
          className={styles.customForm}
          onSubmit={(e) => {
            e.preventDefault();
            if (range.from && range.to) {
              setEditing(false);
              onChange({ time: range.from <= range.to ? range : { from: range.to, to: range.from }, granularity: null });
            }
          }}
        >
          <label className={styles.field}>
            <span>{t('desk.time.from')}</span>
            <input
              type="date"
              data-testid="time-from"
              value={range.from}
              onChange={(e) => setRange({ ...range, from: e.target.value })}
              required
            />
          </label>
          <label className={styles.field}>
            <span>{t('desk.time.to')}</span>
            <input
              type="date"
              data-testid="time-to"
              value={range.to}
              onChange={(e) => setRange({ ...range, to: e.target.value })}
              required
            />
          </label>
          <button type="submit" className={styles.seg} data-testid="time-apply">
            {t('desk.time.apply')}
          </button>
        </form>
      ) : null}
      {showGranularity ? (
        <div role="group" aria-label={t('desk.gran.label')} className={styles.segment}>
          {grans.map((x) => (
            <button
              key={x}
              type="button"
              className={styles.seg}
              aria-pressed={g === x}
              data-testid={`gran-${x}`}
              onClick={() => onChange({ granularity: x })}
            >
              {t(`desk.gran.${x}`)}
            </button>
          ))}
        </div>
      ) : null}
      <div role="group" aria-label={t('desk.compare.label')} className={styles.segment}>
        {(['previous', 'yoy'] as const).map((c) => (
          <button
            key={c}
            type="button"
            className={styles.seg}
            aria-pressed={view.compare.includes(c)}
            data-testid={`compare-${c}`}
            title={t(c === 'previous' ? 'desk.compare.previousLong' : 'desk.compare.yoyLong')}
            onClick={() => toggleCompare(c)}
          >
            {t(`desk.compare.${c}`)}
          </button>
        ))}
      </div>
    </div>
  );
}

/** A select per filter dimension (closed value lists), the active filters as removable chips, clear all. */
export function FilterBar({
  spec,
  defs,
  filters,
  onChange,
}: {
  spec: DomainSpec;
  defs: Map<string, DefLite>;
  filters: Record<string, string[]>;
  onChange: (filters: Record<string, string[]>) => void;
}) {
  const t = useT();
  const locale = useLocale();
  const all = [...defs.values()].filter((d) => d.domain === spec.kpiDomain);
  const chips = Object.entries(filters).flatMap(([dim, values]) => values.map((value) => ({ dim, value })));
  return (
    <div className={styles.filterBar} data-testid="filter-bar">
      <span className={styles.filterLabel}>{t('desk.filters.label')}</span>
      {spec.filters.map((dim) => {
        const values = all.flatMap((d) => d.dimensions.filter((x) => x.name === dim)).find((x) => x.values)?.values ?? [];
        const label = dimLabel(locale, all, dim);
        return (
          <label key={dim} className={styles.field}>
            <span className={styles.visuallyHidden}>{t('desk.filters.add', { dim: label })}</span>
            <select
              data-testid={`filter-${dim}`}
              value=""
              onChange={(e) => e.target.value && onChange(toggleFilter(filters, dim, e.target.value))}
            >
              <option value="">{label}…</option>
              {values.map((v) => (
                <option key={v} value={v}>
                  {(filters[dim] ?? []).includes(v) ? '✓ ' : ''}
                  {dimValueLabel(t, dim, v)}
                </option>
              ))}
            </select>
          </label>
        );
      })}
      {chips.length === 0 ? <span className={styles.muted}>{t('desk.filters.none')}</span> : null}
      {chips.map(({ dim, value }) => {
        const name = `${dimLabel(locale, all, dim)}：${dimValueLabel(t, dim, value)}`;
        return (
          <button
            key={`${dim}:${value}`}
            type="button"
            className={styles.chip}
            data-testid="filter-chip"
            data-dim={dim}
            data-value={value}
            aria-label={t('desk.filters.remove', { name })}
            onClick={() => onChange(toggleFilter(filters, dim, value))}
          >
            {name} <span aria-hidden="true">×</span>
          </button>
        );
      })}
      {chips.length > 0 ? (
        <button type="button" className={styles.clear} data-testid="filter-clear" onClick={() => onChange({})}>
          {t('desk.filters.clear')}
        </button>
      ) : null}
    </div>
  );
}
