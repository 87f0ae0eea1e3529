import { createHash, createHmac, randomInt, randomUUID, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ReceiverStore, WindowCounter, smsSegments, utf8Bytes } from './store';

// One local HTTP server standing in for the HTTP services: WeCom and DingTalk and Feishu robots, the Aliyun SMS
// API and the generic signed webhook, each on the path the real service uses and checking what it checks
// (keys, signatures, timestamps, size limits, frequency limits) with the answers it gives.

export interface RobotAccounts {
  wecom: { key: string };
  dingtalk: { accessToken: string; secret: string };
  feishu: { hookId: string; secret: string };
  sms: {
    accessKeyId: string;
    accessKeySecret: string;
    signNames: string[];
    /** Template code → content with ${var} placeholders (without the 【sign】) and per-variable length limits. */
    templates: Record<string, { content: string; maxParamChars: Record<string, number> }>;
  };
  webhook: { name: string; secret: string };
}

export interface RobotLimits {
  wecom: { perMinute: number };
  dingtalk: { perMinute: number; cooldownMs: number };
  feishu: { perSecond: number; perMinute: number };
  /** Aliyun's per-number frequency control, per template. */
  sms: { perMobileMinute: number; perMobileHour: number; perMobileDay: number };
  webhook: { perMinute: number };
}

export const DEFAULT_ROBOT_LIMITS: RobotLimits = {
  wecom: { perMinute: 20 },
  dingtalk: { perMinute: 20, cooldownMs: 600_000 },
  feishu: { perSecond: 5, perMinute: 100 },
  sms: { perMobileMinute: 1, perMobileHour: 5, perMobileDay: 10 },
  webhook: { perMinute: 600 },
};

export const SMS_ALERT_TEMPLATE = '${severity}预警：${title}，共${count}条，请登录处理 ${link}';

const MAX_BODY = 1024 * 1024;
const FEISHU_MAX_BODY = 20 * 1024;

export interface RobotsServer {
  url: string;
  server: Server;
  close(): Promise<void>;
  resetLimits(): void;
}

