import type { AddressInfo } from 'node:net';
import smpp, { type PDU, type Session } from 'smpp';
import { ReceiverStore, WindowCounter, smsSegments, utf8Bytes } from './store';

// Local SMSC: accepts bind_transmitter / bind_transceiver with the configured system_id and password
// (ESME_RBINDFAIL otherwise), answers submit_sm with a message_id, reassembles concatenated UCS-2 parts (UDH
// IEI 0x00/0x08) or message_payload into one recorded message, throttles with ESME_RTHROTTLED over its rate
// and, for transceiver binds asking for it, sends a deliver_sm delivery receipt.

export interface SmppAccount {
  systemId: string;
  password: string;
}

const ESME_ROK = 0x0000;
const ESME_RINVBNDSTS = 0x0004;
const ESME_RBINDFAIL = 0x000d;
const ESME_RTHROTTLED = 0x0058;
const ESME_RINVDSTADR = 0x000b;

function decodeText(buf: Buffer, dataCoding: number): string {
  if ((dataCoding & 0x0f) === 8) return Buffer.from(buf).swap16().toString('utf16le');
  if ((dataCoding & 0x0f) === 3) return buf.toString('latin1');
  return buf.toString('ascii');
}

/** The raw octets of short_message / message_payload whatever the library decoded them to. */
function rawMessage(v: unknown): { udh?: Buffer; octets: Buffer } | undefined {
  if (!v) return undefined;
  if (Buffer.isBuffer(v)) return { octets: v };
  if (typeof v === 'object') {
    const m = v as { udh?: unknown; message?: unknown };
    const udhList = Array.isArray(m.udh) ? (m.udh as Buffer[]) : [];
    const udh = udhList.length ? Buffer.concat([Buffer.from([udhList.reduce((n, b) => n + b.length, 0)]), ...udhList]) : undefined;
    if (Buffer.isBuffer(m.message)) return { udh, octets: m.message };
    if (typeof m.message === 'string') return { udh, octets: Buffer.from(m.message, 'utf16le').swap16() };
  }
  if (typeof v === 'string') return { octets: Buffer.from(v, 'utf16le').swap16() };
  return undefined;
}

