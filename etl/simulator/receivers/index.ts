import { randomBytes } from 'node:crypto';
import { DEFAULT_ROBOT_LIMITS, SMS_ALERT_TEMPLATE, startRobots, type RobotAccounts, type RobotLimits } from './robots';
import { startSmpp, type SmppAccount } from './smpp';
import { startSmtp, type SmtpAccount } from './smtp';
import { ReceiverStore, type KindStats, type ReceivedMessage, type ReceiverKind } from './store';

// Local stand-ins for every duty-alert delivery service, on 127.0.0.1, for the tests and the demo: one HTTP
// server for the robots, the Aliyun SMS API and the webhook; an SMTP server; an SMPP SMSC.

export type { ReceivedMessage, ReceiverKind, KindStats } from './store';

export interface ReceiverAccounts extends RobotAccounts {
  email: SmtpAccount & { from: string };
  smpp: SmppAccount;
}

export interface ReceiverLimits extends RobotLimits {
  smpp: { perSecond: number };
}

export interface ReceiverOptions {
  host?: string;
  /** 0 (default) = ephemeral. */
  robotsPort?: number;
  smtpPort?: number;
  smppPort?: number;
  now?: () => number;
  accounts?: { [K in keyof ReceiverAccounts]?: Partial<ReceiverAccounts[K]> };
  limits?: { [K in keyof ReceiverLimits]?: Partial<ReceiverLimits[K]> };
  /** SMPP deliver_sm receipts to transceiver binds (default true). */
  deliveryReceipts?: boolean;
}

export interface Receivers {
  robotsUrl: string;
  smtp: { host: string; port: number };
  smpp: { host: string; port: number };
  accounts: ReceiverAccounts;
  limits: ReceiverLimits;
  received(kind?: ReceiverKind): ReceivedMessage[];
  stats(): Partial<Record<ReceiverKind, KindStats>>;
  /** Forgets the messages, counters and rate windows. */
  reset(): void;
  close(): Promise<void>;
}

const token = (n: number) => randomBytes(n).toString('hex');

export const SMS_TEMPLATE_CODE = 'SMS_480215032';

export function defaultAccounts(): ReceiverAccounts {
  return {
    wecom: { key: `${token(4)}-${token(2)}-${token(2)}-${token(2)}-${token(6)}` },
    dingtalk: { accessToken: token(32), secret: `SEC${token(32)}` },
    feishu: { hookId: `${token(4)}-${token(2)}-${token(2)}-${token(2)}-${token(6)}`, secret: token(11) },
    sms: {
      accessKeyId: `LTAI5t${token(9)}`,
      accessKeySecret: token(15),
      signNames: ['云南电网'],
      templates: { [SMS_TEMPLATE_CODE]: { content: SMS_ALERT_TEMPLATE, maxParamChars: { severity: 4, title: 35, count: 6, link: 120 } } },
    },
    webhook: { name: 'demo', secret: token(16) },
    email: { user: 'duty-alerts', pass: token(8), from: '营销监控值班 <duty-alerts@yn.csg.local>' },
    smpp: { systemId: 'ynyx01', password: token(4) },
  };
}