export async function startRobots(opts: {
  host: string;
  port: number;
  now: () => number;
  /** The Aliyun SDK stamps x-acs-date from the real clock, so its 15-minute check uses this (default Date.now). */
  wallClock?: () => number;
  accounts: RobotAccounts;
  limits: RobotLimits;
  store: ReceiverStore;
}): Promise<RobotsServer> {
  const { now, accounts, limits, store } = opts;
  const perMinute = new WindowCounter(60_000);
  const perSecond = new WindowCounter(1000);
  const perHour = new WindowCounter(3_600_000);
  const perDay = new WindowCounter(86_400_000);
  const dingBlockedUntil = new Map<string, number>();
  const smsNonces = new Map<string, number>();
  const webhookSeen = new Set<string>();
  let seq = 0;

  const send = (res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) => {
    if (res.headersSent) return;
    const raw = JSON.stringify(body);
    res.writeHead(status, { 'content-type': 'application/json;charset=utf-8', 'content-length': Buffer.byteLength(raw), ...headers });
    res.end(raw);
  };

  const readBody = (req: IncomingMessage, limit: number): Promise<{ buf: Buffer; tooLarge: boolean }> =>
    new Promise((resolve, reject) => {
      const chunks: Buffer[] = [];
      let size = 0;
      let tooLarge = false;
      req.on('data', (c: Buffer) => {
        size += c.length;
        if (size > limit) tooLarge = true;
        else chunks.push(c);
      });
      req.on('end', () => resolve({ buf: Buffer.concat(chunks), tooLarge }));
      req.on('error', reject);
    });

  const parseJson = (buf: Buffer): Record<string, unknown> | undefined => {
    try {
      const v: unknown = JSON.parse(buf.toString('utf8'));
      return v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
    } catch {
      return undefined;
    }
  };
  const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);
  const obj = (v: unknown): Record<string, unknown> =>
    v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : {};
  const safeEq = (a: string, b: string) => {
    const x = Buffer.from(a);
    const y = Buffer.from(b);
    return x.length === y.length && timingSafeEqual(x, y);
  };

  // ---- 企业微信群机器人 -------------------------------------------------------------------------------------
  async function wecom(req: IncomingMessage, res: ServerResponse, q: URLSearchParams) {
    const key = q.get('key') ?? '';
    const { buf } = await readBody(req, MAX_BODY);
    const refuse = (errcode: number, errmsg: string, reason: string) => {
      store.refuse('wecom', reason);
      send(res, 200, { errcode, errmsg });
    };
    if (!safeEq(key, accounts.wecom.key)) return refuse(93000, 'invalid webhook url, hint: [wecom simulator]', 'invalid_key');
    const body = parseJson(buf);
    if (!body) return refuse(40035, 'invalid json request', 'bad_json');
    const msgtype = str(body.msgtype);
    let text: string | undefined;
    let mentions: string[] = [];
    if (msgtype === 'text') {
      const t = obj(body.text);
      text = str(t.content);
      if (text !== undefined && utf8Bytes(text) > 2048) return refuse(40058, 'content exceed max length 2048', 'too_long');
      mentions = Array.isArray(t.mentioned_mobile_list) ? t.mentioned_mobile_list.filter((m): m is string => typeof m === 'string') : [];
    } else if (msgtype === 'markdown') {
      text = str(obj(body.markdown).content);
      if (text !== undefined && utf8Bytes(text) > 4096) return refuse(40058, 'markdown.content exceed max length 4096', 'too_long');
    } else return refuse(40008, 'invalid message type', 'bad_msgtype');
    if (!text) return refuse(44004, 'empty content', 'empty');
    if (perMinute.hit(`wecom:${key}`, now()) > limits.wecom.perMinute) return refuse(45009, 'api freq out of limit', 'rate_limit');
    store.accept({
      kind: 'wecom',
      account: key,
      mentions,
      title: text.split('\n')[0],
      text,
      bytes: utf8Bytes(text),
      at: now(),
      raw: body,
    });
    send(res, 200, { errcode: 0, errmsg: 'ok' });
  }

  // ---- 钉钉自定义机器人（加签） ------------------------------------------------------------------------------
  async function dingtalk(req: IncomingMessage, res: ServerResponse, q: URLSearchParams) {
    const token = q.get('access_token') ?? '';
    const { buf } = await readBody(req, MAX_BODY);
    const refuse = (errcode: number, errmsg: string, reason: string) => {
      store.refuse('dingtalk', reason);
      send(res, 200, { errcode, errmsg });
    };
    if (!safeEq(token, accounts.dingtalk.accessToken)) return refuse(300001, 'token is not exist', 'invalid_token');
    const ts = Number(q.get('timestamp'));
    const sign = q.get('sign') ?? '';
    if (!Number.isFinite(ts) || Math.abs(now() - ts) > 3_600_000) return refuse(310000, 'timestamp invalid', 'timestamp');
    const expected = createHmac('sha256', accounts.dingtalk.secret).update(`${ts}\n${accounts.dingtalk.secret}`).digest('base64');
    if (!safeEq(sign, expected)) return refuse(310000, 'sign not match', 'bad_sign');
    const t = now();
    if ((dingBlockedUntil.get(token) ?? 0) > t) return refuse(130101, 'send too fast, exceed 20 times per minute', 'rate_limit');
    if (perMinute.hit(`dingtalk:${token}`, t) > limits.dingtalk.perMinute) {
      dingBlockedUntil.set(token, t + limits.dingtalk.cooldownMs);
      return refuse(130101, 'send too fast, exceed 20 times per minute', 'rate_limit');
    }
    const body = parseJson(buf);
    if (!body) return refuse(40035, '缺少参数 json', 'bad_json');
    const msgtype = str(body.msgtype);
    let title: string | undefined;
    let text: string | undefined;
    if (msgtype === 'markdown') {
      const m = obj(body.markdown);
      title = str(m.title);
      text = str(m.text);
      if (!title || !text) return refuse(40035, '缺少参数 markdown.title/text', 'missing_param');
    } else if (msgtype === 'text') {
      text = str(obj(body.text).content);
      if (!text) return refuse(40035, '缺少参数 text.content', 'missing_param');
    } else return refuse(40035, '缺少参数 msgtype', 'bad_msgtype');
    if (utf8Bytes(text) > 20_000) return refuse(460101, 'message too long, exceed 20000 bytes', 'too_long');
    const at = obj(body.at);
    const atMobiles = Array.isArray(at.atMobiles) ? at.atMobiles.filter((m): m is string => typeof m === 'string') : [];
    // A mobile in atMobiles only notifies when the text itself carries `@mobile`.
    const mentions = atMobiles.filter((m) => text.includes(`@${m}`));
    store.accept({ kind: 'dingtalk', account: token, mentions, title, text, bytes: utf8Bytes(text), at: t, raw: body });
    send(res, 200, { errcode: 0, errmsg: 'ok' });
  }

  // ---- 飞书自定义机器人（签名校验） ---------------------------------------------------------------------------
  async function feishu(req: IncomingMessage, res: ServerResponse, hookId: string) {
    const { buf, tooLarge } = await readBody(req, FEISHU_MAX_BODY);
    const refuse = (status: number, code: number, msg: string, reason: string) => {
      store.refuse('feishu', reason);
      send(res, status, { code, msg, data: {} });
    };
    if (tooLarge) return refuse(400, 9499, 'request body too large', 'too_large');
    if (!safeEq(hookId, accounts.feishu.hookId))
      return refuse(200, 19001, 'param invalid: incoming webhook access token invalid', 'invalid_hook');
    const body = parseJson(buf);
    if (!body) return refuse(400, 9499, 'Bad Request', 'bad_json');
    const ts = str(body.timestamp) ?? (typeof body.timestamp === 'number' ? String(body.timestamp) : '');
    const sign = str(body.sign) ?? '';
    const expected = createHmac('sha256', `${ts}\n${accounts.feishu.secret}`).update('').digest('base64');
    const tsNum = Number(ts);
    if (!ts || !Number.isFinite(tsNum) || Math.abs(now() / 1000 - tsNum) > 3600 || !safeEq(sign, expected)) {
      return refuse(200, 19021, 'sign match fail or timestamp is not within one hour from current time', 'bad_sign');
    }
    const t = now();
    const s = perSecond.hit(`feishu:${hookId}`, t);
    const m = perMinute.hit(`feishu:${hookId}`, t);
    if (s > limits.feishu.perSecond || m > limits.feishu.perMinute) return refuse(200, 11232, 'frequency limited', 'rate_limit');
    const msgType = str(body.msg_type);
    let title: string | undefined;
    let text: string | undefined;
    if (msgType === 'text') {
      text = str(obj(body.content).text);
    } else if (msgType === 'interactive') {
      const card = obj(body.card);
      title = str(obj(obj(card.header).title).content);
      const elements = Array.isArray(card.elements) ? card.elements : [];
      text = elements
        .map((e) => str(obj(obj(e).text).content))
        .filter((x): x is string => !!x)
        .join('\n');
    } else if (msgType === 'post' || msgType === 'image' || msgType === 'share_chat') {
      text = JSON.stringify(body.content ?? {});
    } else return refuse(400, 9499, 'Bad Request: msg_type', 'bad_msgtype');
    if (!text) return refuse(400, 9499, 'Bad Request: empty content', 'empty');
    store.accept({ kind: 'feishu', account: hookId, title: title ?? text.split('\n')[0], text, bytes: utf8Bytes(text), at: t, raw: body });
    send(res, 200, { code: 0, msg: 'success', data: {}, StatusCode: 0, StatusMessage: 'success' });
  }

  // ---- 阿里云短信 SendSms (ACS3-HMAC-SHA256) ------------------------------------------------------------------
  async function sms(req: IncomingMessage, res: ServerResponse, rawQuery: string, pathname: string) {
    const { buf } = await readBody(req, MAX_BODY);
    const requestId = randomUUID().toUpperCase();
    const fail = (status: number, code: string, message: string) => {
      store.refuse('sms_aliyun', code);
      send(res, status, {
        RequestId: requestId,
        Code: code,
        Message: message,
        HostId: 'dysmsapi.aliyuncs.com',
        Recommend: 'local simulator',
      });
    };
    const isv = (code: string, message: string) => {
      store.refuse('sms_aliyun', code);
      send(res, 200, { RequestId: requestId, Code: code, Message: message });
    };
    const h = req.headers;
    const auth = String(h.authorization ?? '');
    const m = auth.match(/^ACS3-HMAC-SHA256 Credential=([^,]+),SignedHeaders=([^,]+),Signature=([0-9a-f]+)$/);
    if (!m) return fail(400, 'IncompleteSignature', 'The request signature does not conform to Aliyun standards.');
    const [, akId = '', signedList = '', signature = ''] = m;
    if (!safeEq(akId, accounts.sms.accessKeyId)) return fail(404, 'InvalidAccessKeyId.NotFound', 'Specified access key is not found.');
    const signed = signedList.split(';');
    for (const need of ['host', 'x-acs-action', 'x-acs-content-sha256', 'x-acs-date', 'x-acs-signature-nonce', 'x-acs-version']) {
      if (!signed.includes(need)) return fail(400, 'IncompleteSignature', `The header ${need} is not signed.`);
    }
    const payloadHash = createHash('sha256').update(buf).digest('hex');
    if (String(h['x-acs-content-sha256'] ?? '') !== payloadHash) {
      return fail(400, 'SignatureDoesNotMatch', 'The request body hash does not match x-acs-content-sha256.');
    }
    // Canonical query: decoded pairs, sorted by name, values re-encoded the Aliyun way (RFC 3986).
    const params: Record<string, string> = {};
    for (const pair of rawQuery ? rawQuery.split('&') : []) {
      if (!pair) continue;
      const i = pair.indexOf('=');
      const dec = (s: string) => {
        try {
          return decodeURIComponent(s.replace(/\+/g, ' '));
        } catch {
          return s;
        }
      };
      params[dec(i < 0 ? pair : pair.slice(0, i))] = dec(i < 0 ? '' : pair.slice(i + 1));
    }
    const enc = (s: string) => encodeURIComponent(s).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
    const canonicalQuery = Object.keys(params)
      .sort()
      .map((k) => `${k}=${enc(params[k] ?? '')}`)
      .join('&');
    const canonicalHeaders = signed.map((name) => `${name}:${String(h[name] ?? '').trim()}\n`).join('');
    const canonicalRequest = [req.method, pathname, canonicalQuery, canonicalHeaders, signed.join(';'), payloadHash].join('\n');
    const stringToSign = `ACS3-HMAC-SHA256\n${createHash('sha256').update(canonicalRequest).digest('hex')}`;
    const expected = createHmac('sha256', accounts.sms.accessKeySecret).update(stringToSign).digest('hex');
    if (!safeEq(signature, expected)) {
      return fail(
        400,
        'SignatureDoesNotMatch',
        `Specified signature is not matched with our calculation. server string to sign is:${stringToSign}`,
      );
    }
    const wall = (opts.wallClock ?? Date.now)();
    const date = Date.parse(String(h['x-acs-date'] ?? ''));
    if (!Number.isFinite(date) || Math.abs(wall - date) > 15 * 60_000)
      return fail(400, 'InvalidTimeStamp.Expired', 'Specified time stamp or date value is expired.');
    const nonce = String(h['x-acs-signature-nonce'] ?? '');
    for (const [n, seen] of smsNonces) if (wall - seen > 15 * 60_000) smsNonces.delete(n);
    if (smsNonces.has(nonce)) return fail(400, 'SignatureNonceUsed', 'Specified signature nonce was used already.');
    smsNonces.set(nonce, wall);
    const t = now();
    if (h['x-acs-action'] !== 'SendSms')
      return fail(404, 'InvalidAction.NotFound', `Specified api is not found, please check your url and method.`);
    if (h['x-acs-version'] !== '2017-05-25') return fail(400, 'InvalidVersion', 'Specified parameter Version is not valid.');

    const phones = params.PhoneNumbers ?? '';
    const signName = params.SignName ?? '';
    const templateCode = params.TemplateCode ?? '';
    if (!phones) return fail(400, 'MissingPhoneNumbers', 'PhoneNumbers is mandatory for this action.');
    if (!signName) return fail(400, 'MissingSignName', 'SignName is mandatory for this action.');
    if (!templateCode) return fail(400, 'MissingTemplateCode', 'TemplateCode is mandatory for this action.');
    if (!accounts.sms.signNames.includes(signName)) return isv('isv.SMS_SIGNATURE_ILLEGAL', '该账号下找不到对应签名');
    const template = accounts.sms.templates[templateCode];
    if (!template) return isv('isv.SMS_TEMPLATE_ILLEGAL', '该账号下找不到对应模板');
    const mobiles = phones.split(',').map((p) => p.trim());
    if (mobiles.length > 1000 || mobiles.some((p) => !/^(?:\+?86)?1[3-9]\d{9}$/.test(p)))
      return isv('isv.MOBILE_NUMBER_ILLEGAL', '非法手机号');
    let vars: Record<string, unknown> = {};
    if (params.TemplateParam) {
      try {
        vars = obj(JSON.parse(params.TemplateParam));
      } catch {
        return isv('isv.INVALID_JSON_PARAM', 'JSON参数不合法，只接受字符串值');
      }
    }
    const names = [...template.content.matchAll(/\$\{(\w+)\}/g)].map((x) => x[1] ?? '');
    for (const n of names) {
      const v = vars[n];
      if (v === undefined || v === null || (typeof v !== 'string' && typeof v !== 'number'))
        return isv('isv.TEMPLATE_MISSING_PARAMETERS', `模板变量缺少对应参数值: ${n}`);
      const limit = template.maxParamChars[n] ?? 35;
      if (String(v).length > limit) return isv('isv.PARAM_LENGTH_LIMIT', `参数超出长度限制: ${n}`);
    }
    for (const mobile of mobiles) {
      const key = `${mobile.replace(/^\+?86/, '')}:${templateCode}`;
      const L = limits.sms;
      if (perMinute.count(key, t) >= L.perMobileMinute)
        return isv('isv.BUSINESS_LIMIT_CONTROL', `触发分钟级流控Permits:${L.perMobileMinute}`);
      if (perHour.count(key, t) >= L.perMobileHour) return isv('isv.BUSINESS_LIMIT_CONTROL', `触发小时级流控Permits:${L.perMobileHour}`);
      if (perDay.count(key, t) >= L.perMobileDay) return isv('isv.BUSINESS_LIMIT_CONTROL', `触发天级流控Permits:${L.perMobileDay}`);
    }
    const text = `【${signName}】${template.content.replace(/\$\{(\w+)\}/g, (_, n: string) => String(vars[n] ?? ''))}`;
    const bizId = `${randomInt(100000, 999999)}${String(t).slice(-10)}^${++seq}`;
    for (const mobile of mobiles) {
      const key = `${mobile.replace(/^\+?86/, '')}:${templateCode}`;
      perMinute.hit(key, t);
      perHour.hit(key, t);
      perDay.hit(key, t);
      store.accept({
        kind: 'sms_aliyun',
        account: akId,
        mobile,
        recipient: mobile,
        title: typeof vars.title === 'string' ? vars.title : undefined,
        text,
        bytes: utf8Bytes(text),
        segments: smsSegments(text),
        at: t,
        receipt: bizId,
        raw: { ...params, outId: params.OutId },
      });
    }
    send(res, 200, { Code: 'OK', Message: 'OK', BizId: bizId, RequestId: requestId });
  }

  // ---- generic signed webhook -------------------------------------------------------------------------------
  async function webhook(req: IncomingMessage, res: ServerResponse, name: string) {
    const { buf, tooLarge } = await readBody(req, MAX_BODY);
    const refuse = (status: number, error: string, reason: string, headers: Record<string, string> = {}) => {
      store.refuse('webhook', reason);
      send(res, status, { ok: false, error }, headers);
    };
    if (!safeEq(name, accounts.webhook.name)) return refuse(404, 'unknown endpoint', 'unknown_endpoint');
    if (tooLarge) return refuse(413, 'payload too large', 'too_large');
    const tsRaw = String(req.headers['x-yingxiao-timestamp'] ?? '');
    const sig = String(req.headers['x-yingxiao-signature'] ?? '');
    const ts = Number(tsRaw);
    if (!/^\d+$/.test(tsRaw) || Math.abs(now() / 1000 - ts) > 300) return refuse(401, 'timestamp outside tolerance', 'timestamp');
    const expected = `v1=${createHmac('sha256', accounts.webhook.secret).update(`${tsRaw}.`).update(buf).digest('hex')}`;
    if (!safeEq(sig, expected)) return refuse(401, 'invalid signature', 'bad_signature');
    const body = parseJson(buf);
    if (!body) return refuse(400, 'invalid json', 'bad_json');
    const t = now();
    if (perMinute.hit(`webhook:${name}`, t) > limits.webhook.perMinute) {
      return refuse(429, 'too many requests', 'rate_limit', { 'retry-after': String(Math.ceil((60_000 - (t % 60_000)) / 1000)) });
    }
    const key = String(req.headers['idempotency-key'] ?? '');
    const duplicate = key !== '' && webhookSeen.has(key);
    if (key) webhookSeen.add(key);
    const recipient = obj(body.recipient);
    const lines = Array.isArray(body.lines) ? body.lines.map(String) : [];
    const text = lines.join('\n');
    store.accept({
      kind: 'webhook',
      account: name,
      recipient: str(recipient.username),
      mobile: str(recipient.mobile),
      title: str(body.title),
      text,
      bytes: buf.length,
      at: t,
      duplicate,
      receipt: key || undefined,
      raw: body,
    });
    send(res, 200, { ok: true, duplicate, receipt: key || undefined });
  }

  const server = createServer((req, res) => {
    const u = new URL(req.url ?? '/', 'http://local');
    const rawQuery = (req.url ?? '').split('?')[1] ?? '';
    const p = u.pathname;
    let handled: Promise<void> | undefined;
    if (req.method !== 'POST') {
      send(res, 405, { error: 'method not allowed' });
      return;
    }
    if (p === '/cgi-bin/webhook/send') handled = wecom(req, res, u.searchParams);
    else if (p === '/robot/send') handled = dingtalk(req, res, u.searchParams);
    else if (p.startsWith('/open-apis/bot/v2/hook/'))
      handled = feishu(req, res, decodeURIComponent(p.slice('/open-apis/bot/v2/hook/'.length)));
    else if (p.startsWith('/webhook/')) handled = webhook(req, res, decodeURIComponent(p.slice('/webhook/'.length)));
    else if (p === '/' && req.headers['x-acs-action']) handled = sms(req, res, rawQuery, p);
    else send(res, 404, { error: 'not found' });
    handled?.catch((e: unknown) => send(res, 500, { error: e instanceof Error ? e.message : String(e) }));
  });
  server.keepAliveTimeout = 1000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port, opts.host, () => resolve());
  });
  const addr = server.address() as AddressInfo;
  const host = addr.family === 'IPv6' ? `[${addr.address}]` : addr.address;
  return {
    url: `http://${host}:${addr.port}`,
    server,
    resetLimits() {
      for (const c of [perMinute, perSecond, perHour, perDay]) c.reset();
      dingBlockedUntil.clear();
      smsNonces.clear();
      webhookSeen.clear();
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
