import { COUNTIES, isUrbanDistrict } from '@/core/org/divisions';
import { formatLocal, localParts, parseLocal } from '@/core/time';
import { BANKS, type CustomerClass, type DunningChannel, type PaymentChannel } from '../sources/billing/source-schema';
import { logNormal, pick, rng, seedOf, weighted, type Rng } from './random';

// The marketing system's billing and collection (抄核收) as a deterministic plan: the customer base, one bill
// per customer and billing run, and each bill's fate (bank debit attempts, payment, dunning, disconnection for
// arrears and reconnection). Everything derives from the seed and the thing it describes, so the exports can
// be written in any order and replayed after a restart.
//
// Volume: the province has about 10 million customers (DOMAIN §1); the simulator plays a configurable sample
// (default 100,000, spread over the 129 counties by weight, urban districts heavier). Shares, rates and ages
// are what matter on the screens, and they are the same for a sample as for the whole base.

const DAY = 86_400_000;
const HOUR = 3_600_000;

/** The monthly billing run (出账): this day of the month at 02:00 local, for the previous calendar month. */
export const BILLING_DAY = 5;
/** Bills are due this many days after the run (缴费截止日 = the 20th). */
export const DUE_DAYS = 15;
/** Months before the first start whose still-unpaid bills are exported as carried-forward arrears (欠费结转). */
export const CARRIED_MONTHS = 6;

/** Debit failure rate by bank (余额不足, 账户冻结…): 2–8 %, the rural credit union worst. */
export const BANK_FAILURE_RATE: Record<(typeof BANKS)[number], number> = {
  工商银行: 0.022,
  农业银行: 0.034,
  建设银行: 0.028,
  中国银行: 0.025,
  邮储银行: 0.048,
  云南农信: 0.072,
};
const FAILURE_REASONS: (readonly [string, number])[] = [
  ['余额不足', 0.78],
  ['账户冻结', 0.08],
  ['账户已销户', 0.06],
  ['签约信息不符', 0.08],
];

export interface SimCustomer {
  id: string;
  name: string;
  countyCode: string;
  cls: CustomerClass;
  industry: string;
  keyAccount: boolean;
  prepaid: boolean;
  /** Bank of the debit agreement (代扣签约), or null. */
  bank: (typeof BANKS)[number] | null;
  openedOn: string;
  /** Median monthly charge in cents. */
  base: number;
  /** A chronic debtor (disputes, firms in difficulty): its bills stay unpaid; never disconnected by the plan. */
  chronic: boolean;
}

export interface SimPayment {
  paymentId: string;
  billId: string;
  customerId: string;
  cents: number;
  paidAt: number;
  channel: PaymentChannel;
  bank: string;
  result: 'success' | 'failed';
  failureReason: string;
}

export interface SimDunning {
  dunningId: string;
  customerId: string;
  billId: string;
  dunnedAt: number;
  channel: DunningChannel;
  cents: number;
}

export interface SimDisconnection {
  disconnectionId: string;
  customerId: string;
  noticeAt: number;
  disconnectedAt: number;
  /** The payment that settled the bill, when it came after the disconnection. */
  paidAt: number | null;
  reconnectedAt: number | null;
}

export interface SimBill {
  billId: string;
  customerId: string;
  /** 'YYYY-MM', the consumption month. */
  billMonth: string;
  cents: number;
  issuedAt: number;
  /** 'YYYY-MM-DD', the last day to pay. */
  dueDate: string;
  /** Local midnight after the due date: paid before this is paid on time. */
  dueEnd: number;
  /** When a successful payment settled the bill, or null (still unpaid, whatever the horizon). */
  settledAt: number | null;
  payments: SimPayment[];
  dunnings: SimDunning[];
  disconnection: SimDisconnection | null;
}

export interface BillingRun {
  billMonth: string;
  issuedAt: number;
  dueDate: string;
  dueEnd: number;
}

const pad = (n: number) => String(n).padStart(2, '0');
const seconds = (ms: number) => Math.floor(ms / 1000) * 1000;

/** The billing run of a consumption month ('YYYY-MM'). */
export function billingRun(billMonth: string, tz: string): BillingRun {
  const [y, m] = billMonth.split('-').map(Number) as [number, number];
  const ry = m === 12 ? y + 1 : y;
  const rm = m === 12 ? 1 : m + 1;
  const issuedAt = parseLocal(`${ry}-${pad(rm)}-${pad(BILLING_DAY)} 02:00:00`, tz)!;
  const dueDate = `${ry}-${pad(rm)}-${pad(BILLING_DAY + DUE_DAYS)}`;
  const dueEnd = parseLocal(`${ry}-${pad(rm)}-${pad(BILLING_DAY + DUE_DAYS + 1)} 00:00:00`, tz)!;
  return { billMonth, issuedAt, dueDate, dueEnd };
}

