import { can } from '@/server/auth/roles';
import { orgScope } from '@/server/auth/scope';
import { getRuntime } from '@/server/runtime';

export const dynamic = 'force-dynamic';

const HEARTBEAT_MS = 5_000;
const SLUG = /^[a-z0-9][a-z0-9-]{0,39}$/;

/**
 * GET /api/wall/<layout>/events — server push for the screens and the console of a layout (Server-Sent
 * Events): a `snapshot` of every zone's control state on connect, then `control` (a console action on a zone)
 * and `layout` (a new layout version) as they happen, `zone` (a zone's answer recomputed after data committed:
 * the screens showing it fetch it now), `banner` (a red alert for a unit on this wall), and a `heartbeat` with the server clock every 5 s so a
 * screen notices a dead stream and keeps its rotation on server time. Screens poll `wall.state` while it is down.
 */
export async function GET(req: Request, { params }: { params: Promise<{ layout: string }> }) {
  const { layout } = await params;
  if (!SLUG.test(layout)) return new Response('bad layout id', { status: 400 });
  const rt = await getRuntime();
  // The same principal rules as wall.state: signed in with wall.read, a paired screen only for its layout.
  const who = await rt.auth.resolve(req.headers, Date.now());
  const principal = who.principal;
  if (!principal) return new Response('sign in required', { status: 401 });
  if (!can(principal.role, 'wall.read')) return new Response('forbidden', { status: 403 });
  if (principal.kind === 'display' && principal.layoutId !== layout)
    return new Response('screen not paired with this layout', { status: 403 });
  const svc = rt.wall;
  const stored = await svc.getLayout(layout).catch(() => null);
  if (!stored) return new Response(`no wall layout ${layout}`, { status: 404 });
  // As wall.state: a layout is the principal's when one of its zones lies in their org scope.
  const scope = orgScope(principal);
  if (!stored.layout.zones.some((z) => scope.contains(z.orgCode))) return new Response('no access to this layout', { status: 403 });

  // One client (principal and address) holds a bounded number of streams; the next is refused.
  const client = `${principal.id}@${req.headers.get('x-monitor-client-ip') ?? '-'}`;
  const release = rt.streams.acquire(client);
  if (!release) return new Response('too many open event streams for this client', { status: 429 });

  const enc = new TextEncoder();
  let cleanup: (() => void) | null = null;
  const stream = new ReadableStream<Uint8Array>({
    async start(controller) {
      let closed = false;
      const send = (event: string, data: unknown) => {
        if (closed) return;
        try {
          controller.enqueue(enc.encode(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`));
        } catch {
          cleanup?.();
        }
      };
      // Subscribe before reading the snapshot, so a change in between is not lost (at worst it comes twice).
      const unsubscribe = rt.wallEvents.subscribe(layout, (e) => send(e.type, { ...e, serverNow: Date.now() }));
      const unwatch = svc.watch(layout);
      // While a screen holds the stream, the layout's stored zone answers follow the clock as well as commits.
      const unzones = svc.zones.watch(layout);
      // The alert banner: a red alert whose routing policy has the banner on reaches every wall showing its
      // unit at once (from whichever process routed it: the duty bus is PostgreSQL LISTEN/NOTIFY).
      const zoneOrgs = stored.layout.zones.map((z) => z.orgCode);
      const unbanner = rt.duty.bus.subscribe((e) => {
        if (e.banner && zoneOrgs.some((o) => e.orgCode.startsWith(o) || o.startsWith(e.orgCode)))
          send('banner', {
            eventId: e.eventId,
            severity: e.severity,
            orgCode: e.orgCode,
            orgName: e.orgName,
            title: e.title,
            titleEn: e.titleEn,
            at: e.at,
          });
      });
      // Revoking the token (or disabling the user) closes the stream at once; the screen's reconnect is refused.
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
        unwatch();
        unzones();
        unbanner();
        unrevoke();
        release();
        try {
          controller.close();
        } catch {
          // already closed by the client
        }
      };
      req.signal.addEventListener('abort', () => cleanup?.());
      controller.enqueue(enc.encode('retry: 2000\n\n'));
      try {
        const [stored, controls] = await Promise.all([svc.requireLayout(layout), svc.controls(layout)]);
        send('snapshot', { version: stored.version, controls, serverNow: Date.now() });
      } catch {
        cleanup();
      }
    },
    cancel() {
      cleanup?.();
    },
  });
  return new Response(stream, {
    headers: {
      'content-type': 'text/event-stream; charset=utf-8',
      // no-transform: the server's gzip must not buffer the stream.
      'cache-control': 'no-cache, no-store, no-transform',
      connection: 'keep-alive',
      'x-accel-buffering': 'no',
    },
  });
}
