// The one rule for "is this source late", used by health, KPI answers, alerts and the wall alike, so a
// source is never late on one screen and on time on another.

// A source is late when its data is older than a few of its own intervals (30 s jobs: 2 min; 5-minute
// jobs: 15 min; the minutely hall reference job: 10 min). Unknown sources get the generous limit.
const MAX_LAG_S: Record<string, number> = {
  'hall-queue.tickets': 120,
  'hall-queue.halls': 600,
  'cti.calls': 120,
  'cti.agent-states': 120,
  'outage.events': 900,
  'outage.customers': 900,
  'outage.notices': 900,
  'outage.sms-reports': 900,
  'workorder.orders': 900,
  'billing.payments': 900,
  'billing.dunning': 900,
  'billing.reconnections': 900,
  // Hourly balance snapshots, polled every 5 min like the events.
  'billing.balances': 900,
  // Daily exports (02:30): a day and a couple of hours.
  'billing.customers': 26 * 3600,
  'billing.bills': 26 * 3600,
};

/** How old a source's data may be before it counts as late. */
export const maxLagSeconds = (source: string): number => MAX_LAG_S[source] ?? 3600;

export interface Lateness {
  /** Whole seconds since the data was complete; null when the source never delivered. */
  lagSeconds: number | null;
  late: boolean;
}

/**
 * `completeUpTo`: the time the source's data is complete up to (null: never delivered). `since`: when this
 * process began to expect data (its start). A source that has not delivered since then is not one that
 * stopped: it gets its allowed lag from `since` before it counts as late, so a fresh start is not a wall
 * of alarms; after that, no data is late data.
 */
export function sourceLateness(source: string, completeUpTo: number | null, now: number, since: number): Lateness {
  const limit = maxLagSeconds(source);
  if (completeUpTo === null) return { lagSeconds: null, late: (now - since) / 1000 > limit };
  return { lagSeconds: Math.max(0, Math.floor((now - completeUpTo) / 1000)), late: (now - completeUpTo) / 1000 > limit };
}
