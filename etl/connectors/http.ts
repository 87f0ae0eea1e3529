import type { HttpSourceConfig, HttpWindow } from './types';

// Pulls a time window from a vendor's paged JSON API. Source systems behind such APIs are old and busy:
// they time out, shed load with 429/503 and come back, so transient failures are retried with capped
// exponential back-off and full jitter (many jobs retrying in lock-step would knock the API over again).
// Anything else a retry cannot fix (400, 401, 404, a body without records) fails the run at once.

export class HttpSourceError extends Error {
  constructor(
    message: string,
    readonly url: string,
    /** HTTP status of the last attempt; undefined for a network error or timeout. */
    readonly status?: number,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'HttpSourceError';
  }
}

export interface FetchWindowOptions {
  /** Test seams: the delay between attempts and the random source of the jitter. */
  sleep?: (ms: number) => Promise<void>;
  random?: () => number;
}

const defaultSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Value at a dotted path ("data.records") of a parsed JSON body. */
export function valueAt(body: unknown, path: string): unknown {
  let cur: unknown = body;
  for (const key of path.split('.')) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = (cur as Record<string, unknown>)[key];
  }
  return cur;
}

/** Retry-After as seconds or an HTTP date, in ms; null when absent or unreadable. */
export function retryAfterMs(header: string | null, now = Date.now()): number | null {
  if (!header) return null;
  const text = header.trim();
  if (/^\d+(\.\d+)?$/.test(text)) return Number(text) * 1000;
  const at = Date.parse(text);
  return Number.isNaN(at) ? null : Math.max(0, at - now);
}

const retryable = (status: number) => status === 429 || status === 408 || status >= 500;

export function pageUrl(cfg: HttpSourceConfig, window: HttpWindow, page: number): string {
  const url = new URL(cfg.baseUrl.replace(/\/+$/, '') + '/' + cfg.path.replace(/^\/+/, ''));
  url.searchParams.set(cfg.params.from, window.from);
  url.searchParams.set(cfg.params.to, window.to);
  url.searchParams.set(cfg.params.page, String(page));
  url.searchParams.set(cfg.params.pageSize, String(cfg.pageSize));
  return url.toString();
}

async function getJson(cfg: HttpSourceConfig, url: string, opts: FetchWindowOptions): Promise<unknown> {
  const sleep = opts.sleep ?? defaultSleep;
  const random = opts.random ?? Math.random;
  const attempts = Math.max(1, cfg.retry.attempts);
  let last = '';
  let lastStatus: number | undefined;
  let lastCause: unknown;
  for (let attempt = 1; attempt <= attempts; attempt++) {
    let wait: number | null = null;
    try {
      // The signal also bounds reading the body: a server that sends headers and then stalls still times out.
      const res = await fetch(url, { headers: { accept: 'application/json', ...cfg.headers }, signal: AbortSignal.timeout(cfg.timeoutMs) });
      if (res.ok) {
        const text = await res.text();
        try {
          return JSON.parse(text);
        } catch {
          throw new HttpSourceError(`GET ${url}: response is not JSON (${text.slice(0, 80)})`, url, res.status);
        }
      }
      const detail = (await res.text().catch(() => '')).slice(0, 200);
      lastStatus = res.status;
      last = `HTTP ${res.status}${detail ? ` ${detail}` : ''}`;
      if (!retryable(res.status)) throw new HttpSourceError(`GET ${url} failed: ${last}`, url, res.status);
      wait = retryAfterMs(res.headers.get('retry-after'));
    } catch (err) {
      if (err instanceof HttpSourceError) throw err;
      lastStatus = undefined;
      lastCause = err;
      const e = err as Error & { cause?: { code?: string } };
      last =
        e.name === 'TimeoutError' || e.name === 'AbortError'
          ? `timed out after ${cfg.timeoutMs} ms`
          : `${e.message}${e.cause?.code ? ` (${e.cause.code})` : ''}`;
    }
    if (attempt === attempts) break;
    const backoff = random() * Math.min(cfg.retry.maxDelayMs, cfg.retry.baseDelayMs * 2 ** (attempt - 1));
    // The server's own Retry-After wins over our guess, but within the cap: a scheduled job should fail and
    // let the next run catch up rather than sit for minutes.
    await sleep(wait === null ? backoff : Math.min(cfg.retry.maxDelayMs, Math.max(wait, backoff)));
  }
  throw new HttpSourceError(`GET ${url} failed after ${attempts} attempt(s): ${last}`, url, lastStatus, { cause: lastCause });
}

/**
 * Every page of records in `window`, one array per page. Stops at the reported page count when the body
 * carries one, otherwise at the first short or empty page. The next page is asked for while the caller loads
 * this one: one request ahead, never more (the APIs are old and busy), and only when there is a next page.
 */
export async function* fetchWindow(
  cfg: HttpSourceConfig,
  window: HttpWindow,
  opts: FetchWindowOptions = {},
): AsyncGenerator<Record<string, unknown>[]> {
  const get = (page: number) => {
    const url = pageUrl(cfg, window, page);
    const answer = getJson(cfg, url, opts).then((body) => ({ url, body }));
    // Awaited when its turn comes; a caller that stops early never sees it fail.
    answer.catch(() => undefined);
    return answer;
  };
  let next = get(1);
  for (let page = 1; ; page++) {
    const { url, body } = await next;
    const records = valueAt(body, cfg.recordsPath);
    if (!Array.isArray(records)) throw new HttpSourceError(`GET ${url}: no array at "${cfg.recordsPath}" in the response`, url, 200);
    let more: boolean;
    if (cfg.totalPagesPath) {
      const pages = Number(valueAt(body, cfg.totalPagesPath));
      if (!Number.isFinite(pages)) throw new HttpSourceError(`GET ${url}: no page count at "${cfg.totalPagesPath}"`, url, 200);
      more = page < pages && records.length > 0;
    } else more = records.length >= cfg.pageSize;
    if (more) next = get(page + 1);
    if (records.length > 0) yield records as Record<string, unknown>[];
    if (!more) return;
  }
}