/** Consumption month `n` months after `billMonth` (negative: before). */
export function addMonths(billMonth: string, n: number): string {
  const [y, m] = billMonth.split('-').map(Number) as [number, number];
  const i = y * 12 + (m - 1) + n;
  return `${Math.floor(i / 12)}-${pad((i % 12) + 1)}`;
}

/** The latest billing run at or before `now`. */
export function latestRun(now: number, tz: string): BillingRun {
  const p = localParts(now, tz);
  let month = addMonths(`${p.year}-${pad(p.month)}`, -1);
  let run = billingRun(month, tz);
  while (run.issuedAt > now) run = billingRun((month = addMonths(month, -1)), tz);
  return run;
}

// ---- customers ---------------------------------------------------------------------------------------------

const SURNAMES = ['李', '王', '张', '刘', '杨', '陈', '赵', '黄', '周', '吴', '段', '普', '杞', '和', '刀', '罗', '字', '施'];
const GIVEN = ['华', '明', '芳', '丽', '强', '军', '萍', '勇', '艳', '林', '波', '梅', '平', '兰', '春', '文'];
const FIRM_WORDS = ['滇', '兴', '云', '盛', '源', '泰', '恒', '昌', '达', '汇'];
const INDUSTRIES: Record<CustomerClass, (readonly [string, number])[]> = {
  residential: [
    ['城镇居民生活用电', 0.55],
    ['乡村居民生活用电', 0.45],
  ],
  commercial: [
    ['批发和零售业', 0.34],
    ['住宿和餐饮业', 0.24],
    ['房地产业', 0.1],
    ['金融业', 0.06],
    ['公共管理和社会组织', 0.12],
    ['信息传输和软件业', 0.06],
    ['农林牧渔业', 0.08],
  ],
  industrial: [
    ['制造业', 0.42],
    ['采矿业', 0.14],
    ['建筑业', 0.12],
    ['农副食品加工业', 0.14],
    ['烟草制品业', 0.06],
    ['化学原料和化学制品制造业', 0.12],
  ],
  large_key: [
    ['有色金属冶炼和压延加工业', 0.34],
    ['黑色金属冶炼和压延加工业', 0.14],
    ['化学原料和化学制品制造业', 0.18],
    ['非金属矿物制品业', 0.14],
    ['数据中心', 0.08],
    ['电力热力水务', 0.12],
  ],
};
const CLASS_SHARE: (readonly [CustomerClass, number])[] = [
  ['residential', 0.885],
  ['commercial', 0.085],
  ['industrial', 0.026],
  ['large_key', 0.004],
];
/** Median monthly charge by class, yuan. */
const MEDIAN_YUAN: Record<CustomerClass, number> = { residential: 95, commercial: 1600, industrial: 28_000, large_key: 420_000 };
const CHRONIC_SHARE: Record<CustomerClass, number> = { residential: 0.008, commercial: 0.025, industrial: 0.04, large_key: 0.06 };

function maskedName(r: Rng, cls: CustomerClass, countyName: string): string {
  if (cls === 'residential') return `${pick(r, SURNAMES)}*${pick(r, GIVEN)}`;
  const place = countyName.slice(0, 2);
  const kind = cls === 'commercial' ? pick(r, ['商贸', '餐饮', '酒店', '超市', '物业']) : pick(r, ['实业', '矿业', '化工', '建材', '冶炼']);
  return `${place}**${pick(r, FIRM_WORDS)}${kind}有限公司`;
}

const customerCache = new Map<string, SimCustomer[]>();

