import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import smpp from 'smpp';
import { demoChannelConfigs, startReceivers, type Receivers } from '@/etl/simulator/receivers';
import { DRIVERS, driverFor } from '@/server/notify/channels';
import { smsSegments, splitSms, truncateUtf8, utf8Bytes } from '@/server/notify/channels/format';
import { CHANNEL_KINDS, type ChannelKind, type OutgoingMessage, type SendContext } from '@/server/notify/types';

// Every driver against its local receiver on 127.0.0.1, with a fake clock for the timestamp and rate windows.

let clock = Math.floor(Date.now() / 60_000) * 60_000;
const now = () => clock;
const ctx = (): SendContext => ({ now, signal: AbortSignal.timeout(10_000) });
let r: Receivers;
const cfg = (kind: ChannelKind, patch: Record<string, unknown> = {}) => {
  const c = demoChannelConfigs(r).find((x) => x.kind === kind)!;
  return DRIVERS[kind].configSchema.parse({ ...c.config, ...patch });
};

const msg = (over: Partial<OutgoingMessage> = {}): OutgoingMessage => ({
  id: `n-${Math.random().toString(36).slice(2, 10)}`,
  severity: 'red',
  title: '【红色预警】昆明市 3 个营业厅排队超时',
  lines: [
    '10:05 五华区营业厅 排队 42 人，超时 18 分钟',
    '10:06 盘龙区营业厅 排队 37 人，超时 12 分钟',
    '10:07 官渡区营业厅 排队 35 人，超时 11 分钟',
  ],
  ackUrl: 'https://yx.example/a/abc123',
  recipient: { username: 'zhangsan', displayName: '张三', mobile: '13800138000', email: 'zhangsan@yn.csg.local' },
  at: clock,
  ...over,
});
const longMsg = () => msg({ lines: Array.from({ length: 400 }, (_, i) => `${i} 号营业厅排队超时，请值班人员立即处理并在系统中确认`) });
const send = (kind: ChannelKind, m = msg(), patch: Record<string, unknown> = {}) => driverFor(kind).send(cfg(kind, patch), m, ctx());

beforeAll(async () => {
  r = await startReceivers({ now, limits: { sms: { perMobileMinute: 3, perMobileHour: 10 }, smpp: { perSecond: 20 } } });
});
afterAll(async () => {
  await r?.close();
});
beforeEach(() => {
  clock += 3_600_000; // a fresh hour: empty rate windows
  r.reset();
});

describe('format', () => {
  it('truncates on a character boundary within the byte limit', () => {
    const s = '预警'.repeat(1000);
    const t = truncateUtf8(s, 2048);
    expect(utf8Bytes(t)).toBeLessThanOrEqual(2048);
    expect(t.endsWith('…')).toBe(true);
    expect(t).not.toContain('\uFFFD');
    expect(truncateUtf8('短', 10)).toBe('短');
  });
  it('counts SMS segments 70 single / 67 per part', () => {
    expect(smsSegments('字'.repeat(70))).toBe(1);
    expect(smsSegments('字'.repeat(71))).toBe(2);
    expect(smsSegments('字'.repeat(134))).toBe(2);
    expect(smsSegments('字'.repeat(135))).toBe(3);
    expect(splitSms('字'.repeat(135)).map((p) => p.length)).toEqual([67, 67, 1]);
  });
  it('has a driver for every kind and the demo configs parse', () => {
    for (const k of CHANNEL_KINDS) expect(driverFor(k).kind).toBe(k);
    for (const c of demoChannelConfigs(r)) expect(() => DRIVERS[c.kind].configSchema.parse(c.config)).not.toThrow();
  });
});

