import { acknowledgeByLink } from '@/server/duty/ack';
import { getRuntime } from '@/server/runtime';

export const dynamic = 'force-dynamic';

/**
 * POST /api/duty/ack/<token> — acknowledge the alerts of a duty message from its signed link, without a
 * session (the token is the credential for this one action; each use is audited). The page /ack/<token>
 * posts its form here and is shown again with the outcome; a JSON client gets JSON.
 */
export async function POST(req: Request, { params }: { params: Promise<{ token: string }> }) {
  const { token } = await params;
  if (token.length > 800) return new Response('bad link', { status: 400 });
  const rt = await getRuntime();
  const out = await acknowledgeByLink(rt.db, rt.duty.linkSecret, token, Date.now());
  rt.duty.desk.kick();
  const wantsJson = (req.headers.get('accept') ?? '').includes('application/json');
  if (wantsJson) return Response.json(out, { status: out.ok ? 200 : out.reason === 'expired' ? 410 : 403 });
  const back = new URL(`/ack/${encodeURIComponent(token)}?done=${out.ok ? out.acknowledged.length : out.reason}`, req.url);
  return new Response(null, { status: 303, headers: { location: back.pathname + back.search } });
}