/** The simulated customer base: `count` customers over the counties by weight, stable for a seed. */
export function planCustomers(seed: number, count: number): SimCustomer[] {
  const key = `${seed}|${count}`;
  const cached = customerCache.get(key);
  if (cached) return cached;
  const rw = rng(seedOf(seed, 'billing', 'counties'));
  const weights = COUNTIES.map((c) => (isUrbanDistrict(c) ? 3 : 1) * (0.6 + rw() * 0.8));
  const cumulative: number[] = [];
  weights.reduce((s, w, i) => (cumulative[i] = s + w), 0);
  const total = cumulative[cumulative.length - 1]!;
  const seq = new Map<string, number>();
  const customers: SimCustomer[] = [];
  for (let i = 0; i < count; i++) {
    const r = rng(seedOf(seed, 'billing', 'customer', i));
    const x = r() * total;
    let lo = 0;
    while (cumulative[lo]! < x) lo++;
    const county = COUNTIES[lo]!;
    const n = (seq.get(county.code) ?? 0) + 1;
    seq.set(county.code, n);
    const cls = weighted(r, CLASS_SHARE);
    const prepaid = cls === 'residential' ? r() < 0.3 : cls === 'commercial' ? r() < 0.12 : false;
    const bank = !prepaid && r() < (cls === 'residential' ? 0.38 : 0.55) ? pick(r, BANKS) : null;
    const opened = 2008 + Math.floor(r() * 18);
    customers.push({
      id: `${county.code.slice(2)}${String(n).padStart(6, '0')}`,
      name: maskedName(r, cls, county.name),
      countyCode: county.code,
      cls,
      industry: weighted(r, INDUSTRIES[cls]),
      keyAccount: cls === 'large_key' || (cls === 'industrial' && r() < 0.2),
      prepaid,
      bank,
      openedOn: `${opened}-${pad(1 + Math.floor(r() * 12))}-${pad(1 + Math.floor(r() * 28))}`,
      base: Math.round(logNormal(r, MEDIAN_YUAN[cls] * 100, cls === 'residential' ? 0.6 : 0.8)),
      chronic: r() < CHRONIC_SHARE[cls],
    });
  }
  customerCache.clear();
  customerCache.set(key, customers);
  return customers;
}

// ---- bills -------------------------------------------------------------------------------------------------

/** Summer (air conditioning in the south) and winter (heating in the north-east) months bill more. */
export const SEASON = [1.15, 1.12, 1.0, 0.92, 0.92, 1.02, 1.12, 1.14, 1.0, 0.92, 0.96, 1.1];

const PAY_CHANNELS: Record<CustomerClass, (readonly [PaymentChannel, number])[]> = {
  residential: [
    ['wechat', 0.36],
    ['alipay', 0.24],
    ['app', 0.26],
    ['counter', 0.14],
  ],
  commercial: [
    ['app', 0.34],
    ['wechat', 0.22],
    ['alipay', 0.14],
    ['counter', 0.3],
  ],
  industrial: [
    ['counter', 0.7],
    ['app', 0.3],
  ],
  large_key: [
    ['counter', 0.85],
    ['app', 0.15],
  ],
};

/** A time of day during opening hours (08:00–22:00 for online channels, 08:30–17:30 at the counter). */
function dayTime(r: Rng, dayStart: number, channel: PaymentChannel): number {
  const [from, span] = channel === 'counter' ? [8.5, 9] : [8, 14];
  return seconds(dayStart + (from + r() * span) * HOUR);
}

/** Day offset (from the run) of a payment made by hand: most before the due date, a tail aged 30/60/90+ days. */
function payDay(r: Rng, cls: CustomerClass): number {
  const u = r();
  const onTime = cls === 'large_key' ? 0.93 : cls === 'residential' ? 0.86 : 0.83;
  if (u < onTime) return Math.floor(Math.pow(r(), 1.4) * (DUE_DAYS + 1));
  if (u < onTime + 0.09) return DUE_DAYS + 1 + Math.floor(r() * 15);
  if (u < onTime + 0.125) return DUE_DAYS + 16 + Math.floor(r() * 30);
  return DUE_DAYS + 46 + Math.floor(r() * 90);
}

export interface BillingPlanOptions {
  seed: number;
  tz: string;
  customers: number;
}

/** Every customer's bill of one consumption month, with its whole fate (events far in the future included). */
export function planBillingMonth(opts: BillingPlanOptions, billMonth: string): SimBill[] {
  const run = billingRun(billMonth, opts.tz);
  const monthIndex = Number(billMonth.slice(5, 7)) - 1;
  const runDay0 = run.issuedAt - 2 * HOUR;
  return planCustomers(opts.seed, opts.customers).map((c) => planBill(opts, c, run, runDay0, SEASON[monthIndex]!));
}

/** The bill of the `index`-th customer (planCustomers order) in a consumption month: planBillingMonth's, alone. */
export function planCustomerBill(opts: BillingPlanOptions, billMonth: string, index: number): SimBill {
  const run = billingRun(billMonth, opts.tz);
  const c = planCustomers(opts.seed, opts.customers)[index];
  if (!c) throw new Error(`no customer #${index}`);
  return planBill(opts, c, run, run.issuedAt - 2 * HOUR, SEASON[Number(billMonth.slice(5, 7)) - 1]!);
}

