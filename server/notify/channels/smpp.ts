import { randomInt } from 'node:crypto';
import { z } from 'zod';
import type { ChannelDriver, SendResult } from '../types';
import { renderSms, splitSms } from './format';
import { errorText } from './http';

// SMS through an operator / enterprise SMPP 3.4 gateway: bind_transmitter, then one submit_sm per part. Chinese
// text goes as UCS-2 (data_coding 8); over 70 characters it is split into 67-character parts with a
// concatenation UDH (IEI 0x00, 8-bit reference). The gateway's message_id of the first part is the receipt.

export const smppConfigSchema = z.object({
  host: z.string().min(1),
  port: z.number().int().min(1).max(65535).default(2775),
  systemId: z.string().min(1).max(15),
  password: z.string().max(8),
  systemType: z.string().max(12).default(''),
  sourceAddr: z.string().max(20).default(''),
  signName: z.string().min(1).default('云南电网'),
  registeredDelivery: z.boolean().default(true),
  perSecond: z.number().int().positive().default(10),
  timeoutMs: z.number().int().positive().default(10_000),
});
export type SmppConfig = z.infer<typeof smppConfigSchema>;

const ESME_ROK = 0x0000;
const ESME_RINVPASWD = 0x000e;
const ESME_RINVSYSID = 0x000f;
const ESME_RBINDFAIL = 0x000d;
const ESME_RTHROTTLED = 0x0058;
const ESME_RMSGQFUL = 0x0014;
const ESME_RSYSERR = 0x0008;

const ucs2 = (s: string): Buffer => Buffer.from(s, 'utf16le').swap16();

/** The submit_sm bodies for a text: one plain part, or concatenated parts with UDH. */
export function smppParts(text: string): { short_message: Buffer | { udh: Buffer; message: Buffer } }[] {
  const parts = splitSms(text, 67);
  if (parts.length === 1) return [{ short_message: ucs2(text) }];
  const ref = randomInt(0, 256);
  return parts.map((p, i) => ({ short_message: { udh: Buffer.from([0x05, 0x00, 0x03, ref, parts.length, i + 1]), message: ucs2(p) } }));
}

function statusResult(status: number, what: string): SendResult {
  const detail = `smpp ${what} status 0x${status.toString(16).padStart(4, '0')}`;
  if (status === ESME_RTHROTTLED || status === ESME_RMSGQFUL) return { outcome: 'throttled', detail, retryAfterMs: 1000 };
  if (status === ESME_RSYSERR) return { outcome: 'failed', detail };
  return { outcome: 'rejected', detail };
}

export const smppDriver: ChannelDriver<SmppConfig> = {
  kind: 'smpp',
  label: { zh: '短信网关 (SMPP)', en: 'SMPP gateway' },
  configSchema: smppConfigSchema as unknown as z.ZodType<SmppConfig>,
  rateLimit: (c) => ({ perSecond: c.perSecond }),
  needs: 'mobile',
  async send(config, msg, ctx) {
    const mobile = msg.recipient.mobile?.trim().replace(/^\+?86/, '');
    if (!mobile) return { outcome: 'rejected', detail: 'recipient has no mobile number' };
    const text = renderSms(msg, config.signName, 60);
    // Loaded on the first message: the web routes read this driver's schema without carrying the SMPP stack.
    const { default: smpp } = await import('smpp');
    return new Promise<SendResult>((resolve) => {
      let done = false;
      const session = smpp.connect({ host: config.host, port: config.port });
      const finish = (r: SendResult) => {
        if (done) return;
        done = true;
        clearTimeout(timer);
        ctx.signal.removeEventListener('abort', onAbort);
        try {
          if (session.socket.writable && r.outcome !== 'failed') {
            session.unbind({}, () => session.close());
            setTimeout(() => session.destroy(), 1000).unref();
          } else session.destroy();
        } catch {
          /* already closed */
        }
        resolve(r);
      };
      const onAbort = () => finish({ outcome: 'failed', detail: `smpp aborted: ${errorText(ctx.signal.reason)}` });
      const timer = setTimeout(() => finish({ outcome: 'failed', detail: 'smpp timeout' }), config.timeoutMs);
      if (ctx.signal.aborted) return onAbort();
      ctx.signal.addEventListener('abort', onAbort, { once: true });
      session.on('error', (e: unknown) => finish({ outcome: 'failed', detail: `smpp network: ${errorText(e)}` }));
      session.on('close', () => finish({ outcome: 'failed', detail: 'smpp connection closed' }));
      session.on('connect', () => {
        session.bind_transmitter(
          { system_id: config.systemId, password: config.password, system_type: config.systemType, interface_version: 0x34 },
          (bind) => {
            if (bind.command_status !== ESME_ROK) {
              const s = bind.command_status;
              return finish(statusResult(s === ESME_RINVPASWD || s === ESME_RINVSYSID ? ESME_RBINDFAIL : s, 'bind_transmitter'));
            }
            const parts = smppParts(text);
            const ids: string[] = [];
            const next = (i: number) => {
              const part = parts[i];
              if (!part) return finish({ outcome: 'sent', detail: `smpp ${parts.length} part(s)`, receipt: ids[0] ?? '' });
              session.submit_sm(
                {
                  source_addr_ton: 5,
                  source_addr_npi: 0,
                  source_addr: config.sourceAddr,
                  dest_addr_ton: 1,
                  dest_addr_npi: 1,
                  destination_addr: mobile,
                  data_coding: 8,
                  registered_delivery: config.registeredDelivery ? 1 : 0,
                  ...part,
                },
                (resp) => {
                  if (resp.command_status !== ESME_ROK)
                    return finish(statusResult(resp.command_status, `submit_sm part ${i + 1}/${parts.length}`));
                  ids.push(String(resp.message_id ?? ''));
                  next(i + 1);
                },
              );
            };
            next(0);
          },
        );
      });
    });
  },
};
