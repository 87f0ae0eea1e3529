'use client';

import dynamic from 'next/dynamic';
import Link from 'next/link';
import { useMemo } from 'react';
import { CITIES, PROVINCE } from '@/core/org/divisions';
import { dayWord, formatClock, formatInt, formatMinutes, formatPercent, isNum, shortDivisionName } from '../../_i18n/format';
import { useT } from '../../_i18n/LocaleProvider';
import type { Translate } from '../../_i18n/locale';
import { LocaleSwitch } from '../../_i18n/LocaleSwitch';
import { EChart } from '../charts/EChart';
import { buildAreaWaitOption, buildHourlyOption } from '../charts/queue-options';
import { UserMenu } from '../auth/UserMenu';
import { AppNav } from '../nav/AppNav';
import { homeHref, topLongestWaitHalls, type Band, type HomeView as HomeViewData } from './home-batch';
import styles from './home.module.css';
import { InfoTip } from './InfoTip';
import { KpiTile } from './KpiTile';
import { StaleBadge } from './StaleBadge';

// deck.gl needs WebGL and window: load the map in the browser only, as its own chunk.
const ProvinceMap = dynamic(() => import('../map/ProvinceMap').then((m) => m.ProvinceMap), {
  ssr: false,
  loading: () => <div className={styles.mapPlaceholder} data-testid="province-map" data-state="loading" />,
});

export interface HomeViewProps {
  view: HomeViewData;
  /** Hall code → [lon, lat] for the map (from the page's first paint); null: halls at their county's centre. */
  hallPlaces: Record<string, [number, number]> | null;
  /** Go to another org node (a city picked in the header, a county clicked on the map). */
  onSelectOrg: (code: string) => void;
  /** Show the 中文/English button in the header (default true). */
  showLocaleSwitch?: boolean;
  /** County boundaries for the map (default /geo/yunnan-counties.json). */
  geoUrl?: string;
  /** Inside a dashboard page (/queue): no header of its own, natural height. */
  embedded?: boolean;
}

const pct = (v: number | null) => (isNum(v) ? Math.round(v * 1000) / 10 : null);

/** "阈值：> 20 分钟预警，> 30 分钟告警。" for a lower-better band; undefined when the definitions give none. */
function waitNote(t: Translate, band: Band): string | undefined {
  return isNum(band.warn) && isNum(band.alarm) ? t('kpi.wait.threshold', { warn: band.warn, alarm: band.alarm }) : undefined;
}