export async function startReceivers(opts: ReceiverOptions = {}): Promise<Receivers> {
  const host = opts.host ?? '127.0.0.1';
  const now = opts.now ?? Date.now;
  const d = defaultAccounts();
  const a = opts.accounts ?? {};
  const accounts: ReceiverAccounts = {
    wecom: { ...d.wecom, ...a.wecom },
    dingtalk: { ...d.dingtalk, ...a.dingtalk },
    feishu: { ...d.feishu, ...a.feishu },
    sms: { ...d.sms, ...a.sms },
    webhook: { ...d.webhook, ...a.webhook },
    email: { ...d.email, ...a.email },
    smpp: { ...d.smpp, ...a.smpp },
  };
  const l = opts.limits ?? {};
  const D = DEFAULT_ROBOT_LIMITS;
  const limits: ReceiverLimits = {
    wecom: { ...D.wecom, ...l.wecom },
    dingtalk: { ...D.dingtalk, ...l.dingtalk },
    feishu: { ...D.feishu, ...l.feishu },
    sms: { ...D.sms, ...l.sms },
    webhook: { ...D.webhook, ...l.webhook },
    smpp: { perSecond: 20, ...l.smpp },
  };
  const store = new ReceiverStore();
  const robots = await startRobots({ host, port: opts.robotsPort ?? 0, now, accounts, limits, store });
  const smtp = await startSmtp({ host, port: opts.smtpPort ?? 0, now, account: accounts.email, store });
  const smsc = await startSmpp({
    host,
    port: opts.smppPort ?? 0,
    now,
    account: accounts.smpp,
    store,
    perSecond: limits.smpp.perSecond,
    deliveryReceipts: opts.deliveryReceipts,
  });
  return {
    robotsUrl: robots.url,
    smtp: { host: smtp.host, port: smtp.port },
    smpp: { host: smsc.host, port: smsc.port },
    accounts,
    limits,
    received: (kind) => store.received(kind),
    stats: () => store.stats(),
    reset() {
      store.reset();
      robots.resetLimits();
      smsc.resetLimits();
    },
    async close() {
      await Promise.all([robots.close(), smtp.close(), smsc.close()]);
    },
  };
}

export interface DemoChannelConfig {
  id: string;
  kind: ReceiverKind;
  name: string;
  config: Record<string, unknown>;
}

/** Channel rows for the demo, pointing at the receivers (shapes match server/notify/channels config schemas). */
export function demoChannelConfigs(r: Pick<Receivers, 'robotsUrl' | 'smtp' | 'smpp' | 'accounts'>): DemoChannelConfig[] {
  const A = r.accounts;
  const smsEndpoint = r.robotsUrl.replace(/^https?:\/\//, '');
  return [
    { id: 'demo-wecom', kind: 'wecom', name: '值班群（企业微信）', config: { url: r.robotsUrl, key: A.wecom.key, format: 'markdown' } },
    {
      id: 'demo-dingtalk',
      kind: 'dingtalk',
      name: '值班群（钉钉）',
      config: { url: r.robotsUrl, accessToken: A.dingtalk.accessToken, secret: A.dingtalk.secret },
    },
    {
      id: 'demo-feishu',
      kind: 'feishu',
      name: '值班群（飞书）',
      config: { url: r.robotsUrl, hookId: A.feishu.hookId, secret: A.feishu.secret, format: 'interactive' },
    },
    {
      id: 'demo-sms',
      kind: 'sms_aliyun',
      name: '短信（阿里云）',
      config: {
        endpoint: smsEndpoint,
        protocol: 'http',
        accessKeyId: A.sms.accessKeyId,
        accessKeySecret: A.sms.accessKeySecret,
        signName: A.sms.signNames[0] ?? '云南电网',
        templateCode: Object.keys(A.sms.templates)[0] ?? SMS_TEMPLATE_CODE,
      },
    },
    {
      id: 'demo-smpp',
      kind: 'smpp',
      name: '短信网关（SMPP）',
      config: { host: r.smpp.host, port: r.smpp.port, systemId: A.smpp.systemId, password: A.smpp.password, sourceAddr: '106575' },
    },
    {
      id: 'demo-email',
      kind: 'email',
      name: '电子邮件',
      config: { host: r.smtp.host, port: r.smtp.port, secure: false, user: A.email.user, pass: A.email.pass, from: A.email.from },
    },
    {
      id: 'demo-webhook',
      kind: 'webhook',
      name: '调度系统 Webhook',
      config: { url: `${r.robotsUrl}/webhook/${A.webhook.name}`, secret: A.webhook.secret },
    },
  ];
}

/** Limits for the demo: an alerting account has its SMS per-number quota raised. */
export const DEMO_LIMITS: ReceiverOptions['limits'] = { sms: { perMobileMinute: 30, perMobileHour: 300, perMobileDay: 2000 } };