function planBill(opts: BillingPlanOptions, c: SimCustomer, run: BillingRun, runDay0: number, season: number): SimBill {
  const r = rng(seedOf(opts.seed, 'billing', 'bill', c.id, run.billMonth));
  const billId = `${run.billMonth.replace('-', '')}${c.id}`;
  const cents = Math.max(100, Math.round(c.base * season * (0.8 + 0.4 * r())));
  const payments: SimPayment[] = [];
  let settledAt: number | null = null;
  let debitTried = 0;

  if (c.bank) {
    // Debit batches on day 3 and day 8 after the run, early in the morning.
    for (const d of [3, 8]) {
      const at = seconds(runDay0 + d * DAY + (6 + r() * 2) * HOUR);
      const failed = r() < BANK_FAILURE_RATE[c.bank] * (c.chronic ? 6 : 1);
      payments.push({
        paymentId: `P${billId}${payments.length + 1}`,
        billId,
        customerId: c.id,
        cents,
        paidAt: at,
        channel: 'bank_debit',
        bank: c.bank,
        result: failed ? 'failed' : 'success',
        failureReason: failed ? weighted(r, FAILURE_REASONS) : '',
      });
      debitTried = d + 1;
      if (!failed) {
        settledAt = at;
        break;
      }
    }
  }
  // A chronic debtor pays nothing; now and then one settles after months.
  const paysByHand = settledAt === null && (!c.chronic || r() < 0.08);
  if (paysByHand) {
    const d = c.chronic ? 120 + Math.floor(r() * 60) : Math.max(debitTried, payDay(r, c.cls));
    const channel = weighted(r, PAY_CHANNELS[c.cls]);
    settledAt = dayTime(r, runDay0 + d * DAY, channel);
    payments.push({
      paymentId: `P${billId}${payments.length + 1}`,
      billId,
      customerId: c.id,
      cents,
      paidAt: settledAt,
      channel,
      bank: '',
      result: 'success',
      failureReason: '',
    });
  }

  // Dunning (催费) after the due date while unpaid: SMS or WeChat the next day, a call after 10 days, a visit
  // with the disconnection notice (停电通知书) after 20.
  const dunnings: SimDunning[] = [];
  const steps: [number, DunningChannel][] = [
    [0, r() < 0.7 ? 'sms' : 'wechat'],
    [9, 'phone'],
    [19, 'onsite'],
  ];
  const dueDay0 = run.dueEnd;
  for (const [n, channel] of steps) {
    const at = seconds(dueDay0 + n * DAY + (9 + r() * 8) * HOUR);
    if (settledAt !== null && settledAt <= at) break;
    dunnings.push({ dunningId: `D${billId}${dunnings.length + 1}`, customerId: c.id, billId, dunnedAt: at, channel, cents });
  }

  // Disconnection for arrears (欠费停电): at least 7 days after the notice (now and then sooner: a breach the
  // wall warns about); reconnection after payment mostly within hours, sometimes later than the 24 h limit.
  let disconnection: SimDisconnection | null = null;
  const notice = dunnings[2];
  if (notice && !c.chronic && c.cls !== 'large_key') {
    const days = r() < 0.03 ? 4 + Math.floor(r() * 3) : 7 + Math.floor(r() * 4);
    const disconnectedAt = seconds(startOfDay(notice.dunnedAt, opts.tz) + days * DAY + (9 + r() * 7) * HOUR);
    if (settledAt === null || settledAt > disconnectedAt) {
      const late = r() < 0.06;
      const delay = late ? (25 + r() * 30) * HOUR : Math.min(22 * HOUR, logNormal(r, 2.5 * HOUR, 0.8));
      disconnection = {
        disconnectionId: `T${billId}`,
        customerId: c.id,
        noticeAt: notice.dunnedAt,
        disconnectedAt,
        paidAt: settledAt,
        reconnectedAt: settledAt === null ? null : seconds(settledAt + delay),
      };
    }
  }

  return {
    billId,
    customerId: c.id,
    billMonth: run.billMonth,
    cents,
    issuedAt: run.issuedAt,
    dueDate: run.dueDate,
    dueEnd: run.dueEnd,
    settledAt,
    payments,
    dunnings,
    disconnection,
  };
}

function startOfDay(ms: number, tz: string): number {
  return parseLocal(`${formatLocal(ms, tz).slice(0, 10)} 00:00:00`, tz)!;
}

/** The last instant anything happens to a bill (its latest payment, dunning or reconnection). */
export function lastEventOf(b: SimBill): number {
  let last = b.issuedAt;
  for (const p of b.payments) last = Math.max(last, p.paidAt);
  for (const d of b.dunnings) last = Math.max(last, d.dunnedAt);
  const t = b.disconnection;
  if (t) last = Math.max(last, t.disconnectedAt, t.reconnectedAt ?? 0);
  return last;
}
