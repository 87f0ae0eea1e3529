'use client';

import { keepPreviousData, useQueries, useQuery } from '@tanstack/react-query';
import { useMemo, useState, type ReactNode } from 'react';
import { useTRPC } from '../../_trpc/client';
import { useLocale, useT } from '../../_i18n/LocaleProvider';
import { buildBarsOption, buildTrendOption, type ChartPoint } from '../charts/dashboard-options';
import { EChart } from '../charts/EChart';
import { ExportMenu } from '../exports/ExportMenu';
import { InfoTip } from '../home/InfoTip';
import { StaleBadge } from '../home/StaleBadge';
import { PageShell } from '../nav/PageShell';
import { RecordsTable } from '../records/RecordsTable';
import {
  breakdownBars,
  chunk,
  dashboardQueries,
  filtersForKpi,
  headlineFigures,
  kpiAtLevel,
  pageFreshness,
  rankingRows,
  timeForKpi,
  trendSeries,
  UI_BATCH,
  type Answer,
  type BatchContext,
  type DefLite,
} from './batch';
import { domainSpec, type DomainId } from './domains';
import { beijingTime, bucketLabel, definitionText, formatValue, formatWithUnit, unitLabel } from './figures';
import { dimValueLabel, kpiName, text, unitName } from './labels';
import { effectiveOrg } from './org';
import { TimeBar, UnitBar, FilterBar } from './Toolbar';
import { Tile } from './Tile';
import { useViewState } from './useViewState';
import { bucketBounds, childLevel, granularityFor, toggleFilter, type DetailState, type QueryTime, type ViewState } from './url-state';
import styles from './desktop.module.css';

const LIVE_REFRESH_MS = 30_000;

export interface DashboardProps {
  domain: DomainId;
  /** The signed-in user's org node: the picker and the breadcrumb stay inside it. */
  scope: string;
  canReveal: boolean;
  /** Today's business date (Beijing), 'YYYY-MM-DD', from the server. */
  today: string;
  /** Shown under the figures while the time is today (the queue's live map and hours). */
  live?: ReactNode;
}

/** A clicked figure and what can be done with it. */
interface Selection {
  label: string;
  count: number;
  testId: string;
  drill?: string;
  filter?: { dim: string; value: string; label: string };
  time?: { from: string; to: string; label: string };
  detail: Omit<DetailState, 'sort' | 'page'>;
}

export function useDefinitions(): Map<string, DefLite> | null {
  const trpc = useTRPC();
  const defs = useQuery({ ...trpc.kpi.definitions.queryOptions(), staleTime: 5 * 60_000 });
  return useMemo(() => (defs.data ? new Map((defs.data as unknown as DefLite[]).map((d) => [d.id, d])) : null), [defs.data]);
}

export function useAnswers(queries: ReturnType<typeof dashboardQueries>, live: boolean) {
  const trpc = useTRPC();
  const batches = useMemo(() => chunk(queries, UI_BATCH), [queries]);
  const results = useQueries({
    queries: batches.map((b) => ({
      ...trpc.kpi.query.queryOptions({ queries: b }),
      placeholderData: keepPreviousData,
      refetchInterval: live ? LIVE_REFRESH_MS : (false as const),
    })),
  });
  const answers = results.every((r) => r.data) ? (results.map((r) => r.data) as unknown as Answer[]) : null;
  return { answers, failed: results.some((r) => r.isError), loading: results.some((r) => r.isPending) };
}

const scaleOf = (unit: string) => (unit === 'percent' ? 100 : 1);
const chartPoint = (
  x: string,
  p: {
    value: number | null;
    count: number;
    status: ChartPoint['status'];
    compare?: { previous?: number | null; yoy?: number | null };
  } | null,
): ChartPoint => ({
  x,
  value: p?.value ?? null,
  count: p?.count ?? 0,
  status: p?.status ?? null,
  previous: p?.compare?.previous,
  yoy: p?.compare?.yoy,
});

