import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { startReceivers } from '@/etl/simulator/receivers';

// The channel receivers in a process of their own for `bench/duty.ts`: the services a duty message goes to
// are elsewhere in production, so their work must not share the sender's thread. Prints one JSON line
// (the webhook's address and secret, the inspection port); GET /received on that port lists what arrived.

const receivers = await startReceivers({ limits: { webhook: { perMinute: 1_000_000 } } });
const inspect = http.createServer((req, res) => {
  if (req.url === '/reset') receivers.reset();
  const body =
    req.url === '/received'
      ? receivers.received('webhook').map((m) => ({ at: m.at, alertIds: (m.raw as { alertIds?: string[] }).alertIds ?? [] }))
      : { ok: true };
  res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(body));
});
await new Promise<void>((r) => inspect.listen(0, '127.0.0.1', r));
process.stdout.write(
  `${JSON.stringify({
    hook: `${receivers.robotsUrl}/webhook/${receivers.accounts.webhook.name}`,
    secret: receivers.accounts.webhook.secret,
    inspect: `http://127.0.0.1:${(inspect.address() as AddressInfo).port}`,
  })}\n`,
);
process.stdin.on('end', () => process.exit(0));
process.stdin.resume();