/** Desktop home: the queue figures of one org node — KPI tiles, wait by unit, map, hours, longest-waiting halls. */
export function HomeView({ view, hallPlaces, onSelectOrg, showLocaleSwitch = true, geoUrl, embedded = false }: HomeViewProps) {
  const t = useT();
  const areaOption = useMemo(() => buildAreaWaitOption(view, t), [view, t]);
  const hourly = useMemo(() => buildHourlyOption(view, t), [view, t]);
  const topHalls = useMemo(() => topLongestWaitHalls(view.halls, 10), [view.halls]);
  const { tiles, thresholds: th } = view;
  const minutes = t('unit.minutes');
  // Before any source data the counts are unknown, not zero.
  const loaded = view.dataAsOf !== null;
  const count = (v: number | null) => formatInt(loaded ? v : null);
  const status = <S extends string>(s: S) => (loaded ? s : 'none');
  const day = dayWord(t, view.businessDate, view.isToday);
  const queueWarn = th.queueLength.warn;
  const statusNote = t('kpi.statusSource');
  const cityOfOrg = view.org.level === 'province' ? PROVINCE.code : view.org.code.slice(0, 4);
  const areaTitle = t(`chart.waitByArea.title.${view.areaLevel ?? 'hall'}`, { day });

  return (
    <div className={`${styles.root} ${embedded ? styles.embedded : ''}`} data-testid="queue-overview" data-org={view.org.code}>
      {embedded ? null : (
        <header className={styles.header}>
          <div className={styles.titleBlock}>
            <h1 className={styles.title} title={`${t('app.title')} · ${t('overview.title')}`}>
              {t('app.title')}
              <span className={styles.titleSep}> · </span>
              {t('overview.title')}
            </h1>
            <nav className={styles.scope} aria-label={t('overview.breadcrumb')} data-testid="scope-name">
              <span className={styles.scopeLevel}>{t(`overview.scope.${view.org.level}`)}</span>
              {view.parents.map((p) => (
                <span key={p.code} className={styles.crumb}>
                  <Link href={homeHref(p.code)} className={styles.crumbLink}>
                    {shortDivisionName(p.name)}
                  </Link>
                  <span className={styles.crumbSep} aria-hidden="true">
                    ›
                  </span>
                </span>
              ))}
              <span aria-current="page">{view.org.name}</span>
            </nav>
            <label className={styles.orgPick}>
              <span className={styles.visuallyHidden}>{t('overview.switchOrg')}</span>
              <select
                className={styles.orgSelect}
                data-testid="org-select"
                value={cityOfOrg}
                title={t('overview.switchOrg')}
                onChange={(e) => onSelectOrg(e.target.value)}
              >
                <option value={PROVINCE.code}>{t('overview.allCities')}</option>
                {CITIES.map((c) => (
                  <option key={c.code} value={c.code}>
                    {shortDivisionName(c.name)}
                  </option>
                ))}
              </select>
            </label>
          </div>
          <div className={styles.headerRight}>
            <div className={styles.dataAge} data-testid="data-age">
              {/* When the figures were computed: in the tooltip, the header has no room to spare at 1920 px. */}
              <span
                title={`${view.dataAsOf ? t('overview.dataAsOfTitle') : ''}\n${t('overview.computedAt', { time: formatClock(view.asOf) })}`.trim()}
                data-computed-at={view.asOf}
              >
                {view.dataAsOf ? t('overview.dataAsOf', { time: formatClock(view.dataAsOf) }) : t('overview.noSourceData')}
              </span>
              {!view.isToday && view.businessDate ? (
                <span className={styles.notToday} data-testid="not-today-badge" title={t('overview.notTodayTitle')}>
                  {t('overview.notToday', { date: view.businessDate })}
                </span>
              ) : null}
              {view.stale ? <StaleBadge asOf={view.asOf} dataAsOf={view.dataAsOf} /> : null}
            </div>
            <AppNav />
            {showLocaleSwitch ? <LocaleSwitch className={styles.localeSwitch} /> : null}
            <UserMenu />
          </div>
        </header>
      )}

      <div className={styles.kpis}>
        <KpiTile
          testId="kpi-tickets"
          label={t('kpi.tickets.label', { day })}
          value={count(tiles.tickets.value)}
          unit={t('unit.tickets')}
          status={status(tiles.tickets.status)}
          formula={t('kpi.tickets.formula')}
          sub={loaded && view.halls.length ? t('kpi.tickets.sub', { n: formatInt(view.halls.length) }) : undefined}
        />
        <KpiTile
          testId="kpi-queue"
          label={t('kpi.queue.label')}
          value={count(tiles.queue.value)}
          unit={t('unit.people')}
          status={status(tiles.queue.status)}
          formula={t('kpi.queue.formula')}
          thresholdNote={isNum(queueWarn) ? `${t('kpi.queue.threshold', { warn: queueWarn })}\n${statusNote}` : statusNote}
          sub={
            !loaded || !isNum(queueWarn) || view.org.level === 'hall'
              ? undefined
              : view.hallsOverQueue > 0
                ? t('kpi.queue.sub', { n: view.hallsOverQueue, warn: queueWarn })
                : t('kpi.queue.subNone', { warn: queueWarn })
          }
        />
        <KpiTile
          testId="kpi-wait"
          label={t('kpi.wait.label', { day })}
          value={formatMinutes(tiles.avgWait.value)}
          unit={minutes}
          status={status(tiles.avgWait.status)}
          formula={t('kpi.wait.formula')}
          thresholdNote={[waitNote(t, th.wait), statusNote].filter(Boolean).join('\n')}
          sub={t('kpi.wait.sub', {
            v: isNum(tiles.maxWait.value) ? `${formatMinutes(tiles.maxWait.value)} ${minutes}` : formatMinutes(null),
          })}
        />
        <KpiTile
          testId="kpi-satisfaction"
          label={t('kpi.satisfaction.label', { day })}
          value={formatPercent(tiles.satisfaction.value)}
          status={status(tiles.satisfaction.status)}
          formula={t('kpi.satisfaction.formula')}
          thresholdNote={[
            isNum(th.satisfaction.warn) && isNum(th.satisfaction.alarm)
              ? t('kpi.satisfaction.threshold', { warn: pct(th.satisfaction.warn)!, alarm: pct(th.satisfaction.alarm)! })
              : undefined,
            isNum(th.satisfaction.target) ? t('kpi.satisfaction.target', { target: pct(th.satisfaction.target)! }) : undefined,
            statusNote,
          ]
            .filter(Boolean)
            .join('\n')}
          sub={t('kpi.satisfaction.sub', { n: formatInt(tiles.ratings) })}
        />
      </div>

      <div className={styles.main}>
        <section className={`${styles.panel} ${styles.areaCity}`}>
          <PanelHead title={areaTitle} info={t('chart.waitByArea.formula')} />
          <EChart option={areaOption} className={styles.chart} data-testid="chart-wait-by-city" ariaLabel={areaTitle} />
        </section>

        <section className={`${styles.panel} ${styles.areaMap}`}>
          <PanelHead title={t('map.title')} info={t('map.formula')} />
          <div className={styles.mapBody}>
            <ProvinceMap view={view} hallPlaces={hallPlaces} geoUrl={geoUrl} onSelectOrg={onSelectOrg} />
          </div>
        </section>

        <section className={`${styles.panel} ${styles.areaHourly}`}>
          <PanelHead title={t('chart.hourly.title', { day })} info={t('chart.hourly.formula')} align="end" />
          <EChart option={hourly} className={styles.chart} data-testid="chart-hourly" ariaLabel={t('chart.hourly.title', { day })} />
        </section>

        <section className={`${styles.panel} ${styles.areaTable}`}>
          <PanelHead title={t('table.title')} info={t('table.formula')} align="end" />
          <div className={styles.tableWrap}>
            <table className={styles.table} data-testid="hall-table">
              <thead>
                <tr>
                  <th className={styles.num}>{t('table.rank')}</th>
                  <th>{t('table.hall')}</th>
                  <th>{t('table.county')}</th>
                  <th>{t('table.city')}</th>
                  <th className={styles.num}>{t('table.queue')}</th>
                  <th className={styles.num}>{t('table.longestWait')}</th>
                </tr>
              </thead>
              <tbody>
                {topHalls.length === 0 ? (
                  <tr>
                    <td colSpan={6} className={styles.empty}>
                      {t('table.empty')}
                    </td>
                  </tr>
                ) : (
                  topHalls.map((h, i) => (
                    <tr key={h.code} data-status={h.status}>
                      <td className={styles.num}>{i + 1}</td>
                      <td className={styles.ellipsis} title={h.name}>
                        {h.name}
                      </td>
                      <td className={styles.ellipsis} title={h.countyName ?? undefined}>
                        {h.countyName ? shortDivisionName(h.countyName) : '—'}
                      </td>
                      <td className={styles.ellipsis} title={h.cityName ?? undefined}>
                        {h.cityName ? shortDivisionName(h.cityName) : '—'}
                      </td>
                      <td className={styles.num} data-status={h.queueStatus}>
                        {formatInt(h.queue)}
                      </td>
                      <td className={`${styles.num} ${styles.wait}`} data-status={h.waitStatus}>
                        {formatMinutes(h.longestWait)}
                      </td>
                    </tr>
                  ))
                )}
              </tbody>
            </table>
          </div>
        </section>
      </div>
    </div>
  );
}

function PanelHead({ title, info, align }: { title: string; info: string; align?: 'start' | 'end' }) {
  const t = useT();
  return (
    <header className={styles.panelHead}>
      <h2 className={styles.panelTitle}>{title}</h2>
      <InfoTip text={info} label={`${title} · ${t('info.howComputed')}`} align={align} />
    </header>
  );
}

export default HomeView;
