'use client';

import { useMemo } from 'react';
import { formatInt, formatPercent } from '../../../_i18n/format';
import { createTranslator } from '../../../_i18n/locale';
import { buildAgentStates } from './agent-states';
import styles from './panels.module.css';
import { cssVars, type PanelProps } from './types';

/** agent_states: agents logged in now and their split over ready / talking / after-call work / away. */
export function AgentStatesPanel({ panel, data, locale }: PanelProps) {
  const t = useMemo(() => createTranslator(locale), [locale]);
  const { loggedIn, states } = useMemo(() => buildAgentStates(data, locale), [data, locale]);
  return (
    <div className={styles.panel} data-testid={`panel-${panel.id}`} data-panel-type="agent_states">
      <div className={styles.agents}>
        <div className={styles.agentsTotal}>
          <span>{t('wallp.agents.loggedIn')}</span>
          <b data-testid="agents-logged-in">{formatInt(loggedIn)}</b>
        </div>
        <div className={styles.stack} aria-hidden>
          {states.map((s) =>
            s.share !== null && s.share > 0 ? <span key={s.kpi} style={{ width: `${s.share * 100}%`, background: s.color }} /> : null,
          )}
        </div>
        <div className={styles.states}>
          {states.map((s) => (
            <div key={s.kpi} className={styles.state} style={cssVars({ '--c': s.color })} data-kpi={s.kpi}>
              <div className={styles.stateLabel}>{s.label}</div>
              <div className={styles.stateValue}>{formatInt(s.count)}</div>
              <div className={styles.stateShare}>{t('wallp.agents.share', { v: formatPercent(s.share) })}</div>
            </div>
          ))}
        </div>
      </div>
    </div>
  );
}
