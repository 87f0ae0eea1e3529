'use client';

import Link from 'next/link';
import type { ReportDetail } from '@/server/reports/service';
import { DOMAIN_LABEL } from '@/server/reports/shared';
import {
  changeIsBetter,
  changeOf,
  DIRECTION_TEXT,
  formatBeijing,
  formatChange,
  formatValue,
  PHASE_TEXT,
  SEVERITY_TEXT,
  STATUS_LABEL,
  thresholdText,
  TIER_LABEL,
  UNIT_TEXT,
} from '@/server/reports/format';
import {
  SEVERITIES,
  type DailyContent,
  type Figure,
  type KpiMeta,
  type MonthlyContent,
  type ReportContent,
  type SeverityCounts,
  type Status,
  type Text,
  type Tier,
  type WeeklyContent,
} from '@/server/reports/types';
import { useLocale, useT } from '../../_i18n/LocaleProvider';
import type { MessageKey } from '../../_i18n/locale';
import { PageShell } from '../nav/PageShell';
import styles from './reports.module.css';

type Lang = 'zh' | 'en';

function StatusChip({ status, lang }: { status: Status | null | undefined; lang: Lang }) {
  if (!status) return <span className={styles.muted}>—</span>;
  return (
    <span className={styles.chip} data-status={status}>
      {STATUS_LABEL[status][lang]}
    </span>
  );
}

function TierChip({ tier, lang }: { tier: Tier | null; lang: Lang }) {
  if (!tier) return <span className={styles.muted}>—</span>;
  return (
    <span className={styles.tier} data-tier={tier}>
      {TIER_LABEL[tier][lang]}
    </span>
  );
}

function Change({ k, f, against }: { k: KpiMeta; f: Figure; against: 'previous' | 'yoy' }) {
  const d = changeOf(f, against);
  const better = changeIsBetter(k, d);
  return (
    <span className={styles.change} data-better={better === null ? undefined : String(better)}>
      {formatChange(k, d)}
    </span>
  );
}

const unitSuffix = (k: KpiMeta, lang: Lang) => (k.unit === 'percent' || k.unit === 'count' ? '' : `（${UNIT_TEXT[k.unit][lang]}）`);
const kpiName = (k: KpiMeta, lang: Lang) => `${k.name[lang]}${unitSuffix(k, lang)}`;

function Section({ title, children, testId }: { title: string; children: React.ReactNode; testId?: string }) {
  return (
    <section className={styles.panel} data-testid={testId}>
      <h2 className={styles.h2}>{title}</h2>
      {children}
    </section>
  );
}

function SeverityCells({ c }: { c: SeverityCounts }) {
  return (
    <>
      {SEVERITIES.map((s) => (
        <td key={s} className={styles.num} data-sev={c[s] > 0 ? s : undefined}>
          {c[s]}
        </td>
      ))}
    </>
  );
}

function SeverityHead({ lang }: { lang: Lang }) {
  return (
    <>
      {SEVERITIES.map((s) => (
        <th key={s} className={styles.num}>
          <span className={styles.sevDot} data-sev={s} />
          {SEVERITY_TEXT[s][lang]}
        </th>
      ))}
    </>
  );
}

