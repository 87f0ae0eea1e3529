// The 95598 CTI vendor's reporting API as it ships: endpoints, and the labels and codes on the wire. The
// simulator serves them; the ETL maps them to the fact tables' vocabulary.

export const CTI_CDR_PATH = '/cti/api/v1/cdr';
export const CTI_AGENT_STATES_PATH = '/cti/api/v1/agent-states';

/** category: the IVR menu the caller chose, as the vendor labels it. */
export const CATEGORY_LABEL = {
  inquiry: '咨询',
  fault_repair: '故障报修',
  arrears_reconnection: '欠费复电',
  complaint: '投诉',
  opinion: '意见建议表扬举报',
} as const;

/** releaseCause codes, keyed by the call outcome they stand for. */
export const RELEASE_CAUSE = {
  ivr_only: 'IVR_SELF_SERVICE',
  answered: 'NORMAL_CLEARING',
  abandoned_queue: 'QUEUE_ABANDON',
  abandoned_ringing: 'RING_ABANDON',
  blocked: 'OVERFLOW_BLOCKED',
} as const;

/** Agent state codes (签出, 示闲, 通话, 话后整理, 示忙), keyed by the state they stand for. */
export const AGENT_STATE_CODE = {
  logged_out: 'LOGOUT',
  ready: 'IDLE',
  talking: 'TALKING',
  after_call_work: 'WRAPUP',
  away: 'BUSY',
} as const;

/** Code → key, for reading the wire format back. */
export const invert = <K extends string, V extends string>(m: Record<K, V>): Map<string, K> =>
  new Map(Object.entries(m).map(([k, v]) => [v as string, k as K]));

/**
 * The vendor's export of a day's listing (导出): CSV, a header of these columns first, text quoted, NULL as \N;
 * each row one record of the API's listing, its fields as the API names them, in the API's order.
 */
export const CTI_CDR_EXPORT_COLUMNS = [
  'callId',
  'callerNo',
  'calledNo',
  'callerArea',
  'skillGroup',
  'skillGroupName',
  'category',
  'ivrStartTime',
  'queueStartTime',
  'ringStartTime',
  'answerTime',
  'releaseTime',
  'releaseCause',
  'agentId',
] as const;
export const CTI_AGENT_STATE_EXPORT_COLUMNS = ['agentId', 'skillGroup', 'state', 'stateStartTime', 'stateEndTime', 'updateTime'] as const;