export async function startSmpp(opts: {
  host: string;
  port: number;
  now: () => number;
  account: SmppAccount;
  store: ReceiverStore;
  perSecond: number;
  deliveryReceipts?: boolean;
}) {
  const { store, account, now } = opts;
  const rate = new WindowCounter(1000);
  const parts = new Map<string, { total: number; got: Map<number, string>; ids: string[] }>();
  const sessions = new Set<Session>();
  let seq = 0;

  const server = smpp.createServer((session: Session) => {
    sessions.add(session);
    let bound: 'tx' | 'trx' | undefined;
    let systemId = '';
    session.on('error', () => {
      /* broken client: drop it */
    });
    session.on('close', () => sessions.delete(session));
    const onBind = (mode: 'tx' | 'trx') => (pdu: PDU) => {
      if (pdu.system_id === account.systemId && pdu.password === account.password) {
        bound = mode;
        systemId = String(pdu.system_id);
        session.send(pdu.response({ system_id: 'YXSMSC' }));
      } else {
        store.refuse('smpp', 'bind_failed');
        session.send(pdu.response({ command_status: ESME_RBINDFAIL }));
      }
    };
    session.on('bind_transmitter', onBind('tx'));
    session.on('bind_transceiver', onBind('trx'));
    session.on('bind_receiver', (pdu: PDU) => {
      store.refuse('smpp', 'bind_failed');
      session.send(pdu.response({ command_status: ESME_RBINDFAIL }));
    });
    session.on('enquire_link', (pdu: PDU) => session.send(pdu.response()));
    session.on('unbind', (pdu: PDU) => {
      session.send(pdu.response());
      session.close();
    });
    session.on('submit_sm', (pdu: PDU) => {
      if (!bound) {
        store.refuse('smpp', 'not_bound');
        return session.send(pdu.response({ command_status: ESME_RINVBNDSTS }));
      }
      const t = now();
      if (rate.hit(systemId, t) > opts.perSecond) {
        store.refuse('smpp', 'throttled');
        return session.send(pdu.response({ command_status: ESME_RTHROTTLED }));
      }
      const dest = String(pdu.destination_addr ?? '');
      if (!/^\+?\d{5,20}$/.test(dest)) {
        store.refuse('smpp', 'bad_destination');
        return session.send(pdu.response({ command_status: ESME_RINVDSTADR }));
      }
      const dc = Number(pdu.data_coding ?? 0);
      const msg = rawMessage(pdu.message_payload) ?? rawMessage(pdu.short_message) ?? { octets: Buffer.alloc(0) };
      const messageId = `${t.toString(16).toUpperCase()}${(++seq).toString(16).padStart(6, '0').toUpperCase()}`;
      session.send(pdu.response({ message_id: messageId }));

      let concat: { ref: number; total: number; no: number } | undefined;
      const udh = msg.udh;
      if (udh && udh.length >= 6) {
        for (let i = 1; i + 1 < udh.length;) {
          const iei = udh[i] ?? 0;
          const len = udh[i + 1] ?? 0;
          if (iei === 0x00 && len === 3) concat = { ref: udh[i + 2] ?? 0, total: udh[i + 3] ?? 1, no: udh[i + 4] ?? 1 };
          if (iei === 0x08 && len === 4)
            concat = { ref: ((udh[i + 2] ?? 0) << 8) | (udh[i + 3] ?? 0), total: udh[i + 4] ?? 1, no: udh[i + 5] ?? 1 };
          i += 2 + len;
        }
      }
      const text = decodeText(msg.octets, dc);
      const record = (full: string, ids: string[], segs: number) => {
        store.accept({
          kind: 'smpp',
          account: systemId,
          mobile: dest,
          recipient: dest,
          text: full,
          bytes: utf8Bytes(full),
          segments: segs,
          at: t,
          receipt: ids[0],
          raw: { source_addr: pdu.source_addr, data_coding: dc, esm_class: pdu.esm_class, message_ids: ids },
        });
        if (opts.deliveryReceipts !== false && bound === 'trx' && (Number(pdu.registered_delivery ?? 0) & 1) === 1) {
          const stamp = new Date(t).toISOString().replace(/\D/g, '').slice(2, 12);
          for (const id of ids) {
            session.deliver_sm({
              source_addr: dest,
              destination_addr: String(pdu.source_addr ?? ''),
              esm_class: 0x04,
              short_message: `id:${id} sub:001 dlvrd:001 submit date:${stamp} done date:${stamp} stat:DELIVRD err:000 text:`,
              receipted_message_id: id,
              message_state: 2,
            });
          }
        }
      };
      if (!concat) return record(text, [messageId], smsSegments(text));
      const key = `${systemId}:${dest}:${concat.ref}`;
      let entry = parts.get(key);
      if (!entry) parts.set(key, (entry = { total: concat.total, got: new Map(), ids: [] }));
      entry.got.set(concat.no, text);
      entry.ids.push(messageId);
      if (entry.got.size >= entry.total) {
        parts.delete(key);
        const full = [...entry.got.entries()]
          .sort((a, b) => a[0] - b[0])
          .map((e) => e[1])
          .join('');
        record(full, entry.ids, entry.total);
      }
    });
  });
  server.on('error', () => {
    /* keep listening */
  });
  await new Promise<void>((resolve) => server.listen(opts.port, opts.host, () => resolve()));
  const addr = server.address() as AddressInfo;
  return {
    host: addr.address,
    port: addr.port,
    resetLimits: () => {
      rate.reset();
      parts.clear();
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sessions) s.socket.destroy();
        server.close(() => resolve());
      }),
  };
}

export { ESME_ROK };
