import type { IncomingMessage, ServerResponse } from 'node:http';
import { formatLocal } from '@/core/time';
import { rng, seedOf, pick } from './random';
import { parseInstant, sendJson as send } from './vendor-api';

// The customer-service system's supervision (督办) intake, next to its work-order list: the monitoring hall
// posts a supervision item, the system files it against the responsible unit, and that unit replies some
// minutes later. The delay is drawn from the seed and the item's number, and the reply appears when the
// API's clock (`now()`) passes it, so tests move a fake clock instead of waiting.
//
//   POST /api/supervision      { supervisionNo?, orderNo?, orgCode, title, content, deadline (local time) }
//                              → { success: true, result: { superviseId } }
//   GET  /api/supervision/{id} → { success: true, result: { superviseId, status: '处理中' | '已回复', replyContent, replyTime } }
//
// Errors come in the vendor's envelope ({ success: false, errorCode, errorMessage, result: null }).

export const SUPERVISION_PATH = '/api/supervision';

/** The simulated unit replies between these many minutes after the item arrives. */
export const REPLY_DELAY_MINUTES = { min: 20, max: 90 } as const;

const MAX_BODY = 64 * 1024;
const MINUTE = 60_000;

interface Item {
  superviseId: string;
  supervisionNo: string | null;
  orderNo: string | null;
  orgCode: string;
  title: string;
  content: string;
  deadline: number;
  createdAt: number;
  replyAt: number;
  replyContent: string;
}

const REPLIES = [
  '已安排专人核实处理，客户诉求已解决并电话回访，客户表示满意。',
  '经核查，系现场抢修人员不足导致超时，已增派人员，工单已办结。',
  '已联系客户说明情况并致歉，后续将加强时限管控。',
  '已督促责任班组限时处理，处理结果已录入系统。',
];

/** Minutes after arrival the simulated unit replies to the item numbered `key` (deterministic per seed). */
export function supervisionReplyDelayMinutes(seed: number, key: string): number {
  const r = rng(seedOf(seed, 'supervision', key));
  return REPLY_DELAY_MINUTES.min + Math.floor(r() * (REPLY_DELAY_MINUTES.max - REPLY_DELAY_MINUTES.min + 1));
}

export interface SupervisionDesk {
  /** Answers the request when its path is the supervision intake's; false when it is not (the caller routes on). */
  route(req: IncomingMessage, res: ServerResponse, url: URL): boolean;
  /** Items received so far. */
  readonly size: number;
}

type Fail = (res: ServerResponse, status: number, message: string) => void;

export function supervisionDesk(opts: { seed: number; tz: string; now: () => number; fail: Fail }): SupervisionDesk {
  const items = new Map<string, Item>();
  let seq = 0;

  const create = (body: unknown, res: ServerResponse) => {
    const b = (typeof body === 'object' && body !== null && !Array.isArray(body) ? body : {}) as Record<string, unknown>;
    const str = (k: string, max: number) => {
      const v = b[k];
      return typeof v === 'string' && v.trim() !== '' && v.length <= max ? v.trim() : null;
    };
    const orgCode = str('orgCode', 9);
    const title = str('title', 200);
    const content = str('content', 2000);
    const deadlineText = str('deadline', 40);
    const deadline = deadlineText === null ? null : parseInstant(deadlineText, opts.tz);
    const missing = [
      orgCode === null || !/^\d{2,9}$/.test(orgCode) ? 'orgCode' : null,
      title === null ? 'title' : null,
      content === null ? 'content' : null,
      deadline === null ? 'deadline' : null,
    ].filter((x) => x !== null);
    if (missing.length) return opts.fail(res, 400, `invalid or missing: ${missing.join(', ')}`);
    const now = opts.now();
    if (deadline! <= now) return opts.fail(res, 400, 'deadline must be in the future');
    seq++;
    const supervisionNo = str('supervisionNo', 64);
    const key = supervisionNo ?? `#${seq}`;
    const superviseId = `DB${formatLocal(now, opts.tz).slice(0, 10).replaceAll('-', '')}${String(seq).padStart(5, '0')}`;
    const r = rng(seedOf(opts.seed, 'supervision-reply', key));
    items.set(superviseId, {
      superviseId,
      supervisionNo,
      orderNo: str('orderNo', 64),
      orgCode: orgCode!,
      title: title!,
      content: content!,
      deadline: deadline!,
      createdAt: now,
      replyAt: now + supervisionReplyDelayMinutes(opts.seed, key) * MINUTE,
      replyContent: pick(r, REPLIES),
    });
    send(res, 200, { success: true, result: { superviseId } });
  };

  const show = (id: string, res: ServerResponse) => {
    const item = items.get(id);
    if (!item) return opts.fail(res, 404, `no supervision item ${id}`);
    const replied = opts.now() >= item.replyAt;
    send(res, 200, {
      success: true,
      result: {
        superviseId: item.superviseId,
        status: replied ? '已回复' : '处理中',
        replyContent: replied ? item.replyContent : '',
        replyTime: replied ? formatLocal(item.replyAt, opts.tz).slice(0, 19) : null,
      },
    });
  };

  return {
    route(req, res, url) {
      if (url.pathname === SUPERVISION_PATH) {
        if (req.method !== 'POST') {
          opts.fail(res, 405, 'use POST');
          return true;
        }
        readJson(req).then(
          (body) => create(body, res),
          (err: unknown) => opts.fail(res, 400, err instanceof Error ? err.message : 'bad request body'),
        );
        return true;
      }
      if (url.pathname.startsWith(`${SUPERVISION_PATH}/`)) {
        if (req.method !== 'GET') opts.fail(res, 405, 'use GET');
        else show(decodeURIComponent(url.pathname.slice(SUPERVISION_PATH.length + 1)), res);
        return true;
      }
      return false;
    },
    get size() {
      return items.size;
    },
  };
}

function readJson(req: IncomingMessage): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > MAX_BODY) {
        reject(new Error('request body too large'));
        req.destroy();
        return;
      }
      chunks.push(c);
    });
    req.on('end', () => {
      try {
        resolve(JSON.parse(Buffer.concat(chunks).toString('utf8')));
      } catch {
        reject(new Error('request body is not JSON'));
      }
    });
    req.on('error', reject);
  });
}
