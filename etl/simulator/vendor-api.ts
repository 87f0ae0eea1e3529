import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { parseLocal } from '@/core/time';

// What the simulated vendors' paged HTTP APIs (the CTI's, the work-order system's) share: the server, its
// on/off switch for outage tests, the request count and the way times arrive. Each vendor keeps its own
// routes, parameter names and envelope.

export type VendorRecord = Record<string, unknown>;

export interface VendorApi {
  url: string;
  /** While down every request gets 503, like the vendor's gateway in front of a dead application server. */
  setDown(down: boolean): void;
  /** Requests served so far (any status). */
  readonly requests: number;
  close(): Promise<void>;
}

export function sendJson(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8' });
  res.end(JSON.stringify(body));
}

/** A window bound as the connector sends it (ISO instant) or as a person types it (local wall clock). */
export function parseInstant(text: string | null, tz: string): number | null {
  if (!text) return null;
  if (/[zZ]$|[+-]\d{2}:?\d{2}$/.test(text)) {
    const ms = Date.parse(text);
    return Number.isNaN(ms) ? null : ms;
  }
  return parseLocal(text, tz);
}

/**
 * Serves `handle` on host:port (0: an ephemeral port). While set down, and when `handle` throws, the
 * vendor's own error body goes out (`error(res, status, message)`) with 503 or 500.
 */
export async function serveVendorApi(opts: {
  host?: string;
  port?: number;
  handle(req: IncomingMessage, res: ServerResponse): void;
  error(res: ServerResponse, status: number, message: string): void;
}): Promise<VendorApi> {
  let down = false;
  let requests = 0;
  const server = createServer((req, res) => {
    requests++;
    if (down) return opts.error(res, 503, 'service unavailable');
    try {
      opts.handle(req, res);
    } catch (err) {
      opts.error(res, 500, err instanceof Error ? err.message : String(err));
    }
  });
  const host = opts.host ?? '127.0.0.1';
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, host, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://${host}:${port}`,
    setDown(value: boolean) {
      down = value;
    },
    get requests() {
      return requests;
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((err) => (err ? reject(err) : resolve()));
      }),
  };
}
