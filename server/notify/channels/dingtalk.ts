import { createHmac } from 'node:crypto';
import { z } from 'zod';
import type { ChannelDriver } from '../types';
import { renderMarkdown, truncateUtf8 } from './format';
import { byStatus, isResult, postJson } from './http';

// 钉钉自定义机器人 with 加签: POST /robot/send?access_token=T&timestamp=MS&sign=S, where
// S = urlencode(base64(HmacSHA256(key = secret, data = `${timestamp}\n${secret}`))). Over 20 messages a minute the
// robot answers 130101 and stays throttled for 10 minutes.

export const DINGTALK_TEXT_MAX_BYTES = 18_000;
export const DINGTALK_COOLDOWN_MS = 600_000;

export const dingtalkConfigSchema = z.object({
  url: z.url({ protocol: /^https?$/ }).default('https://oapi.dingtalk.com'),
  accessToken: z.string().min(1),
  secret: z.string().min(1),
});
export type DingtalkConfig = z.infer<typeof dingtalkConfigSchema>;

export function dingtalkSign(timestamp: number, secret: string): string {
  return createHmac('sha256', secret).update(`${timestamp}\n${secret}`).digest('base64');
}

export const dingtalkDriver: ChannelDriver<DingtalkConfig> = {
  kind: 'dingtalk',
  label: { zh: '钉钉自定义机器人', en: 'DingTalk custom robot' },
  configSchema: dingtalkConfigSchema as z.ZodType<DingtalkConfig>,
  rateLimit: () => ({ perMinute: 20, cooldownMs: DINGTALK_COOLDOWN_MS }),
  async send(config, msg, ctx) {
    const timestamp = ctx.now();
    const sign = encodeURIComponent(dingtalkSign(timestamp, config.secret));
    const url = `${config.url.replace(/\/+$/, '')}/robot/send?access_token=${encodeURIComponent(config.accessToken)}&timestamp=${timestamp}&sign=${sign}`;
    const mobile = msg.recipient.mobile?.trim();
    // The mention only works when the text itself carries `@mobile`.
    const mention = mobile ? `\n\n@${mobile}` : '';
    const text = renderMarkdown(msg, 'dingtalk', DINGTALK_TEXT_MAX_BYTES - Buffer.byteLength(mention)) + mention;
    const body = {
      msgtype: 'markdown',
      markdown: { title: truncateUtf8(msg.title, 256), text },
      at: { atMobiles: mobile ? [mobile] : [], isAtAll: false },
    };
    const a = await postJson(url, JSON.stringify(body), ctx);
    if (isResult(a)) return a;
    const r = a.json as { errcode?: unknown; errmsg?: unknown } | undefined;
    if (typeof r?.errcode !== 'number') return byStatus(a, 'dingtalk');
    const detail = `dingtalk ${r.errcode}: ${String(r.errmsg ?? '')}`;
    if (r.errcode === 0) return { outcome: 'sent', detail };
    if (r.errcode === 130101) return { outcome: 'throttled', detail, retryAfterMs: DINGTALK_COOLDOWN_MS };
    if (r.errcode === -1) return { outcome: 'failed', detail };
    return { outcome: 'rejected', detail };
  },
};
