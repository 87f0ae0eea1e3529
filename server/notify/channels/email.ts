import { z } from 'zod';
import type { ChannelDriver, SendResult } from '../types';
import { renderHtml, renderText } from './format';
import { abortable, errorText } from './http';

// E-mail over SMTP with AUTH (nodemailer). Subject = title, a text and a simple HTML body, and a Message-ID
// derived from the notification id so a retried message is recognisably the same one. The receipt is the queue
// id the server names in its 250 answer (or the Message-ID when it names none).

export const emailConfigSchema = z.object({
  host: z.string().min(1),
  port: z.number().int().min(1).max(65535).default(465),
  /** Implicit TLS (465). With false, STARTTLS is used when the server offers it. */
  secure: z.boolean().default(true),
  user: z.string().min(1),
  pass: z.string().min(1),
  from: z.string().min(3),
  timeoutMs: z.number().int().positive().default(15_000),
  /** Accept a self-signed certificate (on-premises relays). */
  allowSelfSigned: z.boolean().default(false),
});
export type EmailConfig = z.infer<typeof emailConfigSchema>;

export const messageIdFor = (id: string, from: string): string => {
  const domain = from.match(/@([A-Za-z0-9.-]+)/)?.[1] ?? 'yingxiao-monitor';
  return `<${id.replace(/[^A-Za-z0-9._-]/g, '_')}@${domain}>`;
};

export const emailDriver: ChannelDriver<EmailConfig> = {
  kind: 'email',
  label: { zh: '电子邮件', en: 'E-mail' },
  configSchema: emailConfigSchema as unknown as z.ZodType<EmailConfig>,
  rateLimit: () => ({ perSecond: 5 }),
  needs: 'email',
  async send(config, msg, ctx) {
    const to = msg.recipient.email?.trim();
    if (!to) return { outcome: 'rejected', detail: 'recipient has no e-mail address' };
    // Loaded on the first message: the web routes read this driver's schema without carrying nodemailer.
    const { default: nodemailer } = await import('nodemailer');
    const transport = nodemailer.createTransport({
      host: config.host,
      port: config.port,
      secure: config.secure,
      auth: { user: config.user, pass: config.pass },
      connectionTimeout: config.timeoutMs,
      greetingTimeout: config.timeoutMs,
      socketTimeout: config.timeoutMs,
      tls: config.allowSelfSigned ? { rejectUnauthorized: false } : undefined,
    });
    try {
      const info = await abortable(
        transport.sendMail({
          from: config.from,
          to: { name: msg.recipient.displayName, address: to },
          subject: msg.title,
          text: renderText(msg),
          html: renderHtml(msg),
          messageId: messageIdFor(msg.id, config.from),
          date: new Date(msg.at),
          headers: { 'X-Yingxiao-Notification': msg.id, 'X-Yingxiao-Severity': msg.severity },
        }),
        ctx.signal,
      );
      const response = String((info as { response?: unknown }).response ?? '');
      const queued = response.match(/queued as ([A-Za-z0-9._-]+)/i)?.[1];
      return { outcome: 'sent', detail: response, receipt: queued ?? String(info.messageId ?? '') };
    } catch (e) {
      return mapSmtpError(e);
    } finally {
      transport.close();
    }
  },
};

function mapSmtpError(e: unknown): SendResult {
  const err = e as { code?: unknown; responseCode?: unknown };
  const rc = typeof err?.responseCode === 'number' ? err.responseCode : undefined;
  const detail = `smtp ${String(err?.code ?? '')} ${rc ?? ''}: ${errorText(e)}`.trim();
  if (err?.code === 'EAUTH' || (rc !== undefined && rc >= 500)) return { outcome: 'rejected', detail };
  if (rc === 421 || rc === 450 || rc === 451 || rc === 452) return { outcome: 'throttled', detail, retryAfterMs: 60_000 };
  return { outcome: 'failed', detail };
}
