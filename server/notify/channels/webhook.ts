import { createHmac } from 'node:crypto';
import { z } from 'zod';
import type { ChannelDriver } from '../types';
import { byStatus, isResult, postJson, retryAfter } from './http';

// Generic signed webhook for the utility's own systems: POST JSON with
//   X-Yingxiao-Timestamp: <seconds>
//   X-Yingxiao-Signature: v1=<hex HmacSHA256(secret, `${timestamp}.${rawBody}`)>
//   Idempotency-Key: <message id>
// 2xx sent, 429 throttled (Retry-After), other 4xx rejected, 5xx and network failed.

export const webhookConfigSchema = z.object({
  url: z.url({ protocol: /^https?$/ }),
  secret: z.string().min(8),
  perSecond: z.number().int().positive().optional(),
});
export type WebhookConfig = z.infer<typeof webhookConfigSchema>;

export function webhookSignature(secret: string, timestamp: number | string, rawBody: string): string {
  return `v1=${createHmac('sha256', secret).update(`${timestamp}.${rawBody}`).digest('hex')}`;
}

export const webhookDriver: ChannelDriver<WebhookConfig> = {
  kind: 'webhook',
  label: { zh: '通用签名 Webhook', en: 'Signed webhook' },
  configSchema: webhookConfigSchema as z.ZodType<WebhookConfig>,
  rateLimit: (c) => ({ perSecond: c.perSecond ?? 10 }),
  async send(config, msg, ctx) {
    const timestamp = Math.floor(ctx.now() / 1000);
    const raw = JSON.stringify({
      id: msg.id,
      severity: msg.severity,
      title: msg.title,
      lines: msg.lines,
      alertIds: msg.alertIds ?? [],
      ackUrl: msg.ackUrl ?? null,
      recipient: msg.recipient,
      at: msg.at,
    });
    const a = await postJson(config.url, raw, ctx, {
      'x-yingxiao-timestamp': String(timestamp),
      'x-yingxiao-signature': webhookSignature(config.secret, timestamp, raw),
      'idempotency-key': msg.id,
    });
    if (isResult(a)) return a;
    if (a.status >= 200 && a.status < 300) {
      const r = a.json as { receipt?: unknown; id?: unknown } | undefined;
      const receipt = typeof r?.receipt === 'string' ? r.receipt : typeof r?.id === 'string' ? r.id : undefined;
      return { outcome: 'sent', detail: `webhook HTTP ${a.status}`, ...(receipt ? { receipt } : {}) };
    }
    if (a.status === 429) return { outcome: 'throttled', detail: 'webhook HTTP 429', retryAfterMs: retryAfter(a.headers) ?? 60_000 };
    return byStatus(a, 'webhook');
  },
};
