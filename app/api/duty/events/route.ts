import { can } from '@/server/auth/roles';
import { orgScope } from '@/server/auth/scope';
import { getRuntime } from '@/server/runtime';

export const dynamic = 'force-dynamic';

const HEARTBEAT_MS = 15_000;

/**
 * GET /api/duty/events — server push for the duty desk and the alert toast on every page (Server-Sent
 * Events): `alert` for each change of an alert in the caller's org scope (fired, severity, phase, escalated,
 * recovered), as the duty router publishes it on the bus, from whichever process handled it.
 */
export async function GET(req: Request) {
  const rt = await getRuntime();
  const who = await rt.auth.resolve(req.headers, Date.now());
  const principal = who.principal;
  if (!principal) return new Response('sign in required', { status: 401 });
  if (!can(principal.role, 'alerts.read')) return new Response('forbidden', { status: 403 });
  const scope = orgScope(principal);
  const client = `${principal.id}@${req.headers.get('x-monitor-client-ip') ?? '-'}`;
  const release = rt.streams.acquire(client);
  if (!release) return new Response('too many open event streams for this client', { status: 429 });

  const enc = new TextEncoder();
  let cleanup: (() => void) | null = null;
  const stream = new ReadableStream<Uint8Array>({
    start(controller) {
      let closed = false;
      const send = (event: string, data: unknown) => {
        if (closed) return;
        try {
          controller.enqueue(enc.encode(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`));
        } catch {
          cleanup?.();
        }
      };
      const unsubscribe = rt.duty.bus.subscribe((e) => {
        if (scope.contains(e.orgCode)) send('alert', e);
      });
      const unrevoke = rt.auth.events.subscribe((e) => {
        if ((e.type === 'token-revoked' && e.tokenId === principal.tokenId) || (e.type === 'user-ended' && e.userId === principal.userId)) {
          send('revoked', { reason: e.type });
          cleanup?.();
        }
      });
      const heartbeat = setInterval(() => send('heartbeat', { serverNow: Date.now() }), HEARTBEAT_MS);
      cleanup = () => {
        if (closed) return;
        closed = true;
        clearInterval(heartbeat);
        unsubscribe();
        unrevoke();
        release();
        try {
          controller.close();
        } catch {
          // already closed by the client
        }
      };
      req.signal.addEventListener('abort', () => cleanup?.());
      controller.enqueue(enc.encode('retry: 3000\n\n'));
      send('hello', { serverNow: Date.now(), orgCode: scope.orgCode });
    },
    cancel() {
      cleanup?.();
    },
  });
  return new Response(stream, {
    headers: {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache, no-store, no-transform',
      connection: 'keep-alive',
      'x-accel-buffering': 'no',
    },
  });
}
