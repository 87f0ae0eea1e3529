import { randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';

// Bounds every request meets before Next or tRPC sees it, checked from the request line and headers alone:
// a 400 MB body to rules.import used to be read in full before being refused; now it is refused (413) from
// its Content-Length with the body unread and the connection closed.

export interface RequestLimits {
  maxBodyBytes: number;
  maxUrlBytes: number;
}

export const REQUEST_ID_HEADER = 'x-request-id';

const BODY_METHODS = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/** A short id the log lines and the client both carry (response header, and the message of a 5xx). */
export const newRequestId = () => randomBytes(6).toString('hex');

/**
 * Gives the request its id (replacing any the client sent: the log must be able to trust it) and refuses it
 * when it is over a bound. Returns false when it answered the request itself.
 */
export function guardRequest(req: IncomingMessage, res: ServerResponse, limits: RequestLimits): boolean {
  const id = newRequestId();
  req.headers[REQUEST_ID_HEADER] = id;
  res.setHeader(REQUEST_ID_HEADER, id);
  if ((req.url ?? '').length > limits.maxUrlBytes) {
    refuse(
      res,
      414,
      id,
      `请求地址过长（上限 ${limits.maxUrlBytes} 字节），请减少一次请求的内容 (URL longer than ${limits.maxUrlBytes} bytes; ask for less per request)`,
    );
    return false;
  }
  const length = req.headers['content-length'];
  if (length !== undefined) {
    const n = Number(length);
    if (!Number.isSafeInteger(n) || n < 0) {
      refuse(res, 400, id, 'Content-Length 无效 (invalid Content-Length)');
      return false;
    }
    if (n > limits.maxBodyBytes) {
      refuse(res, 413, id, `请求体过大：${n} 字节，上限 ${limits.maxBodyBytes} 字节 (body of ${n} bytes; at most ${limits.maxBodyBytes})`);
      return false;
    }
  } else if (req.headers['transfer-encoding'] !== undefined && BODY_METHODS.has(req.method ?? '')) {
    // A body of unknown length could only be bounded by reading it; every client of this API sends a length.
    refuse(res, 411, id, '请求须带 Content-Length (Content-Length required)');
    return false;
  }
  return true;
}

/** Answers and closes the connection: the body the client may still be sending is never read. */
function refuse(res: ServerResponse, status: number, requestId: string, message: string): void {
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', connection: 'close' });
  res.end(JSON.stringify({ error: { message, requestId } }), () => res.socket?.destroySoon?.());
}
