'use client';

import dynamic from 'next/dynamic';
import { useMemo } from 'react';
import { dayWord, formatClock, formatInt, formatMinutes, formatPercent, shortDivisionName } from '../../_i18n/format';
import { useT } from '../../_i18n/LocaleProvider';
import { LocaleSwitch } from '../../_i18n/LocaleSwitch';
import { EChart } from '../charts/EChart';
import { AppNav } from '../nav/AppNav';
import { SATISFACTION_TARGET } from '../charts/palette';
import { buildHourlyOption, buildWaitByCityOption } from '../charts/queue-options';
import { hallsOverQueueWarn, hasSourceData, kpiStatuses, topLongestWaitHalls } from './derive';
import { InfoTip } from './InfoTip';
import { KpiTile } from './KpiTile';
import styles from './overview.module.css';
import { StaleBadge } from './StaleBadge';
import type { QueueOverviewData } from './types';

// deck.gl needs WebGL and window: load the map in the browser only, as its own chunk.
const ProvinceMap = dynamic(() => import('../map/ProvinceMap').then((m) => m.ProvinceMap), {
  ssr: false,
  loading: () => <div className={styles.mapPlaceholder} data-testid="province-map" data-state="loading" />,
});

export type QueueOverviewViewData = QueueOverviewData;

export interface QueueOverviewViewProps {
  data: QueueOverviewViewData;
  /** Show the 中文/English button in the header (default true). */
  showLocaleSwitch?: boolean;
  /** County boundaries for the map (default /geo/yunnan-counties.json). */
  geoUrl?: string;
}

/** Desktop overview of business-hall queues for one scope (province by default): KPIs, charts, map, top halls. */
export function QueueOverviewView({ data, showLocaleSwitch = true, geoUrl }: QueueOverviewViewProps) {
  const t = useT();
  const waitByCity = useMemo(() => buildWaitByCityOption(data, t), [data, t]);
  const hourly = useMemo(() => buildHourlyOption(data, t), [data, t]);
  const topHalls = useMemo(() => topLongestWaitHalls(data, 10), [data]);
  const status = kpiStatuses(data);
  const th = data.thresholds;
  const { totals } = data;
  const overQueue = hallsOverQueueWarn(data);
  const minutes = t('unit.minutes');
  // Before the first load the counts are unknown, not zero.
  const loaded = hasSourceData(data);
  const count = (v: number) => formatInt(loaded ? v : null);
  const day = dayWord(t, data.businessDate, data.isToday);
  const notToday = !data.isToday;

  return (
    <div className={styles.root} data-testid="queue-overview">
      <header className={styles.header}>
        <div className={styles.titleBlock}>
          <h1 className={styles.title}>
            {t('app.title')}
            <span className={styles.titleSep}> · </span>
            {t('overview.title')}
          </h1>
          <span className={styles.scope} data-testid="scope-name">
            <span className={styles.scopeLevel}>{t(`overview.scope.${data.scope.level}`)}</span>
            {data.scope.name}
          </span>
        </div>
        <div className={styles.headerRight}>
          <div className={styles.dataAge} data-testid="data-age">
            {data.dataAsOf ? (
              <span title={t('overview.dataAsOfTitle')}>{t('overview.dataAsOf', { time: formatClock(data.dataAsOf) })}</span>
            ) : (
              <span>{t('overview.noSourceData')}</span>
            )}
            <span className={styles.computedAt} title={t('overview.computedAtTitle')}>
              {t('overview.computedAt', { time: formatClock(data.asOf) })}
            </span>
            {notToday ? (
              <span className={styles.notToday} data-testid="not-today-badge" title={t('overview.notTodayTitle')}>
                {t('overview.notToday', { date: data.businessDate })}
              </span>
            ) : null}
            {data.stale ? <StaleBadge asOf={data.asOf} dataAsOf={data.dataAsOf} /> : null}
          </div>
          <AppNav />
          {showLocaleSwitch ? <LocaleSwitch className={styles.localeSwitch} /> : null}
        </div>
      </header>

      <div className={styles.kpis}>
        <KpiTile
          testId="kpi-tickets"
          label={t('kpi.tickets.label', { day })}
          value={count(totals.ticketsIssued)}
          unit={t('unit.tickets')}
          status={status.tickets}
          formula={t('kpi.tickets.formula')}
          sub={loaded ? t('kpi.tickets.sub', { n: formatInt(data.halls.length) }) : undefined}
        />
        <KpiTile
          testId="kpi-queue"
          label={t('kpi.queue.label')}
          value={count(totals.queueLength)}
          unit={t('unit.people')}
          status={status.queue}
          formula={t('kpi.queue.formula')}
          thresholdNote={t('kpi.queue.threshold', { warn: th.queueLengthWarn })}
          sub={
            !loaded
              ? undefined
              : overQueue > 0
                ? t('kpi.queue.sub', { n: overQueue, warn: th.queueLengthWarn })
                : t('kpi.queue.subNone', { warn: th.queueLengthWarn })
          }
        />
        <KpiTile
          testId="kpi-wait"
          label={t('kpi.wait.label', { day })}
          value={formatMinutes(totals.avgWaitMin)}
          unit={minutes}
          status={status.wait}
          formula={t('kpi.wait.formula')}
          thresholdNote={t('kpi.wait.threshold', { warn: th.waitWarnMin, alarm: th.waitAlarmMin })}
          sub={t('kpi.wait.sub', {
            v: totals.maxWaitMin === null ? formatMinutes(null) : `${formatMinutes(totals.maxWaitMin)} ${minutes}`,
          })}
        />
        <KpiTile
          testId="kpi-satisfaction"
          label={t('kpi.satisfaction.label', { day })}
          value={formatPercent(totals.satisfactionRate)}
          status={status.satisfaction}
          formula={t('kpi.satisfaction.formula')}
          thresholdNote={t('kpi.satisfaction.threshold', { target: SATISFACTION_TARGET * 100 })}
          sub={t('kpi.satisfaction.sub', { n: formatInt(totals.ratings) })}
        />
      </div>

      <div className={styles.main}>
        <section className={`${styles.panel} ${styles.areaCity}`}>
          <PanelHead title={t('chart.waitByCity.title', { day })} info={t('chart.waitByCity.formula')} />
          <EChart
            option={waitByCity}
            className={styles.chart}
            data-testid="chart-wait-by-city"
            ariaLabel={t('chart.waitByCity.title', { day })}
          />
        </section>

        <section className={`${styles.panel} ${styles.areaMap}`}>
          <PanelHead title={t('map.title')} info={t('map.formula')} />
          <div className={styles.mapBody}>
            <ProvinceMap data={data} geoUrl={geoUrl} />
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
                    <tr key={h.code} data-status={h.waitStatus}>
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
                        {formatInt(h.queueLength)}
                      </td>
                      <td className={`${styles.num} ${styles.wait}`} data-status={h.waitStatus}>
                        {formatMinutes(h.longestWaitMin)}
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

export default QueueOverviewView;
