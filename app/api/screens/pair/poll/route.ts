import { z } from 'zod';
import { pollPairing } from '@/server/auth/pairing';
import { DISPLAY_COOKIE } from '@/server/auth/resolve';
import { getRuntime } from '@/server/runtime';
import { PROVINCE } from '@/core/org/divisions';

export const dynamic = 'force-dynamic';

const body = z.object({ pollKey: z.string().max(64) });
const ONE_YEAR_S = 365 * 86_400;

/**
 * POST /api/screens/pair/poll — the pairing screen's poll. Once an administrator approved its code, the
 * display token is set as an httpOnly cookie (never readable by page scripts) and the answer names the layout
 * and zone to show; the token is minted once.
 */
export async function POST(req: Request) {
  const parsed = body.safeParse(await req.json().catch(() => null));
  if (!parsed.success) return Response.json({ error: 'expected { pollKey }' }, { status: 400 });
  const rt = await getRuntime();
  const r = await pollPairing(rt.db, parsed.data.pollKey, Date.now(), PROVINCE.code);
  if (r.status !== 'paired') return Response.json(r, { headers: { 'cache-control': 'no-store' } });
  const secure = new URL(req.url).protocol === 'https:' ? '; Secure' : '';
  return Response.json(
    { status: 'paired', layoutId: r.layoutId, zoneId: r.zoneId },
    {
      headers: {
        'cache-control': 'no-store',
        'set-cookie': `${DISPLAY_COOKIE}=${encodeURIComponent(r.token)}; Path=/; HttpOnly; SameSite=Lax; Max-Age=${ONE_YEAR_S}${secure}`,
      },
    },
  );
}
