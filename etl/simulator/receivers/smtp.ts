import { randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { simpleParser } from 'mailparser';
import { SMTPServer } from 'smtp-server';
import { ReceiverStore, utf8Bytes } from './store';

// Local SMTP relay: AUTH PLAIN/LOGIN required (wrong credentials → 535), then the message is parsed and recorded
// and answered `250 OK: queued as <id>` like Postfix.

export interface SmtpAccount {
  user: string;
  pass: string;
}

export async function startSmtp(opts: { host: string; port: number; now: () => number; account: SmtpAccount; store: ReceiverStore }) {
  const { store, account, now } = opts;
  const server = new SMTPServer({
    secure: false,
    authOptional: false,
    allowInsecureAuth: true,
    disabledCommands: ['STARTTLS'],
    authMethods: ['PLAIN', 'LOGIN'],
    size: 10 * 1024 * 1024,
    banner: 'yingxiao local SMTP receiver',
    logger: false,
    onAuth(auth, _session, cb) {
      if (auth.username === account.user && auth.password === account.pass) return cb(null, { user: auth.username });
      store.refuse('email', 'auth_failed');
      const err = Object.assign(new Error('Authentication credentials invalid'), { responseCode: 535 });
      return cb(err);
    },
    onData(stream, session, cb) {
      simpleParser(stream)
        .then((mail) => {
          const queueId = randomBytes(5).toString('hex').toUpperCase();
          const text = mail.text ?? '';
          const to = session.envelope.rcptTo.map((r) => r.address);
          store.accept({
            kind: 'email',
            account: String(session.user ?? ''),
            recipient: to.join(','),
            title: mail.subject,
            text,
            bytes: utf8Bytes(text),
            at: now(),
            receipt: queueId,
            raw: {
              messageId: mail.messageId,
              from: mail.from?.text,
              to,
              subject: mail.subject,
              html: typeof mail.html === 'string' ? mail.html : undefined,
              headers: Object.fromEntries([...mail.headers].map(([k, v]) => [k, typeof v === 'string' ? v : JSON.stringify(v)])),
            },
          });
          cb(null, `OK: queued as ${queueId}`);
        })
        .catch((e: unknown) => {
          store.refuse('email', 'parse_error');
          cb(Object.assign(new Error(`parse error: ${e instanceof Error ? e.message : String(e)}`), { responseCode: 451 }));
        });
    },
  });
  server.on('error', () => {
    /* a client's socket error must not take the receiver down */
  });
  await new Promise<void>((resolve, reject) => {
    server.server.once('error', reject);
    server.listen(opts.port, opts.host, () => resolve());
  });
  const addr = server.server.address() as AddressInfo;
  return { host: addr.address, port: addr.port, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}
