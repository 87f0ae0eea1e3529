// The payload of tRPC `kpi.queueOverview`, defined once on the server next to the formulas that fill it.
export type { QueueOverviewData } from '@/server/kpi/queue-overview';
