import type { inferRouterOutputs } from '@trpc/server';
import type { AppRouter } from '@/server/trpc/root';

type Outputs = inferRouterOutputs<AppRouter>['records'];

export type WorkOrderDetail = Outputs['workOrder'];
export type TicketDetail = Outputs['ticket'];
export type CallDetail = Outputs['callRecord'];
export type OutageDetail = Outputs['outage'];
export type CustomerDetail = Outputs['customer'];
export type AnyDetail = WorkOrderDetail | TicketDetail | CallDetail | OutageDetail | CustomerDetail;
export type RecordKind = AnyDetail['kind'];
export type TimelineStep = WorkOrderDetail['timeline'][number];
export type AlertRow = WorkOrderDetail['alerts'][number];
export type SupervisionRow = WorkOrderDetail['supervisions'][number];
export type NoteRow = WorkOrderDetail['notes'][number];

/** The signed-in person as the page hands it to the detail view. */
export interface RecordUser {
  username: string;
  orgCode: string;
  permissions: string[];
}
