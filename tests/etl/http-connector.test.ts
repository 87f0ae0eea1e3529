import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { HttpSourceError, fetchWindow, retryAfterMs, type FetchWindowOptions } from '@/etl/connectors/http';
import type { HttpSourceConfig } from '@/etl/connectors/types';

const servers: Server[] = [];
afterEach(async () => {
  for (const s of servers.splice(0)) {
    s.closeAllConnections();
    await new Promise((r) => s.close(r));
  }
});

type Handler = (req: IncomingMessage, res: ServerResponse, url: URL) => void;

async function serve(handler: Handler): Promise<string> {
  const server = createServer((req, res) => handler(req, res, new URL(req.url!, 'http://x')));
  servers.push(server);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

const json = (res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) => {
  res.writeHead(status, { 'content-type': 'application/json', ...headers });
  res.end(JSON.stringify(body));
};

const cfg = (baseUrl: string, over: Partial<HttpSourceConfig> = {}): HttpSourceConfig => ({
  baseUrl,
  path: '/api/cdr',
  params: { from: 'start', to: 'end', page: 'pageNo', pageSize: 'pageSize' },
  pageSize: 10,
  recordsPath: 'data.records',
  totalPagesPath: 'data.pages',
  retry: { attempts: 4, baseDelayMs: 10, maxDelayMs: 50 },
  timeoutMs: 2000,
  ...over,
});
const WINDOW = { from: '2026-11-23T00:00:00.000Z', to: '2026-11-23T01:00:00.000Z' };

async function collect(c: HttpSourceConfig, opts: FetchWindowOptions = {}): Promise<Record<string, unknown>[]> {
  const out: Record<string, unknown>[] = [];
  for await (const page of fetchWindow(c, WINDOW, opts)) out.push(...page);
  return out;
}

/** A sleep that returns at once and records what it was asked to wait: the delays are checked, not timed. */
function recordingSleep(): { waits: number[]; sleep: (ms: number) => Promise<void> } {
  const waits: number[] = [];
  return { waits, sleep: async (ms) => void waits.push(ms) };
}

/** 25 records, paged as asked; records every request's query. */
function pagedApi(seen: URLSearchParams[]): Handler {
  const all = Array.from({ length: 25 }, (_, i) => ({ id: i + 1 }));
  return (_req, res, url) => {
    seen.push(url.searchParams);
    const page = Number(url.searchParams.get('pageNo'));
    const size = Number(url.searchParams.get('pageSize'));
    json(res, 200, {
      code: 0,
      data: { records: all.slice((page - 1) * size, page * size), pages: Math.ceil(all.length / size), total: 25 },
    });
  };
}

describe('HTTP connector', () => {
  it('reads every page of the window, passing the window and paging in the configured parameters', async () => {
    const seen: URLSearchParams[] = [];
    const url = await serve(pagedApi(seen));
    const rows = await collect(cfg(url));
    expect(rows.map((r) => r.id)).toEqual(Array.from({ length: 25 }, (_, i) => i + 1));
    expect(seen.map((q) => q.get('pageNo'))).toEqual(['1', '2', '3']);
    expect(seen[0]!.get('start')).toBe(WINDOW.from);
    expect(seen[0]!.get('end')).toBe(WINDOW.to);
    expect(seen[0]!.get('pageSize')).toBe('10');
  });

  it('asks for the next page while the caller loads this one, one request ahead and never past the last', async () => {
    const seen: URLSearchParams[] = [];
    const url = await serve(pagedApi(seen));
    /** Resolves once the API has been asked for `n` pages (without read-ahead, never while a page is held). */
    const asked = (n: number) =>
      new Promise<void>((resolve) => {
        const check = () => (seen.length >= n ? resolve() : setTimeout(check, 5));
        check();
      });
    const log: string[] = [];
    let page = 0;
    for await (const records of fetchWindow(cfg(url), WINDOW)) {
      page++;
      // While the caller still holds page 1 (and 2), the API is asked for the next one.
      if (page < 3) await asked(page + 1);
      log.push(`page ${page} (${records.length}); asked: ${seen.map((q) => q.get('pageNo')).join(',')}`);
    }
    expect(log).toEqual(['page 1 (10); asked: 1,2', 'page 2 (10); asked: 1,2,3', 'page 3 (5); asked: 1,2,3']);
  });

  it('without a page count, stops at the first short page', async () => {
    const seen: URLSearchParams[] = [];
    const url = await serve(pagedApi(seen));
    const rows = await collect(cfg(url, { totalPagesPath: undefined }));
    expect(rows).toHaveLength(25);
    expect(seen).toHaveLength(3);
  });

  it('retries 503 with back-off and then succeeds', async () => {
    let calls = 0;
    const url = await serve((_req, res) => {
      calls++;
      if (calls <= 2) return json(res, 503, { msg: 'busy' });
      json(res, 200, { data: { records: [{ id: 1 }], pages: 1 } });
    });
    expect(await collect(cfg(url))).toEqual([{ id: 1 }]);
    expect(calls).toBe(3);
  });

  it('honours Retry-After on 429', async () => {
    let calls = 0;
    const url = await serve((_req, res) => {
      calls++;
      if (calls === 1) return json(res, 429, { msg: 'slow down' }, { 'retry-after': '1' });
      json(res, 200, { data: { records: [{ id: 1 }], pages: 1 } });
    });
    const { waits, sleep } = recordingSleep();
    // random() = 1: the back-off guess is at its largest (1 ms), so only Retry-After can make the wait 1 s.
    await collect(cfg(url, { retry: { attempts: 3, baseDelayMs: 1, maxDelayMs: 5000 } }), { sleep, random: () => 1 });
    expect(waits).toEqual([1000]);
    expect(calls).toBe(2);
    expect(retryAfterMs('Wed, 21 Oct 2015 07:28:10 GMT', Date.parse('2015-10-21T07:28:00Z'))).toBe(10_000);
  });

  it('fails at once on a 400, naming the URL and the status', async () => {
    let calls = 0;
    const url = await serve((_req, res) => {
      calls++;
      json(res, 400, { msg: 'bad window' });
    });
    const err = await collect(cfg(url)).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(HttpSourceError);
    expect((err as HttpSourceError).status).toBe(400);
    expect((err as Error).message).toContain(`${url}/api/cdr?`);
    expect((err as Error).message).toContain('HTTP 400');
    expect(calls).toBe(1);
  });

  it('times out a server that never answers', async () => {
    let calls = 0;
    const url = await serve(() => {
      calls++; // and never respond
    });
    // No ceiling on the elapsed time: the server never answers, so this test only finishes at all because the
    // per-request timeout cut both attempts (otherwise it hangs into vitest's test timeout and fails).
    const err = await collect(cfg(url, { timeoutMs: 200, retry: { attempts: 2, baseDelayMs: 10, maxDelayMs: 10 } })).catch(
      (e: unknown) => e,
    );
    expect((err as Error).message).toMatch(/failed after 2 attempt\(s\): timed out after 200 ms/);
    expect(calls).toBe(2);
  });

  it('gives up after the configured attempts with the last status', async () => {
    let calls = 0;
    const url = await serve((_req, res) => {
      calls++;
      json(res, 502, { msg: 'bad gateway' });
    });
    const err = await collect(cfg(url, { retry: { attempts: 3, baseDelayMs: 5, maxDelayMs: 20 } })).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(HttpSourceError);
    expect((err as HttpSourceError).status).toBe(502);
    expect((err as Error).message).toMatch(/^GET http:\/\/127\.0\.0\.1:\d+\/api\/cdr\?.* failed after 3 attempt\(s\): HTTP 502/);
    expect(calls).toBe(3);
  });

  it('retries a refused connection, then reports it', async () => {
    const url = await serve(() => undefined);
    const dead = servers.pop()!;
    await new Promise((r) => dead.close(r));
    const err = await collect(cfg(url, { retry: { attempts: 2, baseDelayMs: 5, maxDelayMs: 5 } })).catch((e: unknown) => e);
    expect((err as Error).message).toMatch(/failed after 2 attempt\(s\): .*ECONNREFUSED/);
  });

  it('refuses a body without records at the configured path', async () => {
    const url = await serve((_req, res) => json(res, 200, { code: 0, data: { rows: [] } }));
    await expect(collect(cfg(url))).rejects.toThrow('no array at "data.records"');
  });
});
