import { NextResponse } from 'next/server';
import { checkHealth, configuredSources } from '@/server/health';
import { getRuntime } from '@/server/runtime';

export const dynamic = 'force-dynamic';

/** GET /api/health — 200 when up (ok or degraded), 503 when ClickHouse or the database is down. */
export async function GET() {
  try {
    const rt = await getRuntime();
    const health = await checkHealth(rt, configuredSources(rt.env));
    return NextResponse.json(health, { status: health.status === 'down' ? 503 : 200, headers: { 'cache-control': 'no-store' } });
  } catch (err) {
    return NextResponse.json(
      { status: 'down', time: new Date().toISOString(), error: err instanceof Error ? err.message : String(err) },
      { status: 503, headers: { 'cache-control': 'no-store' } },
    );
  }
}