function timeText(t: ReturnType<typeof useT>, time: QueryTime): string {
  return 'preset' in time ? t(`desk.time.${time.preset}`) : time.from === time.to ? time.from : `${time.from} ~ ${time.to}`;
}

/** One domain's dashboard at any unit of the org tree, driven by its spec (domains.ts) and the URL. */
export function Dashboard({ domain, scope, canReveal, today, live }: DashboardProps) {
  const t = useT();
  const locale = useLocale();
  const spec = domainSpec(domain);
  const [view, setView] = useViewState(spec);
  const org = effectiveOrg(view.org, scope);
  const defs = useDefinitions();
  const [selection, setSelection] = useState<Selection | null>(null);
  const isLive = 'preset' in view.time && view.time.preset === 'today';

  const ctx: BatchContext | null = useMemo(() => (defs ? { spec, defs, view, org, today } : null), [defs, spec, view, org, today]);
  const queries = useMemo(() => (ctx ? dashboardQueries(ctx) : []), [ctx]);
  const { answers, failed } = useAnswers(queries, isLive);

  const go = (patch: Partial<ViewState>) => {
    setSelection(null);
    setView({ ...view, ...patch });
  };
  const openDetail = (d: Omit<DetailState, 'sort' | 'page'>) => {
    setSelection(null);
    setView({ ...view, detail: { ...d, sort: null, page: 1 } });
  };

  const figures = ctx && answers ? headlineFigures(ctx, answers) : null;
  const hallName = figures?.find((f) => f.point)?.point?.orgName ?? null;
  const fresh = answers ? pageFreshness(answers) : null;
  const below = childLevel(org, spec.leaf);
  const title = t(`desk.title.${spec.id}`);
  const name = (id: string) => kpiName(locale, defs?.get(id), id);

  const viewKpis = ctx ? spec.headline.filter((id) => kpiAtLevel(defs?.get(id), org)) : [];

  return (
    <PageShell
      title={title}
      testId={`dashboard-${spec.id}`}
      aside={
        fresh?.asOf ? (
          <span className={styles.asOf} data-testid="data-age" title={t('desk.computedAt', { time: beijingTime(fresh.asOf) })}>
            {fresh.stale || failed ? <StaleBadge asOf={fresh.asOf} dataAsOf={fresh.dataAsOf} /> : null}
          </span>
        ) : null
      }
    >
      <div className={styles.page} data-org={org} data-domain={spec.id}>
        <div className={styles.toolbar}>
          <UnitBar
            org={org}
            scope={scope}
            hallName={hallName}
            onSelect={(code) => go({ org: code === scope ? null : code, detail: null })}
          />
          <TimeBar view={view} onChange={(patch) => go({ ...patch, detail: null })} />
          {defs ? <FilterBar spec={spec} defs={defs} filters={view.filters} onChange={(filters) => go({ filters, detail: null })} /> : null}
          {viewKpis.length > 0 ? (
            <ExportMenu
              className={styles.export}
              request={{
                kind: 'kpi.table',
                title: `${title} · ${unitName(t, org, hallName)}`,
                kpis: viewKpis as [string, ...string[]],
                orgCode: org,
                by: below ?? 'total',
                time: view.time,
                filters: view.filters,
                compare: view.compare,
              }}
            />
          ) : null}
        </div>

        {failed && !answers ? <p className={styles.message}>{t('desk.error')}</p> : null}
        {!answers || !ctx || !defs ? (
          <p className={styles.message} data-testid="dashboard-loading">
            {t('desk.loading')}
          </p>
        ) : (
          <>
            <section aria-label={t('desk.section.headline')} className={styles.tiles} data-testid="dashboard-tiles">
              {figures!.map((f) => (
                <Tile
                  key={f.kpi}
                  def={defs.get(f.kpi)!}
                  figure={f}
                  compare={view.compare}
                  pageTime={view.time}
                  onOpen={() =>
                    openDetail({
                      kpi: f.kpi,
                      part: 'numerator',
                      org: null,
                      time: null,
                      filters: null,
                    })
                  }
                />
              ))}
            </section>

            {selection ? (
              <ActionBar selection={selection} onClose={() => setSelection(null)} go={go} view={view} openDetail={openDetail} />
            ) : null}

            {view.detail ? (
              <DetailPanel view={view} org={org} defs={defs} today={today} hallName={hallName} setView={setView} canReveal={canReveal} />
            ) : null}

            {live && isLive ? (
              <section className={styles.live} aria-label={t('desk.section.live')}>
                {live}
              </section>
            ) : null}

            <div className={styles.grid}>
              <TrendPanel ctx={ctx} answers={answers} onPick={setSelection} />
              {below ? <RankingPanel ctx={ctx} answers={answers} below={below} onPick={setSelection} /> : null}
              {spec.breakdowns.map((b) => (
                <BreakdownPanel key={`${b.kpi}-${b.dim}`} ctx={ctx} answers={answers} kpi={b.kpi} dim={b.dim} onPick={setSelection} />
              ))}
            </div>
          </>
        )}
        <p className={styles.footnote}>
          {name(spec.headline[0]!)} · {timeText(t, view.time)}
          {fresh?.asOf ? ` · ${t('desk.computedAt', { time: beijingTime(fresh.asOf) })}` : ''}
        </p>
      </div>
    </PageShell>
  );
}

