// Every wall panel type's component, by PANEL_TYPES (server/wall/layout.ts). The framework's panel registry
// renders a panel through this map inside its frame (title, data age, stale badge).
import type { ComponentType } from 'react';
import type { PanelType } from '@/server/wall/layout';
import { AchievementsPanel } from './AchievementsPanel';
import { AgentStatesPanel } from './AgentStatesPanel';
import { AlertBannerPanel } from './AlertBannerPanel';
import { AlertListPanel } from './AlertListPanel';
import { ArrearsByCityPanel } from './ArrearsByCityPanel';
import { CallTrendPanel } from './CallTrendPanel';
import { FreshnessPanel } from './FreshnessPanel';
import { KpiTilesPanel } from './KpiTilesPanel';
import { OutageListPanel } from './OutageListPanel';
import { OutageMapPanel } from './OutageMapPanel';
import { QueueBoardPanel } from './QueueBoardPanel';
import { RankingPanel } from './RankingPanel';
import type { PanelProps } from './types';
import { WorkOrdersPanel } from './WorkOrdersPanel';

export type { PanelProps } from './types';

export const PANEL_COMPONENTS: Record<PanelType, ComponentType<PanelProps>> = {
  kpi_tiles: KpiTilesPanel,
  queue_board: QueueBoardPanel,
  call_trend: CallTrendPanel,
  agent_states: AgentStatesPanel,
  outage_map: OutageMapPanel,
  outage_list: OutageListPanel,
  arrears_by_city: ArrearsByCityPanel,
  work_orders: WorkOrdersPanel,
  ranking: RankingPanel,
  alert_banner: AlertBannerPanel,
  alert_list: AlertListPanel,
  freshness: FreshnessPanel,
  achievements: AchievementsPanel,
};
