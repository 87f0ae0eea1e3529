import type { inferRouterOutputs } from '@trpc/server';
import type { AppRouter } from '@/server/trpc/root';

type Outputs = inferRouterOutputs<AppRouter>;

export type InboxItem = Outputs['duty']['inbox']['items'][number];
export type AlertDetailData = Outputs['duty']['alert'];
export type PreviewData = Outputs['duty']['preview'];
export type SupervisionItem = Outputs['supervision']['list']['rows'][number];
export type HandoverItem = Outputs['handover']['list']['rows'][number];
export type RunLogItem = Outputs['runlog']['search']['rows'][number];
export type ShiftItem = Outputs['roster']['list'][number];

/** The signed-in person as the page hands it to the desk. */
export interface DutyUser {
  username: string;
  name: string;
  role: string;
  orgCode: string;
  orgName: string;
  permissions: string[];
}