function ActionBar({
  selection,
  onClose,
  go,
  view,
  openDetail,
}: {
  selection: Selection;
  onClose: () => void;
  go: (patch: Partial<ViewState>) => void;
  view: ViewState;
  openDetail: (d: Omit<DetailState, 'sort' | 'page'>) => void;
}) {
  const t = useT();
  const active = selection.filter ? (view.filters[selection.filter.dim] ?? []).includes(selection.filter.value) : false;
  return (
    <div className={styles.actionBar} role="group" aria-label={t('desk.action.title', { name: selection.label })} data-testid="action-bar">
      <strong>{t('desk.action.title', { name: selection.label })}</strong>
      {selection.drill ? (
        <button
          type="button"
          className={styles.action}
          data-testid="action-drill"
          onClick={() => go({ org: selection.drill!, detail: null })}
        >
          {t('desk.action.drill', { name: selection.label })}
        </button>
      ) : null}
      {selection.filter ? (
        <button
          type="button"
          className={styles.action}
          data-testid="action-filter"
          onClick={() => go({ filters: toggleFilter(view.filters, selection.filter!.dim, selection.filter!.value), detail: null })}
        >
          {active
            ? t('desk.action.unfilter', { value: selection.filter.label })
            : t('desk.action.filter', { value: selection.filter.label })}
        </button>
      ) : null}
      {selection.time ? (
        <button
          type="button"
          className={styles.action}
          data-testid="action-filter"
          onClick={() =>
            go({
              time: { from: selection.time!.from.slice(0, 10), to: selection.time!.to.slice(0, 10) },
              granularity: selection.time!.from.length > 10 ? 'hour' : null,
              detail: null,
            })
          }
        >
          {t('desk.action.timeFilter', { time: selection.time.label })}
        </button>
      ) : null}
      <button
        type="button"
        className={styles.action}
        data-testid="action-detail"
        data-count={selection.count}
        onClick={() => openDetail(selection.detail)}
      >
        {t('desk.action.detail', { count: selection.count.toLocaleString('en-US') })}
      </button>
      <button type="button" className={styles.actionClose} data-testid="action-close" onClick={onClose}>
        {t('desk.action.close')}
      </button>
    </div>
  );
}

