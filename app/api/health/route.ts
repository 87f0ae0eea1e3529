import { NextResponse } from 'next/server';
import { checkHealth, configuredSources } from '@/server/health';
import { getRuntime } from '@/server/runtime';

export const dynamic = 'force-dynamic';

/** GET /api/health — 200 when up (ok or degraded), 503 when ClickHouse or the database is down. */
export async function GET(req: Request) {
  try {
    const rt = await getRuntime();
    const health = await checkHealth(rt, configuredSources(rt.env));
    // Anyone may ask whether the system is up; what is late and why is for signed-in callers.
    const signedIn = (await rt.auth.resolve(req.headers, Date.now()).catch(() => ({ principal: null }))).principal !== null;
    // Per duty channel: messages sent, failed, throttled and waiting in the last 24 h, and the last attempt.
    const body = signedIn
      ? { ...health, channels: await rt.duty.desk.channelHealth().catch(() => null) }
      : { status: health.status, time: health.time };
    return NextResponse.json(body, { status: health.status === 'down' ? 503 : 200, headers: { 'cache-control': 'no-store' } });
  } catch (err) {
    console.error('[health] check failed:', err instanceof Error ? err.message : err);
    return NextResponse.json(
      // The detail stays in the log: it may name paths, hosts or driver messages.
      { status: 'down', time: new Date().toISOString() },
      { status: 503, headers: { 'cache-control': 'no-store' } },
    );
  }
}
