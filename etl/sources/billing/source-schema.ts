// The marketing system's billing and collection exports (营销系统 抄核收) as it drops them: one file per export
// kind, Chinese file names and headers, Chinese labels, local wall-clock times. The simulator writes them; the
// ETL only reads them.

export const BILLING_KINDS = ['customers', 'bills', 'payments', 'dunning', 'reconnections', 'balances'] as const;
export type BillingKind = (typeof BILLING_KINDS)[number];

/** File name prefixes per kind (the Chinese export name, or an English one operators sometimes use). */
export const FILE_PATTERN: Record<BillingKind, RegExp> = {
  customers: /^(客户档案|customers?)[_-]/i,
  bills: /^(电费账单|bills?)[_-]/i,
  payments: /^(缴费流水|payments?)[_-]/i,
  dunning: /^(催费记录|dunning)[_-]/i,
  reconnections: /^(停复电记录|reconnections?)[_-]/i,
  balances: /^(余额快照|balances?)[_-]/i,
};

export const FILE_PREFIX: Record<BillingKind, string> = {
  customers: '客户档案',
  bills: '电费账单',
  payments: '缴费流水',
  dunning: '催费记录',
  reconnections: '停复电记录',
  balances: '余额快照',
};

export const kindOfFile = (name: string): BillingKind | null => BILLING_KINDS.find((k) => FILE_PATTERN[k].test(name)) ?? null;

/** Column headers per kind, in file order. */
export const HEADERS = {
  customers: {
    customer_id: '户号',
    name: '户名',
    county_code: '县区编码',
    class: '用户类别',
    industry: '行业分类',
    key_account: '重点户',
    prepaid: '预付费',
    bank: '代扣银行',
    opened_on: '立户日期',
  },
  bills: {
    bill_id: '账单编号',
    customer_id: '户号',
    bill_month: '电费年月',
    amount: '应收金额',
    due_date: '缴费截止日',
    issued_at: '出账时间',
  },
  payments: {
    payment_id: '流水号',
    bill_id: '账单编号',
    customer_id: '户号',
    amount: '缴费金额',
    paid_at: '缴费时间',
    channel: '缴费渠道',
    bank: '代扣银行',
    result: '扣款结果',
    failure_reason: '失败原因',
  },
  dunning: {
    dunning_id: '催费编号',
    customer_id: '户号',
    bill_id: '账单编号',
    dunned_at: '催费时间',
    channel: '催费方式',
    amount_owed: '欠费金额',
  },
  reconnections: {
    disconnection_id: '停电编号',
    customer_id: '户号',
    notice_at: '停电通知时间',
    disconnected_at: '停电时间',
    paid_at: '缴费时间',
    reconnected_at: '复电时间',
    updated_at: '更新时间',
  },
  // Balance snapshot (余额快照) of the prepaid (预付费) and load-controlled (负控) customers: the account balance
  // (negative once the customer owes) and the charge the system expects for the period (预计电费).
  balances: {
    customer_id: '户号',
    control: '费控方式',
    balance: '账户余额',
    expected_charge: '预计电费',
    snapshot_at: '快照时间',
  },
} as const satisfies Record<BillingKind, Record<string, string>>;

/** 用户类别 */
export const CLASS_LABEL = { residential: '居民', commercial: '一般工商业', industrial: '大工业', large_key: '大客户' } as const;
export type CustomerClass = keyof typeof CLASS_LABEL;

/** 缴费渠道 */
export const CHANNEL_LABEL = { counter: '柜台', bank_debit: '银行代扣', app: '网上国网', wechat: '微信', alipay: '支付宝' } as const;
export type PaymentChannel = keyof typeof CHANNEL_LABEL;

/** 扣款结果 */
export const RESULT_LABEL = { success: '成功', failed: '失败' } as const;

/** 催费方式 */
export const DUNNING_CHANNEL_LABEL = { sms: '短信', phone: '电话', onsite: '上门', wechat: '微信' } as const;
export type DunningChannel = keyof typeof DUNNING_CHANNEL_LABEL;

/** 费控方式: prepaid metering (预付费), or a load-control terminal (负控) that cuts the supply of a large account. */
export const CONTROL_LABEL = { prepaid: '预付费', load_control: '负控' } as const;
export type ControlMode = keyof typeof CONTROL_LABEL;

/** Banks that run collection by debit (代扣) in the province. */
export const BANKS = ['工商银行', '农业银行', '建设银行', '中国银行', '邮储银行', '云南农信'] as const;

export const YES = '是';
export const NO = '否';

/** Code → key, for reading the export back. */
export const invert = <K extends string, V extends string>(m: Record<K, V>): Map<string, K> =>
  new Map(Object.entries(m).map(([k, v]) => [v as string, k as K]));