function PanelHead({ title, info }: { title: string; info?: string }) {
  const t = useT();
  return (
    <header className={styles.panelHead}>
      <h2 className={styles.panelTitle}>{title}</h2>
      {info ? <InfoTip text={info} label={`${title} · ${t('info.howComputed')}`} align="end" /> : null}
    </header>
  );
}

function TrendPanel({ ctx, answers, onPick }: { ctx: BatchContext; answers: Answer[]; onPick: (s: Selection) => void }) {
  const t = useT();
  const locale = useLocale();
  const series = useMemo(() => trendSeries(ctx, answers), [ctx, answers]);
  const g = series[0]?.granularity ?? granularityFor(ctx.view);
  const option = useMemo(
    () =>
      buildTrendOption(
        series.map((s) => {
          const def = ctx.defs.get(s.kpi)!;
          return {
            name: text(locale, def.name),
            scale: scaleOf(def.unit),
            unitLabel: unitLabel(def.unit, 0, locale),
            points: s.points.map((p) => chartPoint(p.bucket ?? '', p)),
          };
        }),
        g,
        { previous: t('desk.compare.previous'), yoy: t('desk.compare.yoy') },
      ),
    [series, ctx.defs, locale, g, t],
  );
  const pick = (seriesIndex: number, index: number) => {
    const s = series[Math.min(seriesIndex, series.length - 1)] ?? series[0];
    const p = s?.points[index];
    if (!s || !p?.bucket) return;
    const def = ctx.defs.get(s.kpi)!;
    const bounds = bucketBounds(p.bucket, s.granularity);
    const label = `${text(locale, def.name)} · ${bucketLabel(p.bucket, s.granularity === 'hour' ? 'hour' : s.granularity)}${s.granularity === 'hour' ? ` (${bounds.from.slice(0, 10)})` : ''}`;
    onPick({
      label,
      count: p.count,
      testId: 'trend-point',
      time: s.granularity === 'month' ? undefined : { ...bounds, label: s.granularity === 'hour' ? bounds.from : bounds.from },
      detail: { kpi: s.kpi, part: 'numerator', org: null, time: bounds, filters: null },
    });
  };
  const title = t('desk.section.trend');
  const info = series.map((s) => definitionText(ctx.defs.get(s.kpi)!, locale)).join('\n\n');
  return (
    <section className={`${styles.panel} ${styles.trend}`} data-testid="trend-panel">
      <PanelHead title={title} info={info} />
      {series.length === 0 ? (
        <p className={styles.message}>{t('desk.trend.noSeries')}</p>
      ) : (
        <>
          <EChart
            option={option}
            className={styles.chart}
            data-testid="trend-chart"
            ariaLabel={title}
            onItemClick={(e) => pick(e.seriesIndex === 0 ? 0 : 1, e.dataIndex)}
          />
          <details className={styles.points}>
            <summary>{t('desk.trend.points')}</summary>
            <div className={styles.pointList}>
              {series[0]!.points.map((p, i) => (
                <button
                  key={p.bucket ?? i}
                  type="button"
                  className={styles.pointButton}
                  data-testid="trend-point"
                  data-count={p.count}
                  data-status={p.status ?? 'none'}
                  onClick={() => pick(0, i)}
                >
                  {p.bucket ? bucketLabel(p.bucket, series[0]!.granularity) : '—'}:{' '}
                  {formatValue(p.value, ctx.defs.get(series[0]!.kpi)!.unit, 2)}
                </button>
              ))}
            </div>
          </details>
        </>
      )}
    </section>
  );
}

