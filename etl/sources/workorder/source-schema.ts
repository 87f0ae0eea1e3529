// The customer-service system's (95598 工单) work-order API as it ships: endpoint, and the labels and codes
// on the wire. The simulator serves them; the ETL maps them to fact_work_order's vocabulary.

export const WORK_ORDERS_PATH = '/crm/api/v2/work-orders';

/** orderType: the business type of a transferred order, as the vendor labels it. */
export const ORDER_TYPE_LABEL = {
  fault_repair: '故障报修',
  complaint: '投诉',
  opinion: '意见',
  arrears_reconnection: '欠费复电',
  inquiry: '咨询回访',
} as const;

/** areaType: the urban/rural class of the customer's supply area (城乡类别), which picks the commitment. */
export const AREA_TYPE_LABEL = {
  urban: '城市',
  rural: '农村',
  remote: '偏远',
} as const;

/** nodeCode of a step in the order's flow (接单, 派工, 到达现场/联系客户, 处理完成, 回复, 回访). */
export const STEP_CODE = {
  accept: 'JD',
  dispatch: 'PG',
  arrive: 'DD',
  handle: 'CL',
  reply: 'HF',
  callback: 'HFB',
} as const;

/** orderStatus codes, keyed by the status they stand for. */
export const ORDER_STATUS_CODE = {
  created: '01',
  accepted: '02',
  dispatched: '03',
  arrived: '04',
  handled: '05',
  replied: '06',
  callback: '07',
  closed: '08',
} as const;

/** limitUnit codes. */
export const LIMIT_UNIT_CODE = {
  minutes: 'MIN',
  hours: 'HOUR',
  working_days: 'WORKDAY',
} as const;

/** handleResult labels. */
export const RESULT_LABEL = {
  resolved: '已解决',
  partly_resolved: '部分解决',
  unresolved: '未解决',
} as const;

/** responsibility (定责) labels: breach of commitment, work error, non-standard work (DOMAIN §2.5). */
export const CAUSE_TAG_LABEL = {
  breach: '违诺',
  work_error: '工作差错',
  non_standard: '工作不规范',
} as const;

/** satisfaction at the callback. */
export const SATISFACTION_LABEL = {
  satisfied: '满意',
  basically_satisfied: '基本满意',
  dissatisfied: '不满意',
  unreachable: '回访未成功',
} as const;

export { invert } from '../cti/source-schema';

/**
 * The vendor's export of a day's listing (导出): a listing with nested steps ships as two CSV files, a header
 * of these columns first, text quoted, NULL as \N. The orders file holds one row per record of the API's
 * listing, its fields as the API names them, in the API's order, without nodeList.
 */
export const WORK_ORDER_EXPORT_COLUMNS = [
  'orderNo',
  'orderType',
  'orgCode',
  'orgName',
  'areaType',
  'createTime',
  'limitValue',
  'limitUnit',
  'arriveDeadline',
  'deadline',
  'orderStatus',
  'archiveTime',
  'handleResult',
  'responsibility',
  'satisfaction',
  'updateTime',
] as const;

/** Where nodeList sits among the record's fields (after this one), as the API sends it. */
export const NODE_LIST_AFTER = 'orderStatus';

/**
 * The steps file: one row per entry of a record's nodeList, named by the record's orderNo, `seq` its position
 * in nodeList (1-based), then the entry's fields (NODE_FIELDS) as the API names them, in its order.
 */
export const NODE_FIELDS = ['nodeCode', 'nodeName', 'operatorId', 'operatorName', 'operateTime'] as const;
export const WORK_ORDER_STEP_EXPORT_COLUMNS = ['orderNo', 'seq', ...NODE_FIELDS] as const;
