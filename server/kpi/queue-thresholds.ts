// DOMAIN.md §2.1 defaults. An administrator will be able to change them (KPI layer issue); until then
// these are the documented defaults, named once.
export const QUEUE_THRESHOLDS = { waitWarnMin: 20, waitAlarmMin: 30, queueLengthWarn: 15 } as const;

/** A source is shown as stale when its data is older than this (several missed 30 s runs). */
export const QUEUE_STALE_AFTER_MS = 150_000;