describe('wecom', () => {
  it('delivers markdown, and text with the mobile mentioned, truncated under the byte limits', async () => {
    expect((await send('wecom')).outcome).toBe('sent');
    const [m] = r.received('wecom');
    expect(m?.text).toContain('昆明市');
    expect(m?.raw).toMatchObject({ msgtype: 'markdown' });
    expect(await send('wecom', longMsg(), { format: 'text' })).toMatchObject({ outcome: 'sent' });
    const t = r.received('wecom')[1]!;
    expect(t.mentions).toEqual(['13800138000']);
    expect(t.bytes).toBeLessThanOrEqual(2048);
    expect(t.bytes).toBeGreaterThan(1900);
    expect(t.text).toContain('另有');
    expect((await send('wecom', longMsg())).outcome).toBe('sent');
    expect(r.received('wecom')[2]!.bytes).toBeLessThanOrEqual(4096);
  });
  it('refuses a wrong key (93000) → rejected', async () => {
    const res = await send('wecom', msg(), { key: 'nope' });
    expect(res.outcome).toBe('rejected');
    expect(res.detail).toContain('93000');
  });
  it('throttles the 21st message in a minute until the minute ends', async () => {
    clock = Math.floor(clock / 60_000) * 60_000 + 10_000;
    for (let i = 0; i < 20; i++) expect((await send('wecom')).outcome).toBe('sent');
    const res = await send('wecom');
    expect(res).toMatchObject({ outcome: 'throttled', retryAfterMs: 50_000 });
    expect(r.stats().wecom?.refused.rate_limit).toBe(1);
    clock += 60_000;
    expect((await send('wecom')).outcome).toBe('sent');
  });
});

describe('dingtalk', () => {
  it('signs the request and mentions the mobile in the text', async () => {
    expect((await send('dingtalk')).outcome).toBe('sent');
    const m = r.received('dingtalk')[0]!;
    expect(m.mentions).toEqual(['13800138000']);
    expect(m.text).toContain('@13800138000');
    expect(m.title).toBe(msg().title);
  });
  it('refuses a wrong secret (310000) and a stale timestamp', async () => {
    expect(await send('dingtalk', msg(), { secret: 'SECwrong' })).toMatchObject({ outcome: 'rejected' });
    const stale = await driverFor('dingtalk').send(cfg('dingtalk'), msg(), {
      now: () => clock - 2 * 3_600_000,
      signal: AbortSignal.timeout(5000),
    });
    expect(stale.outcome).toBe('rejected');
    expect(stale.detail).toContain('timestamp invalid');
    expect(await send('dingtalk', msg(), { accessToken: 'x' })).toMatchObject({ outcome: 'rejected' });
  });
  it('throttles for 10 minutes after 20 in a minute', async () => {
    expect(driverFor('dingtalk').rateLimit(cfg('dingtalk'))).toEqual({ perMinute: 20, cooldownMs: 600_000 });
    for (let i = 0; i < 20; i++) expect((await send('dingtalk')).outcome).toBe('sent');
    expect(await send('dingtalk')).toMatchObject({ outcome: 'throttled', retryAfterMs: 600_000 });
    clock += 5 * 60_000;
    expect((await send('dingtalk')).outcome).toBe('throttled');
    clock += 5 * 60_000 + 1;
    expect((await send('dingtalk')).outcome).toBe('sent');
  });
});

describe('feishu', () => {
  it('signs (key/data reversed), sends a card and keeps the body under 20 KB', async () => {
    expect((await send('feishu')).outcome).toBe('sent');
    const m = r.received('feishu')[0]!;
    expect(m.title).toBe(msg().title);
    expect(m.raw).toMatchObject({ msg_type: 'interactive' });
    expect((await send('feishu', longMsg())).outcome).toBe('sent');
    expect(JSON.stringify(r.received('feishu')[1]!.raw).length).toBeLessThan(20 * 1024);
  });
  it('refuses a wrong secret (19021)', async () => {
    const res = await send('feishu', msg(), { secret: 'bad' });
    expect(res.outcome).toBe('rejected');
    expect(res.detail).toContain('19021');
  });
  it('limits 5 a second', async () => {
    clock = Math.floor(clock / 1000) * 1000;
    for (let i = 0; i < 5; i++) expect((await send('feishu')).outcome).toBe('sent');
    expect((await send('feishu')).outcome).toBe('throttled');
    clock += 1000;
    expect((await send('feishu')).outcome).toBe('sent');
  });
});

