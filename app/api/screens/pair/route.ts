import { startPairing } from '@/server/auth/pairing';
import { getRuntime } from '@/server/runtime';

export const dynamic = 'force-dynamic';

/**
 * POST /api/screens/pair — a wall screen asks to be paired (no sign-in: the screen has nobody at it). Answers
 * the code to show and the poll key only this screen holds; an administrator approves the code under
 * 管理 › 大屏终端. Open pairings are capped, so a flood of requests cannot fill the table.
 */
export async function POST(req: Request) {
  const rt = await getRuntime();
  try {
    const p = await startPairing(rt.db, req.headers.get('user-agent'), Date.now());
    return Response.json(p, { headers: { 'cache-control': 'no-store' } });
  } catch (err) {
    return Response.json({ error: err instanceof Error ? err.message : 'pairing failed' }, { status: 429 });
  }
}
