import type { z } from 'zod';

// The contract between the duty dispatcher (server/duty/) and the channel drivers (server/notify/channels/).
// A driver turns one message into one request to its service, in that service's format, and reports the
// outcome; the dispatcher owns retries, back-off, rate limiting across processes, fallback and the record.

export const CHANNEL_KINDS = ['wecom', 'dingtalk', 'feishu', 'sms_aliyun', 'smpp', 'email', 'webhook'] as const;
export type ChannelKind = (typeof CHANNEL_KINDS)[number];

export type MessageSeverity = 'red' | 'orange' | 'yellow' | 'blue';

export interface MessageRecipient {
  username: string;
  displayName: string;
  mobile?: string | null;
  email?: string | null;
}

/** One message for one recipient: a group of alerts (one line each), or an escalation / repeat of them. */
export interface OutgoingMessage {
  /** The notification id: stable across retries and restarts, sent as the idempotency key where the service has one. */
  id: string;
  severity: MessageSeverity;
  /** Chinese first (the users are Chinese utility staff), e.g. `【红色预警】昆明市 3 个营业厅排队超时`. */
  title: string;
  /** One line per alert, already formatted in Beijing time. */
  lines: string[];
  /** Signed, expiring link that opens the alert on a phone and acknowledges it without a desktop session. */
  ackUrl?: string;
  /** Ids of every alert the message is about (the lines show at most 20): machine receivers (webhook) get them all. */
  alertIds?: string[];
  recipient: MessageRecipient;
  /** When the message was decided (ms since epoch). */
  at: number;
}

/**
 * 'sent': the service accepted it. 'throttled': the service (or our limit) says too fast, try again after
 * `retryAfterMs` (not a failure, never dropped). 'failed': transient (network, 5xx), retry with back-off.
 * 'rejected': permanent for this channel (bad signature, bad key, content refused): go to the fallback channel.
 */
export interface SendResult {
  outcome: 'sent' | 'throttled' | 'failed' | 'rejected';
  detail?: string;
  /** The service's message id or delivery receipt (SMS BizId, SMPP message_id, SMTP queue id). */
  receipt?: string;
  retryAfterMs?: number;
}

export interface RateLimit {
  perSecond?: number;
  perMinute?: number;
  /** After the service throttles us, stay away this long (DingTalk: 10 minutes). */
  cooldownMs?: number;
}

export interface SendContext {
  now: () => number;
  /** Abort the request (the dispatcher's per-attempt timeout). */
  signal: AbortSignal;
}

export interface ChannelDriver<C = unknown> {
  kind: ChannelKind;
  label: { zh: string; en: string };
  /** Checks a channel's stored config (endpoint, key, secret, template …). */
  configSchema: z.ZodType<C>;
  rateLimit(config: C): RateLimit;
  /** Needs the recipient's mobile (SMS) or email; a recipient without it is skipped for this channel. */
  needs?: 'mobile' | 'email';
  send(config: C, msg: OutgoingMessage, ctx: SendContext): Promise<SendResult>;
}