describe('sms (Aliyun SDK, ACS3-HMAC-SHA256)', () => {
  it('sends through the official SDK, renders the template and counts segments', async () => {
    const m = msg();
    const res = await send('sms_aliyun', m);
    expect(res.outcome).toBe('sent');
    const got = r.received('sms_aliyun')[0]!;
    expect(res.receipt).toBe(got.receipt);
    expect(got.mobile).toBe('13800138000');
    expect(got.text).toBe(`【云南电网】红色预警：${m.title}，共3条，请登录处理 https://yx.example/a/abc123`);
    expect(got.segments).toBe(smsSegments(got.text));
    expect((got.raw as { OutId?: string }).OutId).toBe(m.id);
  });
  it('refuses a wrong secret, an unknown key, sign name and template, and a bad mobile', async () => {
    expect(await send('sms_aliyun', msg(), { accessKeySecret: 'wrong' })).toMatchObject({ outcome: 'rejected' });
    expect((await send('sms_aliyun', msg(), { accessKeyId: 'LTAIunknown' })).detail).toContain('InvalidAccessKeyId.NotFound');
    expect((await send('sms_aliyun', msg(), { signName: '别的签名' })).detail).toContain('isv.SMS_SIGNATURE_ILLEGAL');
    expect((await send('sms_aliyun', msg(), { templateCode: 'SMS_1' })).detail).toContain('isv.SMS_TEMPLATE_ILLEGAL');
    const bad = await send('sms_aliyun', msg({ recipient: { username: 'x', displayName: 'x', mobile: '12345' } }));
    expect(bad).toMatchObject({ outcome: 'rejected' });
    expect(bad.detail).toContain('isv.MOBILE_NUMBER_ILLEGAL');
    const stats = r.stats().sms_aliyun!;
    expect(stats.refused.SignatureDoesNotMatch).toBe(1);
    expect(stats.accepted).toBe(0);
  });
  it('refuses a parameter over the template limit', async () => {
    const long = msg({ title: '【红色预警】' + '昆明市营业厅排队超时'.repeat(5) });
    const res = await send('sms_aliyun', long, { titleMaxChars: 60 });
    expect(res).toMatchObject({ outcome: 'rejected' });
    expect(res.detail).toContain('isv.PARAM_LENGTH_LIMIT');
    expect((await send('sms_aliyun', long)).outcome).toBe('sent'); // the driver's default cut fits the template
  });
  it('applies per-number frequency control → throttled', async () => {
    for (let i = 0; i < 3; i++) expect((await send('sms_aliyun')).outcome).toBe('sent');
    const res = await send('sms_aliyun');
    expect(res.outcome).toBe('throttled');
    expect(res.detail).toContain('isv.BUSINESS_LIMIT_CONTROL');
    clock += 60_000;
    expect((await send('sms_aliyun')).outcome).toBe('sent');
  });
});

describe('smpp', () => {
  it('sends a long Chinese message as concatenated UCS-2 parts', async () => {
    const m = msg({ title: '【红色预警】' + '昆明市营业厅排队超时'.repeat(6), ackUrl: 'https://yx.example/a/' + 'x'.repeat(40) });
    const res = await send('smpp', m);
    expect(res.outcome).toBe('sent');
    const got = r.received('smpp')[0]!;
    expect(res.receipt).toBe(got.receipt);
    expect(got.text).toContain('【云南电网】红色预警');
    expect(got.text).toContain('x'.repeat(40));
    expect(got.segments).toBeGreaterThan(1);
    expect(got.segments).toBe(smsSegments(got.text));
  });
  it('refuses a wrong password at bind (ESME_RBINDFAIL) → rejected', async () => {
    const res = await send('smpp', msg(), { password: 'wrong' });
    expect(res.outcome).toBe('rejected');
    expect(res.detail).toContain('0x000d');
    expect(r.stats().smpp?.refused.bind_failed).toBe(1);
  });
  it('throttles over the SMSC rate (ESME_RTHROTTLED)', async () => {
    clock = Math.floor(clock / 1000) * 1000;
    const results = [];
    for (let i = 0; i < 21; i++) results.push((await send('smpp', msg({ title: '短' }))).outcome);
    expect(results.filter((o) => o === 'sent')).toHaveLength(20);
    expect(results[20]).toBe('throttled');
  });
  it('sends a delivery receipt to a transceiver bind', async () => {
    const a = r.accounts.smpp;
    const receipt = await new Promise<string>((resolve, reject) => {
      const s = smpp.connect({ host: r.smpp.host, port: r.smpp.port });
      s.on('error', reject);
      s.on('deliver_sm', (pdu) => {
        s.send(pdu.response());
        s.destroy();
        resolve(String(pdu.receipted_message_id ?? ''));
      });
      s.on('connect', () =>
        s.bind_transceiver({ system_id: a.systemId, password: a.password }, () =>
          s.submit_sm({ destination_addr: '13800138000', short_message: '测试', registered_delivery: 1 }),
        ),
      );
    });
    expect(receipt).toBe(r.received('smpp')[0]!.receipt);
  });
});

