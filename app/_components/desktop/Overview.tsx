'use client';

import Link from 'next/link';
import { useMemo } from 'react';
import { useT } from '../../_i18n/LocaleProvider';
import { StaleBadge } from '../home/StaleBadge';
import { PageShell } from '../nav/PageShell';
import { overviewFigures, overviewQueries, pageFreshness, type BatchContext } from './batch';
import { useAnswers, useDefinitions } from './Dashboard';
import { DOMAINS, domainSpec, type DomainSpec } from './domains';
import { beijingTime } from './figures';
import { unitName } from './labels';
import { effectiveOrg } from './org';
import { Tile } from './Tile';
import { TimeBar, UnitBar } from './Toolbar';
import { useViewState } from './useViewState';
import { viewHref } from './url-state';
import styles from './desktop.module.css';

/** The overview's own URL rules: the queue's defaults (today), no filters. */
const OVERVIEW_SPEC: DomainSpec = { ...domainSpec('queue'), filters: [], breakdowns: [] };

/**
 * The cross-domain overview (`/`): each domain's headline figures for the chosen unit and time, each figure
 * leading into its dashboard with the same unit, time and comparison.
 */
export function Overview({ scope, today }: { scope: string; today: string }) {
  const t = useT();
  const [view, setView] = useViewState(OVERVIEW_SPEC);
  const org = effectiveOrg(view.org, scope);
  const defs = useDefinitions();
  const isLive = 'preset' in view.time && view.time.preset === 'today';
  // Counties are the deepest level every domain has; a hall shows the queue only.
  const ctxs: BatchContext[] = useMemo(
    () => (defs ? DOMAINS.map((spec) => ({ spec, defs, view: { ...view, filters: {}, detail: null }, org, today })) : []),
    [defs, view, org, today],
  );
  const queries = useMemo(() => overviewQueries(ctxs), [ctxs]);
  const { answers, failed } = useAnswers(queries, isLive);
  const fresh = answers ? pageFreshness(answers) : null;

  return (
    <PageShell
      title={t('desk.title.overview')}
      testId="overview"
      aside={fresh?.asOf && (fresh.stale || failed) ? <StaleBadge asOf={fresh.asOf} dataAsOf={fresh.dataAsOf} /> : null}
    >
      <div className={styles.page} data-org={org}>
        <div className={styles.toolbar}>
          <UnitBar org={org} scope={scope} hallName={null} onSelect={(code) => setView({ ...view, org: code === scope ? null : code })} />
          <TimeBar view={view} showGranularity={false} onChange={(patch) => setView({ ...view, ...patch })} />
        </div>
        <p className={styles.muted}>{t('desk.overview.intro')}</p>
        {!answers || !defs ? (
          <p className={styles.message} data-testid="overview-loading">
            {failed ? t('desk.error') : t('desk.loading')}
          </p>
        ) : (
          <div className={styles.domains}>
            {ctxs.map((ctx) => {
              const spec = ctx.spec;
              const figures = overviewFigures(ctx, answers);
              const href = viewHref(
                spec.path,
                { org: view.org, time: view.time, granularity: null, compare: view.compare, filters: {}, detail: null },
                spec,
              );
              const title = t(`desk.title.${spec.id}`);
              return (
                <section key={spec.id} className={styles.panel} data-testid={`overview-${spec.id}`} aria-label={title}>
                  <header className={styles.domainHead}>
                    <h2 className={styles.panelTitle}>{title}</h2>
                    <Link href={href} className={styles.domainLink} data-testid={`overview-link-${spec.id}`}>
                      {t('desk.overview.open', { domain: title })} →
                    </Link>
                  </header>
                  {figures.length === 0 ? (
                    <p className={styles.muted}>{unitName(t, org)}</p>
                  ) : (
                    <div className={styles.domainTiles}>
                      {figures.map((f) => (
                        <Tile
                          key={f.kpi}
                          def={defs.get(f.kpi)!}
                          figure={f}
                          compare={view.compare}
                          pageTime={view.time}
                          href={href}
                          testId={`overview-tile-${f.kpi}`}
                        />
                      ))}
                    </div>
                  )}
                </section>
              );
            })}
          </div>
        )}
        {fresh?.asOf ? <p className={styles.footnote}>{t('desk.computedAt', { time: beijingTime(fresh.asOf) })}</p> : null}
      </div>
    </PageShell>
  );
}
