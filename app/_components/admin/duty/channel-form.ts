// Notification channels in the editor: each kind's config fields (mirroring server/notify/channels/*.ts, checked
// by the test), the form's strings ↔ the config object, masked secrets kept unchanged. Pure.

export const CHANNEL_KINDS = ['wecom', 'dingtalk', 'feishu', 'sms_aliyun', 'smpp', 'email', 'webhook'] as const;
export type ChannelKind = (typeof CHANNEL_KINDS)[number];

/** What the server sends back for a stored secret (and takes back as "keep the stored one"). */
export const MASK = '••••••';

export interface FieldSpec {
  key: string;
  type: 'text' | 'secret' | 'number' | 'boolean' | 'enum';
  required?: boolean;
  options?: readonly string[];
  /** The server's default, shown as the placeholder. */
  placeholder?: string;
  /** The schema wants the field even when empty (sent as ''). */
  sendEmpty?: boolean;
}

export const CHANNEL_FIELDS: Record<ChannelKind, readonly FieldSpec[]> = {
  wecom: [
    { key: 'url', type: 'text', placeholder: 'https://qyapi.weixin.qq.com' },
    { key: 'key', type: 'secret', required: true },
    { key: 'format', type: 'enum', options: ['markdown', 'text'] },
  ],
  dingtalk: [
    { key: 'url', type: 'text', placeholder: 'https://oapi.dingtalk.com' },
    { key: 'accessToken', type: 'secret', required: true },
    { key: 'secret', type: 'secret', required: true },
  ],
  feishu: [
    { key: 'url', type: 'text', placeholder: 'https://open.feishu.cn' },
    { key: 'hookId', type: 'text', required: true },
    { key: 'secret', type: 'secret', required: true },
    { key: 'format', type: 'enum', options: ['interactive', 'text'] },
  ],
  sms_aliyun: [
    { key: 'endpoint', type: 'text', placeholder: 'dysmsapi.aliyuncs.com' },
    { key: 'protocol', type: 'enum', options: ['https', 'http'] },
    { key: 'regionId', type: 'text', placeholder: 'cn-hangzhou' },
    { key: 'accessKeyId', type: 'secret', required: true },
    { key: 'accessKeySecret', type: 'secret', required: true },
    { key: 'signName', type: 'text', required: true },
    { key: 'templateCode', type: 'text', required: true },
    { key: 'titleMaxChars', type: 'number', placeholder: '35' },
    { key: 'timeoutMs', type: 'number', placeholder: '5000' },
  ],
  smpp: [
    { key: 'host', type: 'text', required: true },
    { key: 'port', type: 'number', placeholder: '2775' },
    { key: 'systemId', type: 'text', required: true },
    { key: 'password', type: 'secret', sendEmpty: true },
    { key: 'systemType', type: 'text' },
    { key: 'sourceAddr', type: 'text' },
    { key: 'signName', type: 'text', placeholder: '云南电网' },
    { key: 'registeredDelivery', type: 'boolean' },
    { key: 'perSecond', type: 'number', placeholder: '10' },
    { key: 'timeoutMs', type: 'number', placeholder: '10000' },
  ],
  email: [
    { key: 'host', type: 'text', required: true },
    { key: 'port', type: 'number', placeholder: '465' },
    { key: 'secure', type: 'boolean' },
    { key: 'user', type: 'text', required: true },
    { key: 'pass', type: 'secret', required: true },
    { key: 'from', type: 'text', required: true },
    { key: 'timeoutMs', type: 'number', placeholder: '15000' },
    { key: 'allowSelfSigned', type: 'boolean' },
  ],
  webhook: [
    { key: 'url', type: 'text', required: true },
    { key: 'secret', type: 'secret', required: true },
    { key: 'perSecond', type: 'number' },
  ],
};

/** Boolean fields' server defaults (a new channel starts with them). */
const BOOLEAN_DEFAULTS: Record<string, boolean> = { registeredDelivery: true, secure: true, allowSelfSigned: false };

export type ConfigForm = Record<string, string | boolean>;

export function isChannelKind(k: string): k is ChannelKind {
  return (CHANNEL_KINDS as readonly string[]).includes(k);
}

/** The form's values for a stored (masked) config, or a new channel's defaults when `config` is null. */
export function configToForm(kind: ChannelKind, config: Record<string, unknown> | null): ConfigForm {
  const out: ConfigForm = {};
  for (const f of CHANNEL_FIELDS[kind]) {
    const v = config?.[f.key];
    if (f.type === 'boolean') out[f.key] = typeof v === 'boolean' ? v : (BOOLEAN_DEFAULTS[f.key] ?? false);
    else if (f.type === 'enum') out[f.key] = typeof v === 'string' && f.options?.includes(v) ? v : f.options![0]!;
    else out[f.key] = v === undefined || v === null ? '' : String(v);
  }
  return out;
}

/**
 * The config to send: numbers as numbers, empty optional fields left out (the server's defaults apply), a
 * secret left as the mask sent back as the mask (the server keeps the stored one). `problems`: field keys
 * that are required and empty, or not a whole number.
 */
export function formToConfig(kind: ChannelKind, form: ConfigForm): { config: Record<string, unknown>; problems: string[] } {
  const config: Record<string, unknown> = {};
  const problems: string[] = [];
  for (const f of CHANNEL_FIELDS[kind]) {
    const v = form[f.key];
    if (f.type === 'boolean') {
      config[f.key] = v === true;
      continue;
    }
    const s = typeof v === 'string' ? v.trim() : '';
    if (!s) {
      if (f.required) problems.push(f.key);
      else if (f.sendEmpty) config[f.key] = '';
      continue;
    }
    if (f.type === 'number') {
      if (!/^\d+$/.test(s) || Number(s) <= 0) problems.push(f.key);
      else config[f.key] = Number(s);
    } else config[f.key] = f.type === 'secret' ? (typeof v === 'string' && v === MASK ? MASK : s) : s;
  }
  return { config, problems };
}

/** The config as one line for the list: `key: value` pairs, secrets masked (whatever the server sent). */
export function configSummary(kind: string, config: unknown): string {
  const c = (config && typeof config === 'object' ? config : {}) as Record<string, unknown>;
  const fields = isChannelKind(kind) ? CHANNEL_FIELDS[kind] : Object.keys(c).map((key) => ({ key, type: 'text' as const }));
  return fields
    .filter((f) => c[f.key] !== undefined && c[f.key] !== '')
    .map((f) => `${f.key}: ${f.type === 'secret' ? MASK : String(c[f.key])}`)
    .join(' · ');
}

export const CHANNEL_ID = /^[a-z0-9][a-z0-9-]{1,40}$/;