describe('email', () => {
  it('delivers over SMTP with AUTH, with subject, bodies and a Message-ID from the id', async () => {
    const m = msg();
    const res = await send('email', m);
    expect(res.outcome).toBe('sent');
    const got = r.received('email')[0]!;
    expect(res.receipt).toBe(got.receipt);
    expect(got.title).toBe(m.title);
    expect(got.text).toContain('五华区营业厅');
    expect(got.recipient).toBe('zhangsan@yn.csg.local');
    const raw = got.raw as { messageId?: string; html?: string };
    expect(raw.messageId).toContain(m.id);
    expect(raw.html).toContain('<li>');
  });
  it('refuses wrong credentials (535) → rejected', async () => {
    const res = await send('email', msg(), { pass: 'wrong' });
    expect(res.outcome).toBe('rejected');
    expect(res.detail).toContain('535');
    expect(r.stats().email?.refused.auth_failed).toBe(1);
  });
});

describe('webhook', () => {
  it('signs, delivers and counts a duplicate by Idempotency-Key', async () => {
    const m = msg();
    expect((await send('webhook', m)).outcome).toBe('sent');
    expect((await send('webhook', m)).outcome).toBe('sent');
    const got = r.received('webhook');
    expect(got).toHaveLength(2);
    expect(got[0]!.raw).toMatchObject({ id: m.id, severity: 'red', title: m.title, lines: m.lines, ackUrl: m.ackUrl });
    expect(got[1]!.duplicate).toBe(true);
    expect(r.stats().webhook).toMatchObject({ accepted: 1, duplicates: 1 });
  });
  it('refuses a wrong secret and a timestamp outside 5 minutes', async () => {
    expect(await send('webhook', msg(), { secret: 'wrong-secret' })).toMatchObject({ outcome: 'rejected' });
    const old = await driverFor('webhook').send(cfg('webhook'), msg(), {
      now: () => clock - 6 * 60_000,
      signal: AbortSignal.timeout(5000),
    });
    expect(old.outcome).toBe('rejected');
    expect(r.stats().webhook?.refused).toEqual({ bad_signature: 1, timestamp: 1 });
  });
  it('reports a network failure as failed', async () => {
    const res = await send('webhook', msg(), { url: 'http://127.0.0.1:9/webhook/demo' });
    expect(res.outcome).toBe('failed');
  });
});

describe('receiver robustness', () => {
  it('answers bad JSON with the service error and keeps running', async () => {
    const post = (path: string, body: string) => fetch(`${r.robotsUrl}${path}`, { method: 'POST', body }).then((x) => x.json());
    expect(await post(`/cgi-bin/webhook/send?key=${r.accounts.wecom.key}`, '{nope')).toMatchObject({ errcode: 40035 });
    expect(await post(`/open-apis/bot/v2/hook/${r.accounts.feishu.hookId}`, '{nope')).toMatchObject({ code: 9499 });
    expect(await post(`/open-apis/bot/v2/hook/${r.accounts.feishu.hookId}`, 'x'.repeat(21 * 1024))).toMatchObject({
      code: 9499,
      msg: 'request body too large',
    });
    expect((await send('wecom')).outcome).toBe('sent');
  });
});
