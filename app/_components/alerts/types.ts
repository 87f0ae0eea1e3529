import type { inferRouterOutputs } from '@trpc/server';
import type { AppRouter } from '@/server/trpc/root';

type Outputs = inferRouterOutputs<AppRouter>;

/** One item of `alerts.list`. */
export type AlertItem = Outputs['alerts']['list']['items'][number];
/** One rule of `rules.list`. */
export type RuleRow = Outputs['rules']['list'][number];
/** One KPI of `kpi.definitions`. */
export type KpiDefinition = Outputs['kpi']['definitions'][number];
/** A city (地市) of the org tree, for unit pickers. */
export interface CityOption {
  code: string;
  name: string;
  counties?: { code: string; name: string }[];
}