/** The node's key KPIs per domain: value, status and the comparisons the report kind carries. */
function KpiTable({ c, lang, t }: { c: ReportContent; lang: Lang; t: (k: MessageKey) => string }) {
  const byId = new Map(c.kpis.map((k) => [k.id, k]));
  const prev =
    c.kind === 'daily'
      ? (['reports.col.previousDay', 'reports.col.dod'] as const)
      : c.kind === 'weekly'
        ? (['reports.col.previousWeek', 'reports.col.wow'] as const)
        : (['reports.col.previousMonth', 'reports.col.mom'] as const);
  const yoy = c.kind !== 'daily';
  return (
    <table className={styles.table} data-testid="report-kpis">
      <thead>
        <tr>
          <th>{t('reports.col.domain')}</th>
          <th>{t('reports.col.kpi')}</th>
          <th className={styles.num}>{t('reports.col.value')}</th>
          <th>{t('reports.col.status')}</th>
          <th className={styles.num}>{t(prev[0])}</th>
          <th className={styles.num}>{t(prev[1])}</th>
          {yoy && <th className={styles.num}>{t('reports.col.yoyValue')}</th>}
          {yoy && <th className={styles.num}>{t('reports.col.yoy')}</th>}
        </tr>
      </thead>
      <tbody>
        {c.sections.flatMap((s) =>
          s.kpis.map((id, i) => {
            const k = byId.get(id)!;
            const f = c.node[id]!;
            return (
              <tr key={id} data-kpi={id}>
                {i === 0 && (
                  <td rowSpan={s.kpis.length} className={styles.domainCell}>
                    {DOMAIN_LABEL[s.domain][lang]}
                  </td>
                )}
                <td title={k.formula[lang]}>{kpiName(k, lang)}</td>
                <td className={styles.num} data-status={f.status ?? undefined}>
                  {formatValue(k, f.value)}
                </td>
                <td>
                  <StatusChip status={f.status} lang={lang} />
                </td>
                <td className={styles.num}>{formatValue(k, f.previous)}</td>
                <td className={styles.num}>
                  <Change k={k} f={f} against="previous" />
                </td>
                {yoy && <td className={styles.num}>{formatValue(k, f.yoy)}</td>}
                {yoy && (
                  <td className={styles.num}>
                    <Change k={k} f={f} against="yoy" />
                  </td>
                )}
              </tr>
            );
          }),
        )}
      </tbody>
    </table>
  );
}

