import { describe, expect, it } from 'vitest';
import type { z } from 'zod';
import { dingtalkConfigSchema } from '@/server/notify/channels/dingtalk';
import { emailConfigSchema } from '@/server/notify/channels/email';
import { feishuConfigSchema } from '@/server/notify/channels/feishu';
import { smppConfigSchema } from '@/server/notify/channels/smpp';
import { smsAliyunConfigSchema } from '@/server/notify/channels/sms-aliyun';
import { webhookConfigSchema } from '@/server/notify/channels/webhook';
import { wecomConfigSchema } from '@/server/notify/channels/wecom';
import { CHANNEL_KINDS as SERVER_KINDS } from '@/server/notify/types';
import { CHANNEL_FIELDS, CHANNEL_KINDS, MASK, configSummary, configToForm, formToConfig, type ChannelKind } from './channel-form';

const SCHEMAS: Record<ChannelKind, z.ZodObject> = {
  wecom: wecomConfigSchema,
  dingtalk: dingtalkConfigSchema,
  feishu: feishuConfigSchema,
  sms_aliyun: smsAliyunConfigSchema,
  smpp: smppConfigSchema,
  email: emailConfigSchema,
  webhook: webhookConfigSchema,
};

describe('channel fields', () => {
  it('cover the server kinds and every field of each config schema', () => {
    expect([...CHANNEL_KINDS]).toEqual([...SERVER_KINDS]);
    for (const kind of CHANNEL_KINDS) {
      expect(CHANNEL_FIELDS[kind].map((f) => f.key).sort(), kind).toEqual(Object.keys(SCHEMAS[kind].shape).sort());
    }
  });

  it("a new channel's defaults plus its required fields pass the server schema", () => {
    for (const kind of CHANNEL_KINDS) {
      const form = configToForm(kind, null);
      for (const f of CHANNEL_FIELDS[kind]) if (f.required) form[f.key] = f.key === 'url' ? 'https://example.com/hook' : 'x'.repeat(8);
      const { config, problems } = formToConfig(kind, form);
      expect(problems, kind).toEqual([]);
      const parsed = SCHEMAS[kind].safeParse(config);
      expect(parsed.success, `${kind}: ${JSON.stringify(parsed.error?.issues)}`).toBe(true);
    }
  });
});

describe('configToForm / formToConfig', () => {
  it('keeps a masked secret as the mask and converts numbers', () => {
    const form = configToForm('sms_aliyun', {
      accessKeyId: MASK,
      accessKeySecret: MASK,
      signName: '云南电网',
      templateCode: 'SMS_1',
      timeoutMs: 5000,
    });
    expect(form.timeoutMs).toBe('5000');
    expect(form.protocol).toBe('https');
    const { config, problems } = formToConfig('sms_aliyun', { ...form, titleMaxChars: '40' });
    expect(problems).toEqual([]);
    expect(config).toMatchObject({ accessKeyId: MASK, accessKeySecret: MASK, titleMaxChars: 40, timeoutMs: 5000, protocol: 'https' });
    expect(config).not.toHaveProperty('endpoint');
  });

  it('reports required and malformed fields', () => {
    const { problems } = formToConfig('webhook', { url: '', secret: 'abcdefgh', perSecond: '2.5' });
    expect(problems).toEqual(['url', 'perSecond']);
  });

  it('summarises with secrets masked', () => {
    expect(configSummary('wecom', { url: 'https://q', key: 'real-key', format: 'text' })).toBe(
      `url: https://q · key: ${MASK} · format: text`,
    );
    expect(configSummary('unknown', { a: 1 })).toBe('a: 1');
  });
});
