import type * as SmsModule from '@alicloud/dysmsapi20170525';
import { z } from 'zod';
import type { ChannelDriver } from '../types';
import { SEVERITY_ZH, truncateChars } from './format';
import { abortable, errorText } from './http';

// SMS through the Aliyun SMS API (dysmsapi 2017-05-25 SendSms) with the official SDK. The SDK signs every call
// with ACS3-HMAC-SHA256 (Authorization header over a canonical request); `endpoint` + `protocol: 'http'` point it
// at the local receiver in the demo and tests. The template carries ${severity} ${title} ${count} ${link}.

export const smsAliyunConfigSchema = z.object({
  endpoint: z.string().min(1).default('dysmsapi.aliyuncs.com'),
  protocol: z.enum(['https', 'http']).default('https'),
  regionId: z.string().min(1).default('cn-hangzhou'),
  accessKeyId: z.string().min(1),
  accessKeySecret: z.string().min(1),
  signName: z.string().min(1),
  templateCode: z.string().min(1),
  /** Aliyun limits each template variable (35 characters for ordinary variables): the title is cut to fit. */
  titleMaxChars: z.number().int().min(4).max(200).default(35),
  timeoutMs: z.number().int().positive().default(5000),
});
export type SmsAliyunConfig = z.infer<typeof smsAliyunConfigSchema>;

type SmsClient = InstanceType<typeof SmsModule.default>;

// The SDK loads on the first message, not with the module: the web routes read this driver's config schema
// and must not carry the SDK in their bundles (tests/browser/bundle.test.ts).
const sdk = async () => {
  const [Sms, Core] = await Promise.all([import('@alicloud/dysmsapi20170525'), import('@alicloud/openapi-core')]);
  // The package is CommonJS with `exports.default`: under Node's ESM loader the class sits one level deeper.
  const Client = ((Sms.default as unknown as { default?: typeof Sms.default }).default ?? Sms.default) as typeof Sms.default;
  return { Sms, Core, Client };
};

const clients = new Map<string, SmsClient>();
async function clientFor(c: SmsAliyunConfig): Promise<{ client: SmsClient; Sms: typeof SmsModule }> {
  const { Sms, Core, Client } = await sdk();
  const key = JSON.stringify([c.endpoint, c.protocol, c.regionId, c.accessKeyId, c.accessKeySecret, c.timeoutMs]);
  let client = clients.get(key);
  if (!client) {
    client = new Client(
      new Core.$OpenApiUtil.Config({
        accessKeyId: c.accessKeyId,
        accessKeySecret: c.accessKeySecret,
        endpoint: c.endpoint,
        protocol: c.protocol,
        regionId: c.regionId,
        readTimeout: c.timeoutMs,
        connectTimeout: c.timeoutMs,
      }),
    );
    if (clients.size > 50) clients.clear();
    clients.set(key, client);
  }
  return { client, Sms };
}

export const smsAliyunDriver: ChannelDriver<SmsAliyunConfig> = {
  kind: 'sms_aliyun',
  label: { zh: '阿里云短信', en: 'Aliyun SMS' },
  configSchema: smsAliyunConfigSchema as unknown as z.ZodType<SmsAliyunConfig>,
  // Aliyun's own per-number control is 1/min, 5/hour per template unless raised for the account.
  rateLimit: () => ({ perSecond: 50 }),
  needs: 'mobile',
  async send(config, msg, ctx) {
    const mobile = msg.recipient.mobile?.trim();
    if (!mobile) return { outcome: 'rejected', detail: 'recipient has no mobile number' };
    const templateParam = JSON.stringify({
      severity: SEVERITY_ZH[msg.severity],
      title: truncateChars(msg.title, config.titleMaxChars),
      count: String(msg.lines.length),
      link: msg.ackUrl ?? '',
    });
    const { client, Sms } = await clientFor(config);
    const req = new Sms.SendSmsRequest({
      phoneNumbers: mobile,
      signName: config.signName,
      templateCode: config.templateCode,
      templateParam,
      outId: msg.id,
    });
    try {
      const res = await abortable(client.sendSms(req), ctx.signal);
      const b = res.body;
      const code = b?.code ?? '';
      const detail = `aliyun ${code}: ${b?.message ?? ''}${b?.requestId ? ` (RequestId ${b.requestId})` : ''}`;
      if (code === 'OK') return { outcome: 'sent', detail, ...(b?.bizId ? { receipt: b.bizId } : {}) };
      if (code === 'isv.BUSINESS_LIMIT_CONTROL' || code.startsWith('Throttling'))
        return { outcome: 'throttled', detail, retryAfterMs: 60_000 };
      if (code.startsWith('isv.') || code.startsWith('Signature') || code.startsWith('InvalidAccessKeyId'))
        return { outcome: 'rejected', detail };
      return { outcome: 'failed', detail };
    } catch (e) {
      return mapError(e);
    }
  },
};

function mapError(e: unknown): { outcome: 'throttled' | 'failed' | 'rejected'; detail: string; retryAfterMs?: number } {
  const err = e as { code?: unknown; statusCode?: unknown; retryAfter?: unknown };
  const code = typeof err?.code === 'string' ? err.code : '';
  const status = typeof err?.statusCode === 'number' ? err.statusCode : undefined;
  const detail = `aliyun ${code || 'error'}: ${errorText(e)}`;
  if (code.includes('Throttling') || code === 'isv.BUSINESS_LIMIT_CONTROL') {
    const after = typeof err.retryAfter === 'number' && err.retryAfter > 0 ? err.retryAfter : 60_000;
    return { outcome: 'throttled', detail, retryAfterMs: after };
  }
  if (status !== undefined && status >= 400 && status < 500) return { outcome: 'rejected', detail };
  return { outcome: 'failed', detail };
}
