import { z } from 'zod';
import type { ChannelDriver } from '../types';
import { renderMarkdown, renderText, untilWindowEnd } from './format';
import { byStatus, isResult, postJson } from './http';

// 企业微信群机器人: POST /cgi-bin/webhook/send?key=KEY. Limits from the service: markdown content 4096 bytes,
// text content 2048 bytes, 20 messages per minute per robot (errcode 45009).

export const WECOM_MARKDOWN_MAX_BYTES = 4096;
export const WECOM_TEXT_MAX_BYTES = 2048;

export const wecomConfigSchema = z.object({
  url: z.url({ protocol: /^https?$/ }).default('https://qyapi.weixin.qq.com'),
  key: z.string().min(1),
  format: z.enum(['markdown', 'text']).default('markdown'),
});
export type WecomConfig = z.infer<typeof wecomConfigSchema>;

export const wecomDriver: ChannelDriver<WecomConfig> = {
  kind: 'wecom',
  label: { zh: '企业微信群机器人', en: 'WeCom group robot' },
  configSchema: wecomConfigSchema as z.ZodType<WecomConfig>,
  rateLimit: () => ({ perMinute: 20 }),
  async send(config, msg, ctx) {
    const url = `${config.url.replace(/\/+$/, '')}/cgi-bin/webhook/send?key=${encodeURIComponent(config.key)}`;
    const mobile = msg.recipient.mobile?.trim();
    const body =
      config.format === 'text'
        ? { msgtype: 'text', text: { content: renderText(msg, WECOM_TEXT_MAX_BYTES), mentioned_mobile_list: mobile ? [mobile] : [] } }
        : { msgtype: 'markdown', markdown: { content: renderMarkdown(msg, 'wecom', WECOM_MARKDOWN_MAX_BYTES) } };
    const a = await postJson(url, JSON.stringify(body), ctx);
    if (isResult(a)) return a;
    const r = a.json as { errcode?: unknown; errmsg?: unknown } | undefined;
    if (typeof r?.errcode !== 'number') return byStatus(a, 'wecom');
    const detail = `wecom ${r.errcode}: ${String(r.errmsg ?? '')}`;
    if (r.errcode === 0) return { outcome: 'sent', detail };
    if (r.errcode === 45009) return { outcome: 'throttled', detail, retryAfterMs: untilWindowEnd(ctx.now(), 60_000) };
    if (r.errcode === -1) return { outcome: 'failed', detail }; // 系统繁忙
    return { outcome: 'rejected', detail };
  },
};
