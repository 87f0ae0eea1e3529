// 95598 agents by state now (call.agents_* KPIs): logged in, and how the logged-in agents split over
// ready / talking / after-call work / away. Pure; see agent-states.test.ts.
import type { PanelData } from '@/server/wall/types';
import { isNum } from '../../../_i18n/format';
import type { Locale } from '../../../_i18n/locale';
import { findSeries, kpiName, totalPoint } from './kpi-data';

export const AGENT_STATE_KPIS = ['call.agents_ready', 'call.agents_talking', 'call.agents_after_call_work', 'call.agents_away'] as const;

export const AGENT_STATE_COLORS: Record<(typeof AGENT_STATE_KPIS)[number], string> = {
  'call.agents_ready': '#2fcf8a',
  'call.agents_talking': '#3ab8ff',
  'call.agents_after_call_work': '#7c8cff',
  'call.agents_away': '#f5b21b',
};

export interface AgentState {
  kpi: string;
  label: string;
  color: string;
  count: number | null;
  /** Share of the logged-in agents (0–1), null without both figures or with nobody logged in. */
  share: number | null;
}

export function buildAgentStates(data: PanelData | undefined, locale: Locale): { loggedIn: number | null; states: AgentState[] } {
  const value = (kpi: string) => totalPoint(findSeries(data, kpi))?.value ?? null;
  const loggedIn = value('call.agents_logged_in');
  return {
    loggedIn,
    states: AGENT_STATE_KPIS.map((kpi) => {
      const count = value(kpi);
      return {
        kpi,
        label: kpiName(kpi, locale),
        color: AGENT_STATE_COLORS[kpi],
        count,
        share: isNum(count) && isNum(loggedIn) && loggedIn > 0 ? count / loggedIn : null,
      };
    }),
  };
}
