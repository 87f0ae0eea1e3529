import { createHmac } from 'node:crypto';
import { z } from 'zod';
import type { ChannelDriver, MessageSeverity } from '../types';
import { renderMarkdown, renderText, truncateUtf8, untilWindowEnd } from './format';
import { byStatus, isResult, postJson } from './http';

// 飞书自定义机器人 with 签名校验: POST /open-apis/bot/v2/hook/<id>, body carries timestamp (seconds) and
// sign = base64(HmacSHA256(key = `${timestamp}\n${secret}`, data = '')) — key and data the other way round from
// DingTalk. Bodies must stay under 20 KB; 5 messages a second and 100 a minute.

export const FEISHU_BODY_MAX_BYTES = 20 * 1024;
/** Content budget, leaving room for the card's frame and the JSON escaping of quotes and newlines. */
export const FEISHU_CONTENT_MAX_BYTES = 16 * 1024;

export const feishuConfigSchema = z.object({
  url: z.url({ protocol: /^https?$/ }).default('https://open.feishu.cn'),
  hookId: z.string().min(1),
  secret: z.string().min(1),
  format: z.enum(['interactive', 'text']).default('interactive'),
});
export type FeishuConfig = z.infer<typeof feishuConfigSchema>;

export function feishuSign(timestampSeconds: number | string, secret: string): string {
  return createHmac('sha256', `${timestampSeconds}\n${secret}`).update('').digest('base64');
}

const TEMPLATE: Record<MessageSeverity, string> = { red: 'red', orange: 'orange', yellow: 'yellow', blue: 'blue' };

export const feishuDriver: ChannelDriver<FeishuConfig> = {
  kind: 'feishu',
  label: { zh: '飞书自定义机器人', en: 'Feishu/Lark custom bot' },
  configSchema: feishuConfigSchema as z.ZodType<FeishuConfig>,
  rateLimit: () => ({ perSecond: 5, perMinute: 100 }),
  async send(config, msg, ctx) {
    const timestamp = String(Math.floor(ctx.now() / 1000));
    const sign = feishuSign(timestamp, config.secret);
    const url = `${config.url.replace(/\/+$/, '')}/open-apis/bot/v2/hook/${encodeURIComponent(config.hookId)}`;
    let body: Record<string, unknown>;
    if (config.format === 'text') {
      body = { timestamp, sign, msg_type: 'text', content: { text: renderText(msg, FEISHU_CONTENT_MAX_BYTES) } };
    } else {
      const elements: unknown[] = [
        { tag: 'div', text: { tag: 'lark_md', content: renderMarkdown(msg, 'feishu', FEISHU_CONTENT_MAX_BYTES) } },
      ];
      if (msg.ackUrl) {
        elements.push({
          tag: 'action',
          actions: [{ tag: 'button', text: { tag: 'plain_text', content: '手机确认' }, type: 'primary', url: msg.ackUrl }],
        });
      }
      body = {
        timestamp,
        sign,
        msg_type: 'interactive',
        card: {
          config: { wide_screen_mode: true },
          header: { template: TEMPLATE[msg.severity], title: { tag: 'plain_text', content: truncateUtf8(msg.title, 512) } },
          elements,
        },
      };
    }
    let raw = JSON.stringify(body);
    if (Buffer.byteLength(raw) >= FEISHU_BODY_MAX_BYTES) {
      // Heavily escaped content can still overflow: fall back to a short text.
      body = { timestamp, sign, msg_type: 'text', content: { text: renderText(msg, 4096) } };
      raw = JSON.stringify(body);
    }
    const a = await postJson(url, raw, ctx);
    if (isResult(a)) return a;
    const r = a.json as { code?: unknown; msg?: unknown; StatusCode?: unknown } | undefined;
    const code = typeof r?.code === 'number' ? r.code : typeof r?.StatusCode === 'number' ? r.StatusCode : undefined;
    if (code === undefined) return byStatus(a, 'feishu');
    const detail = `feishu ${code}: ${String(r?.msg ?? '')}`;
    if (code === 0) return { outcome: 'sent', detail };
    if (code === 11232) return { outcome: 'throttled', detail, retryAfterMs: untilWindowEnd(ctx.now(), 1000) };
    if (a.status >= 500) return { outcome: 'failed', detail };
    return { outcome: 'rejected', detail };
  },
};
