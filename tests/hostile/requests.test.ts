import http from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_AUTH, startApp, waitFor, type RunningApp } from '../browser/server';

// Hostile input against the real app (`npm start`, started once for the file): each probe must answer a 4xx
// with a message a person can act on, nothing internal (SQL, engine or driver text, a stack) in the body,
// and the server must stay up (health answers after every probe).

let app: RunningApp;

beforeAll(async () => {
  app = await startApp();
  await waitFor(
    'the app to answer /api/health',
    async () => ((await fetch(`${app.url}/api/health`)).ok ? true : undefined),
    240_000,
    app.logs,
  );
}, 300_000);

afterAll(async () => {
  await app?.stop();
});

/** Text that only comes from inside the server: ClickHouse, PostgreSQL, generated SQL, a JS stack. */
const INTERNAL = /DB::Exception|Code: \d{2,3}\.|SELECT [\s\S]* FROM|invalid byte sequence|TypeError|\n\s+at [\w.<]+ \(/;

const trpcGet = (path: string, input: unknown) =>
  `${app.url}/api/trpc/${path}?input=${encodeURIComponent(JSON.stringify({ json: input }))}`;

async function call(url: string, init: RequestInit = {}) {
  const res = await fetch(url, { ...init, headers: { ...ADMIN_AUTH, ...(init.headers ?? {}) } });
  const body = await res.text();
  return { status: res.status, body, requestId: res.headers.get('x-request-id') };
}

/** The message of a single tRPC error answer. */
const messageOf = (body: string): string => (JSON.parse(body) as { error: { json: { message: string } } }).error.json.message;

async function expectAlive() {
  const res = await fetch(`${app.url}/api/health`);
  expect(res.status).toBe(200);
  app.assertAlive();
}

describe('one request cannot sink the server', () => {
  it('refuses the heavy KPI query before running it, saying how to narrow it', async () => {
    const r = await call(
      trpcGet('kpi.query', {
        queries: [
          {
            kpis: ['queue.tickets', 'queue.avg_wait', 'queue.length'],
            orgCode: '53',
            by: 'hall',
            time: { from: '2026-10-03', to: '2026-12-03' },
            granularity: 'hour',
            compare: ['previous', 'yoy'],
          },
        ],
      }),
    );
    expect(r.status).toBe(400);
    expect(messageOf(r.body)).toMatch(/query too large/);
    expect(messageOf(r.body)).toMatch(/narrow the time range/);
    expect(r.body).not.toMatch(INTERNAL);
    await expectAlive();
  });

  it('refuses a batch of 800 calls without running them', async () => {
    const paths = Array.from({ length: 800 }, () => 'kpi.definitions').join(',');
    const r = await call(`${app.url}/api/trpc/${paths}?batch=1&input=${encodeURIComponent('{}')}`);
    expect([400, 414]).toContain(r.status);
    expect(r.body.length).toBeLessThan(10_000);
    // A batch short enough for the URL bound is refused by its size instead.
    const short = Array.from({ length: 200 }, () => 'system.health').join(',');
    const s = await call(`${app.url}/api/trpc/${short}?batch=1&input=${encodeURIComponent('{}')}`);
    expect(s.status).toBe(400);
    expect(s.body).toMatch(/Batch call exceeds maximum size/);
    expect(s.body.length).toBeLessThan(10_000);
    await expectAlive();
  });

  it('refuses a 400 MB body with 413 from its Content-Length, without reading it', async () => {
    const url = new URL(`${app.url}/api/trpc/rules.import`);
    const status = await new Promise<number>((resolve, reject) => {
      const req = http.request(
        {
          host: url.hostname,
          port: url.port,
          path: url.pathname,
          method: 'POST',
          headers: { ...ADMIN_AUTH, 'content-type': 'application/json', 'content-length': String(400 * 1024 * 1024) },
        },
        (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
          req.destroy();
        },
      );
      // The server may close the connection while the client still writes: that is the point.
      req.on('error', (err) => (/EPIPE|ECONNRESET|socket hang up/.test(err.message) ? undefined : reject(err)));
      req.write(Buffer.alloc(64 * 1024, 0x20));
    });
    expect(status).toBe(413);
    await expectAlive();
  });
});

describe('bad input answers 400 with a message, nothing internal', () => {
  const rowsWithSort = (column: string) => ({ kpi: 'queue.tickets', orgCode: '53', sort: { column, dir: 'asc' } });
  const queryWithFilter = (filtersJson: string) =>
    `${app.url}/api/trpc/kpi.query?input=${encodeURIComponent(
      `{"json":{"queries":[{"kpis":["queue.tickets"],"orgCode":"53","filters":${filtersJson}}]}}`,
    )}`;

  it.each(['constructor', '__proto__', 'toString'])('refuses sort column %s', async (name) => {
    const r = await call(trpcGet('kpi.rows', rowsWithSort(name)));
    expect(r.status).toBe(400);
    expect(messageOf(r.body)).toContain(name);
    expect(r.body).not.toMatch(INTERNAL);
  });

  it.each(['constructor', '__proto__', 'toString'])('refuses filter name %s (never silently ignored)', async (name) => {
    const r = await call(queryWithFilter(`{"${name}":["x"]}`));
    expect(r.status).toBe(400);
    expect(messageOf(r.body)).toContain(name);
    expect(r.body).not.toMatch(INTERNAL);
  });

  it('refuses a NUL byte in an id', async () => {
    const r = await call(trpcGet('rules.get', { id: 'rule\u0000x' }));
    expect(r.status).toBe(400);
    expect(messageOf(r.body)).toMatch(/NUL/);
    expect(r.body).not.toMatch(INTERNAL);
    await expectAlive();
  });

  it.each(['/wall/no-such-layout', '/wall/a/b', '/wall/no-such-layout/control', '/wall/demo/no-such-zone'])(
    '%s is a 404 page',
    async (path) => {
      const r = await call(`${app.url}${path}`);
      expect(r.status).toBe(404);
      expect(r.body).not.toMatch(INTERNAL);
    },
  );

  it('leaves no stack trace in the log for the 404 pages', () => {
    const log = app.logs.join('');
    expect(log).not.toMatch(/no-such-layout[\s\S]{0,400}\n\s+at /);
  });

  it('bounds the event streams one client holds (429 past the limit) and frees a slot when one closes', async () => {
    const open = async () => {
      const ctrl = new AbortController();
      const res = await fetch(`${app.url}/api/wall/demo/events`, { headers: ADMIN_AUTH, signal: ctrl.signal });
      return { status: res.status, close: () => ctrl.abort() };
    };
    const streams = [];
    for (let i = 0; i < 24; i++) streams.push(await open());
    expect(streams.map((s) => s.status)).toEqual(Array(24).fill(200));
    const extra = await open();
    expect(extra.status).toBe(429);
    await expectAlive();
    streams.pop()!.close();
    // The server sees the close asynchronously: the slot comes back within moments.
    const again = await waitFor(
      'a freed stream slot',
      async () => {
        const s = await open();
        if (s.status === 200) return s;
        return undefined;
      },
      10_000,
    );
    for (const s of [...streams, again]) s.close();
  });

  it('gives every answer a request id', async () => {
    const r = await call(trpcGet('kpi.rows', rowsWithSort('constructor')));
    expect(r.requestId).toMatch(/^[0-9a-f]{12}$/);
  });
});