/** Units × KPIs, one table per domain: each value coloured by its status, with its change below. */
function UnitTables({ c, lang, t }: { c: ReportContent; lang: Lang; t: (k: MessageKey) => string }) {
  const byId = new Map(c.kpis.map((k) => [k.id, k]));
  if (!c.units.length) return <p className={styles.muted}>{t('reports.noUnits')}</p>;
  return (
    <div className={styles.unitGrid}>
      {c.sections.map((s) => (
        <div key={s.domain} className={styles.scrollX}>
          <h3 className={styles.h3}>{DOMAIN_LABEL[s.domain][lang]}</h3>
          <table className={styles.table}>
            <thead>
              <tr>
                <th>{t('reports.col.unit')}</th>
                {s.kpis.map((id) => (
                  <th key={id} className={styles.num} title={byId.get(id)!.formula[lang]}>
                    {kpiName(byId.get(id)!, lang)}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {c.units.map((u) => (
                <tr key={u.code}>
                  <td className={styles.nowrap}>{u.name}</td>
                  {s.kpis.map((id) => {
                    const k = byId.get(id)!;
                    const f = u.figures[id]!;
                    return (
                      <td key={id} className={styles.num} data-status={f.status ?? undefined}>
                        {formatValue(k, f.value)}
                        <div className={styles.sub}>
                          <Change k={k} f={f} against="previous" />
                        </div>
                      </td>
                    );
                  })}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ))}
    </div>
  );
}

function Daily({ c, lang, t }: { c: DailyContent; lang: Lang; t: (k: MessageKey, p?: Record<string, string | number>) => string }) {
  const a = c.alerts;
  return (
    <>
      <Section title={t('reports.section.alerts')} testId="report-alerts">
        <div className={styles.tiles}>
          <div className={styles.tile}>
            <span className={styles.tileLabel}>{t('reports.alerts.total')}</span>
            <span className={styles.tileValue} data-testid="report-alerts-total">
              {a.total}
            </span>
          </div>
          {SEVERITIES.map((s) => (
            <div key={s} className={styles.tile} data-sev={s}>
              <span className={styles.tileLabel}>{SEVERITY_TEXT[s][lang]}</span>
              <span className={styles.tileValue}>{a.bySeverity[s]}</span>
            </div>
          ))}
          <div className={styles.tile}>
            <span className={styles.tileLabel}>{t('reports.alerts.openAtEnd')}</span>
            <span className={styles.tileValue}>{a.openAtEnd.total}</span>
          </div>
          <div className={styles.tile}>
            <span className={styles.tileLabel}>
              {t('reports.section.supervision')} · {t('reports.sup.opened')} / {t('reports.sup.closed')} / {t('reports.sup.overdue')}
            </span>
            <span className={styles.tileValue}>
              {c.supervision.opened} / {c.supervision.closed} / {c.supervision.overdue}
            </span>
          </div>
        </div>
        <div className={styles.twoCol}>
          <table className={styles.table}>
            <thead>
              <tr>
                <th>{t('reports.alerts.byDomain')}</th>
                <th className={styles.num}>{t('reports.col.sum')}</th>
                <SeverityHead lang={lang} />
              </tr>
            </thead>
            <tbody>
              {a.byDomain.map((d) => (
                <tr key={d.domain}>
                  <td>{DOMAIN_LABEL[d.domain][lang]}</td>
                  <td className={styles.num}>{d.total}</td>
                  <SeverityCells c={d.bySeverity} />
                </tr>
              ))}
            </tbody>
          </table>
          <table className={styles.table}>
            <thead>
              <tr>
                <th>{t('reports.alerts.byUnit')}</th>
                <th className={styles.num}>{t('reports.col.sum')}</th>
                <SeverityHead lang={lang} />
              </tr>
            </thead>
            <tbody>
              {a.byUnit.map((u) => (
                <tr key={u.code}>
                  <td>{u.name}</td>
                  <td className={styles.num}>{u.total}</td>
                  <SeverityCells c={u.bySeverity} />
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </Section>
      <Section title={t('reports.section.major')} testId="report-major">
        {a.major.length === 0 ? (
          <p className={styles.muted}>{t('reports.alerts.none')}</p>
        ) : (
          <table className={styles.table}>
            <thead>
              <tr>
                <th>{t('reports.col.severity')}</th>
                <th>{t('reports.col.rule')}</th>
                <th>{t('reports.col.unit')}</th>
                <th>{t('reports.col.alert')}</th>
                <th>{t('reports.col.firedAt')}</th>
                <th>{t('reports.col.phase')}</th>
                <th>{t('reports.col.ackAt')}</th>
                <th>{t('reports.col.closedAt')}</th>
              </tr>
            </thead>
            <tbody>
              {a.major.map((m) => (
                <tr key={m.id}>
                  <td className={styles.nowrap}>
                    <span className={styles.sevDot} data-sev={m.severity} />
                    {SEVERITY_TEXT[m.severity][lang]}
                  </td>
                  <td>{m.ruleName}</td>
                  <td>{m.orgName}</td>
                  <td>{m.title}</td>
                  <td className={styles.nowrap}>{formatBeijing(m.firedAt)}</td>
                  <td>{PHASE_TEXT[m.phase]?.[lang] ?? m.phase}</td>
                  <td className={styles.nowrap}>{m.acknowledgedAt ? formatBeijing(m.acknowledgedAt) : '—'}</td>
                  <td className={styles.nowrap}>{m.closedAt ? formatBeijing(m.closedAt) : '—'}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
        {a.majorTotal > a.major.length && (
          <p className={styles.muted}>{t('reports.section.majorMore', { n: a.majorTotal, shown: a.major.length })}</p>
        )}
      </Section>
    </>
  );
}

function Weekly({ c, lang, t }: { c: WeeklyContent; lang: Lang; t: (k: MessageKey) => string }) {
  const byId = new Map(c.kpis.map((k) => [k.id, k]));
  return (
    <>
      {c.rankings.length > 0 && (
        <Section title={t('reports.section.rankings')} testId="report-rankings">
          <div className={styles.rankGrid}>
            {c.rankings.map((r) => {
              const k = byId.get(r.kpi)!;
              return (
                <div key={r.kpi} className={styles.rankCard}>
                  <h3 className={styles.h3} title={k.formula[lang]}>
                    {kpiName(k, lang)} <span className={styles.muted}>{DIRECTION_TEXT[k.direction][lang]}</span>
                  </h3>
                  <table className={styles.table}>
                    <tbody>
                      {r.rows.map((row) => (
                        <tr key={row.code} data-tier={row.tier ?? undefined}>
                          <td className={styles.num}>{row.rank ?? '—'}</td>
                          <td>{row.name}</td>
                          <td className={styles.num}>{formatValue(k, row.value)}</td>
                          <td>
                            <TierChip tier={row.tier} lang={lang} />
                          </td>
                        </tr>
                      ))}
                    </tbody>
                  </table>
                </div>
              );
            })}
          </div>
        </Section>
      )}
      <Section title={t('reports.section.alerts')} testId="report-alerts">
        <div className={styles.tiles}>
          <div className={styles.tile}>
            <span className={styles.tileLabel}>{t('reports.alerts.totalWeek')}</span>
            <span className={styles.tileValue}>{c.alerts.total}</span>
          </div>
          {SEVERITIES.map((s) => (
            <div key={s} className={styles.tile} data-sev={s}>
              <span className={styles.tileLabel}>{SEVERITY_TEXT[s][lang]}</span>
              <span className={styles.tileValue}>{c.alerts.bySeverity[s]}</span>
            </div>
          ))}
        </div>
        <h3 className={styles.h3}>{t('reports.section.topRules')}</h3>
        {c.alerts.topRules.length === 0 ? (
          <p className={styles.muted}>{t('reports.alerts.none')}</p>
        ) : (
          <table className={styles.table}>
            <thead>
              <tr>
                <th>{t('reports.col.rule')}</th>
                <th className={styles.num}>{t('reports.col.sum')}</th>
                <SeverityHead lang={lang} />
              </tr>
            </thead>
            <tbody>
              {c.alerts.topRules.map((r) => (
                <tr key={r.ruleId}>
                  <td>{r.name}</td>
                  <td className={styles.num}>{r.total}</td>
                  <SeverityCells c={r.bySeverity} />
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </Section>
    </>
  );
}

function Monthly({ c, lang, t }: { c: MonthlyContent; lang: Lang; t: (k: MessageKey) => string }) {
  const score = (v: number | null) => (v === null ? '—' : v.toFixed(1));
  return (
    <Section title={t('reports.section.assessment')} testId="report-assessment">
      <table className={styles.table}>
        <thead>
          <tr>
            <th className={styles.num}>{t('reports.col.rank')}</th>
            <th>{t('reports.col.unit')}</th>
            <th className={styles.num}>{t('reports.col.score')}</th>
            <th>{t('reports.col.tier')}</th>
            <th className={styles.num}>{t('reports.col.okWarnAlarm')}</th>
            <th className={styles.num}>{t('reports.col.assessed')}</th>
            <th className={styles.num}>{t('reports.col.scorePrev')}</th>
            <th className={styles.num}>{t('reports.col.scoreYoy')}</th>
          </tr>
        </thead>
        <tbody>
          {c.assessment.map((r) => (
            <tr key={r.code} data-tier={r.tier ?? undefined}>
              <td className={styles.num}>{r.rank ?? '—'}</td>
              <td>{r.name}</td>
              <td className={styles.num}>
                <strong>{score(r.score)}</strong>
              </td>
              <td>
                <TierChip tier={r.tier} lang={lang} />
              </td>
              <td className={styles.num}>
                {r.ok} / {r.warn} / {r.alarm}
              </td>
              <td className={styles.num}>{r.assessed}</td>
              <td className={styles.num}>{score(r.scorePrevious)}</td>
              <td className={styles.num}>{score(r.scoreYoy)}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <p className={styles.formula} data-testid="report-scoring">
        <strong>{t('reports.scoring')}：</strong>
        {c.scoring.formula[lang]} {c.scoring.tiers[lang]}
      </p>
    </Section>
  );
}

function Definitions({ c, lang, t }: { c: ReportContent; lang: Lang; t: (k: MessageKey) => string }) {
  return (
    <Section title={t('reports.section.definitions')}>
      <table className={styles.table}>
        <thead>
          <tr>
            <th>{t('reports.col.kpi')}</th>
            <th>{t('reports.col.direction')}</th>
            <th>{t('reports.col.thresholds')}</th>
            <th>{t('reports.col.formula')}</th>
          </tr>
        </thead>
        <tbody>
          {c.kpis.map((k) => (
            <tr key={k.id}>
              <td className={styles.nowrap}>{kpiName(k, lang)}</td>
              <td className={styles.nowrap}>{DIRECTION_TEXT[k.direction][lang]}</td>
              <td className={styles.nowrap}>{thresholdText(k, lang)}</td>
              <td className={styles.formulaCell}>{k.formula[lang]}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <ul className={styles.notes}>
        {c.notes.map((n: Text, i) => (
          <li key={i}>{n[lang]}</li>
        ))}
      </ul>
    </Section>
  );
}

/** One stored report rendered: the same numbers as its xlsx; printable (white page, no navigation). */
export function ReportView({ report }: { report: ReportDetail }) {
  const t = useT();
  const lang: Lang = useLocale() === 'en' ? 'en' : 'zh';
  const c = report.content;
  const period = c.period.start === c.period.end ? c.period.start : `${c.period.start} ~ ${c.period.end}`;
  const kindLabel = t(`reports.kind.${c.kind}`);
  return (
    <PageShell title={`${kindLabel} · ${c.orgName}`} testId="report-page">
      <div className={styles.printRoot}>
        <div className={styles.reportHead}>
          <div>
            <h2 className={styles.reportTitle} data-testid="report-title">
              {lang === 'zh' ? report.title : `${c.orgName} · ${kindLabel} · ${period}`}
            </h2>
            <dl className={styles.meta}>
              <dt>{t('reports.meta.unit')}</dt>
              <dd>
                {c.orgName}（{c.orgCode}）
              </dd>
              <dt>{t('reports.meta.period')}</dt>
              <dd>{period}</dd>
              {c.previousPeriod && (
                <>
                  <dt>{t('reports.meta.previous')}</dt>
                  <dd>
                    {c.previousPeriod.start === c.previousPeriod.end
                      ? c.previousPeriod.start
                      : `${c.previousPeriod.start} ~ ${c.previousPeriod.end}`}
                  </dd>
                </>
              )}
              {c.yoyPeriod && (
                <>
                  <dt>{t('reports.meta.yoy')}</dt>
                  <dd>{`${c.yoyPeriod.start} ~ ${c.yoyPeriod.end}`}</dd>
                </>
              )}
              <dt>{t('reports.meta.generated')}</dt>
              <dd>{formatBeijing(c.generatedAt)}</dd>
              <dt>{t('reports.meta.by')}</dt>
              <dd>{report.generatedBy === 'schedule' ? t('reports.by.schedule') : t('reports.by.user', { user: report.generatedBy })}</dd>
            </dl>
          </div>
          <div className={styles.actions}>
            <Link href="/reports" className={styles.link}>
              {t('reports.back')}
            </Link>
            <button type="button" className={styles.button} onClick={() => window.print()} data-testid="report-print">
              {t('reports.print')}
            </button>
            <a className={styles.button} href={`/api/reports/${report.id}/xlsx`} download data-testid="report-xlsx">
              {t('reports.download')}
            </a>
          </div>
        </div>
        {c.kind === 'daily' && <Daily c={c} lang={lang} t={t} />}
        {c.kind === 'monthly' && <Monthly c={c} lang={lang} t={t} />}
        <Section title={`${t('reports.section.kpis')} · ${c.orgName}`} testId="report-node">
          <KpiTable c={c} lang={lang} t={t} />
        </Section>
        {c.kind === 'weekly' && <Weekly c={c} lang={lang} t={t} />}
        <Section title={t('reports.section.units')} testId="report-units">
          <UnitTables c={c} lang={lang} t={t} />
        </Section>
        <Definitions c={c} lang={lang} t={t} />
      </div>
    </PageShell>
  );
}