function RankingPanel({
  ctx,
  answers,
  below,
  onPick,
}: {
  ctx: BatchContext;
  answers: Answer[];
  below: 'city' | 'county' | 'hall' | null;
  onPick: (s: Selection) => void;
}) {
  const t = useT();
  const locale = useLocale();
  const rows = useMemo(() => rankingRows(ctx, answers), [ctx, answers]);
  const kpis = ctx.spec.ranking.filter((id) => kpiAtLevel(ctx.defs.get(id), ctx.org));
  const first = kpis[0];
  const title = t('desk.section.ranking', { level: below ? t(`desk.level.${below}`) : '' });
  return (
    <section className={`${styles.panel} ${styles.ranking}`} data-testid="ranking-panel">
      <PanelHead title={title} info={first ? t('desk.ranking.note', { kpi: text(locale, ctx.defs.get(first)!.name) }) : undefined} />
      {!below ? (
        <p className={styles.message}>{t('desk.ranking.empty')}</p>
      ) : (
        <div className={styles.tableWrap}>
          <table className={styles.table} data-testid="ranking-table">
            <thead>
              <tr>
                <th className={styles.num}>{t('desk.ranking.rank')}</th>
                <th>{t('desk.ranking.unit')}</th>
                {kpis.map((id) => {
                  const def = ctx.defs.get(id)!;
                  return (
                    <th key={id} className={styles.num}>
                      <span className={styles.thLabel}>
                        {text(locale, def.name)}
                        <InfoTip text={definitionText(def, locale)} label={text(locale, def.name)} align="end" />
                      </span>
                    </th>
                  );
                })}
              </tr>
            </thead>
            <tbody>
              {rows.map((r, i) => {
                const lead = first ? r.points[first] : null;
                const label = unitName(t, r.orgCode, r.orgName);
                return (
                  <tr key={r.orgCode} data-status={lead?.status ?? 'none'}>
                    <td className={styles.num}>{i + 1}</td>
                    <td>
                      <button
                        type="button"
                        className={styles.rowButton}
                        data-testid="ranking-row"
                        data-org={r.orgCode}
                        data-count={lead?.count ?? 0}
                        onClick={() =>
                          onPick({
                            label,
                            count: lead?.count ?? 0,
                            testId: 'ranking-row',
                            drill: r.orgCode,
                            detail: { kpi: first!, part: 'numerator', org: r.orgCode, time: null, filters: null },
                          })
                        }
                      >
                        {label}
                      </button>
                    </td>
                    {kpis.map((id) => {
                      const p = r.points[id];
                      const def = ctx.defs.get(id)!;
                      return (
                        <td key={id} className={styles.num} data-status={p?.status ?? 'none'} data-count={p?.count ?? 0}>
                          <span className={styles.statusDot} data-status={p?.status ?? 'none'} aria-hidden="true" />
                          {formatValue(p?.value, def.unit, def.digits)}
                          {def.unit === 'percent' && p?.value !== null && p?.value !== undefined ? '%' : ''}
                          {p?.status ? <span className={styles.visuallyHidden}> {t(`status.${p.status}`)}</span> : null}
                        </td>
                      );
                    })}
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}

function BreakdownPanel({
  ctx,
  answers,
  kpi,
  dim,
  onPick,
}: {
  ctx: BatchContext;
  answers: Answer[];
  kpi: string;
  dim: string;
  onPick: (s: Selection) => void;
}) {
  const t = useT();
  const locale = useLocale();
  const def = ctx.defs.get(kpi);
  const bars = useMemo(() => breakdownBars(ctx, answers, kpi, dim), [ctx, answers, kpi, dim]);
  const labels = bars.map((b) => dimValueLabel(t, dim, b.value));
  const texts = bars.map((b) => (def ? formatWithUnit(b.point?.value, def.unit, def.digits, locale) : ''));
  const option = useMemo(
    () =>
      buildBarsOption(
        bars.map((b, i) => chartPoint(labels[i]!, b.point)),
        scaleOf(def?.unit ?? 'count'),
        texts,
      ),
    // eslint-disable-next-line react-hooks/exhaustive-deps -- labels and texts follow bars, def and the locale
    [bars, def, locale],
  );
  if (!def || !kpiAtLevel(def, ctx.org)) return null;
  const dimName = text(locale, def.dimensions.find((d) => d.name === dim)?.label ?? { zh: dim, en: dim });
  const title = t('desk.section.breakdown', { kpi: text(locale, def.name), dim: dimName });
  const pick = (i: number) => {
    const b = bars[i];
    if (!b) return;
    const filters = { ...filtersForKpi(def, ctx.view.filters).applied, [dim]: [b.value] };
    onPick({
      label: `${dimName}：${labels[i]}`,
      count: b.point?.count ?? 0,
      testId: 'breakdown-bar',
      filter: { dim, value: b.value, label: labels[i]! },
      detail: { kpi, part: 'numerator', org: null, time: null, filters },
    });
  };
  return (
    <section className={`${styles.panel} ${styles.breakdown}`} data-testid={`breakdown-${dim}`}>
      <PanelHead title={title} info={definitionText(def, locale)} />
      <EChart
        option={option}
        className={styles.barChart}
        data-testid={`breakdown-chart-${dim}`}
        ariaLabel={title}
        onItemClick={(e) => pick(e.dataIndex)}
      />
      <div className={styles.pointList}>
        {bars.map((b, i) => (
          <button
            key={b.value}
            type="button"
            className={styles.pointButton}
            data-testid="breakdown-bar"
            data-dim={dim}
            data-value={b.value}
            data-count={b.point?.count ?? 0}
            aria-pressed={(ctx.view.filters[dim] ?? []).includes(b.value)}
            onClick={() => pick(i)}
          >
            {labels[i]}: {texts[i]}
          </button>
        ))}
      </div>
    </section>
  );
}

function DetailPanel({
  view,
  org,
  defs,
  today,
  hallName,
  setView,
  canReveal,
}: {
  view: ViewState;
  org: string;
  defs: Map<string, DefLite>;
  today: string;
  hallName: string | null;
  setView: (v: ViewState) => void;
  canReveal: boolean;
}) {
  const t = useT();
  const locale = useLocale();
  const trpc = useTRPC();
  const d = view.detail!;
  const def = defs.get(d.kpi);
  const detailOrg = d.org ?? org;
  const time: QueryTime = d.time ?? (def ? timeForKpi(def, view, today) : view.time);
  const filters = def ? filtersForKpi(def, d.filters ?? view.filters).applied : {};
  // The figure the records are behind, asked again with exactly these parameters (a reload keeps the check).
  const figure = useQuery({
    ...trpc.kpi.query.queryOptions({ queries: [{ kpis: [d.kpi], orgCode: detailOrg, time, filters }] }),
    enabled: !!def,
  });
  if (!def) return null;
  const point = figure.data?.results[0]?.kpis[0]?.points[0];
  const patch = (p: Partial<DetailState>) => setView({ ...view, detail: { ...d, ...p } });
  return (
    <RecordsTable
      key={`${d.kpi}|${detailOrg}|${JSON.stringify(time)}|${JSON.stringify(filters)}`}
      familyId={def.family.id}
      title={t('desk.detail.title', { kpi: text(locale, def.name) })}
      scope={t('desk.detail.scope', {
        org: unitName(t, detailOrg, detailOrg === org ? hallName : null),
        time: `${timeText(t, time)}${
          Object.keys(filters).length > 0
            ? ` · ${Object.entries(filters)
                .map(([k, v]) => `${k}=${v.join('/')}`)
                .join(', ')}`
            : ''
        }`,
      })}
      request={{ kpi: d.kpi, orgCode: detailOrg, time, filters, part: d.part, sort: d.sort, page: d.page }}
      expected={point ? point.count : null}
      parts={{
        numerator: text(locale, def.parts.numerator),
        denominator: def.parts.denominator ? text(locale, def.parts.denominator) : undefined,
      }}
      canReveal={canReveal}
      onChange={(p) => patch(p)}
      onClose={() => setView({ ...view, detail: null })}
    />
  );
}
