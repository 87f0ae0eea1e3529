import type { SendContext, SendResult } from '../types';

// The one HTTP call the robot and webhook drivers make: POST JSON, read the answer, and turn a network error or
// an unreadable answer into a SendResult instead of a throw.

export interface HttpAnswer {
  status: number;
  headers: Headers;
  text: string;
  json: unknown;
}

export async function postJson(
  url: string,
  body: string,
  ctx: SendContext,
  headers: Record<string, string> = {},
): Promise<HttpAnswer | SendResult> {
  let res: Response;
  try {
    res = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json; charset=utf-8', ...headers },
      body,
      signal: ctx.signal,
    });
  } catch (e) {
    return { outcome: 'failed', detail: `network: ${errorText(e)}` };
  }
  let text = '';
  try {
    text = await res.text();
  } catch (e) {
    return { outcome: 'failed', detail: `network: ${errorText(e)}` };
  }
  let json: unknown = undefined;
  try {
    json = text ? JSON.parse(text) : undefined;
  } catch {
    json = undefined;
  }
  return { status: res.status, headers: res.headers, text, json };
}

export const isResult = (a: HttpAnswer | SendResult): a is SendResult => 'outcome' in a;

export function errorText(e: unknown): string {
  if (e instanceof Error) {
    const cause = (e as Error & { cause?: unknown }).cause;
    return cause instanceof Error ? `${e.message} (${cause.message})` : e.message;
  }
  return String(e);
}

/** An HTTP answer without the service's JSON: 5xx is transient, 429 is throttling, other 4xx are permanent. */
export function byStatus(a: HttpAnswer, service: string): SendResult {
  const detail = `${service} HTTP ${a.status}: ${a.text.slice(0, 200)}`;
  if (a.status === 429) return { outcome: 'throttled', detail, retryAfterMs: retryAfter(a.headers) ?? 60_000 };
  if (a.status >= 500) return { outcome: 'failed', detail };
  if (a.status >= 400) return { outcome: 'rejected', detail };
  return { outcome: 'failed', detail: `${service}: unreadable answer (HTTP ${a.status})` };
}

export function retryAfter(h: Headers): number | undefined {
  const v = h.get('retry-after');
  if (!v) return undefined;
  const s = Number(v);
  if (Number.isFinite(s)) return Math.max(0, s * 1000);
  const d = Date.parse(v);
  return Number.isFinite(d) ? Math.max(0, d - Date.now()) : undefined;
}

/** Rejects when the signal aborts, for clients that take no AbortSignal (the Aliyun SDK, nodemailer, smpp). */
export function abortable<T>(p: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(signal.reason ?? new Error('aborted'));
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason ?? new Error('aborted'));
    signal.addEventListener('abort', onAbort, { once: true });
    p.then(
      (v) => {
        signal.removeEventListener('abort', onAbort);
        resolve(v);
      },
      (e: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(e instanceof Error ? e : new Error(String(e)));
      },
    );
  });
}
