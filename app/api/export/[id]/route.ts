import { Readable } from 'node:stream';
import { can } from '@/server/auth/roles';
import { contentDisposition } from '@/server/exports/cells';
import { CONTENT_TYPES, errorResponse } from '@/server/exports/http';
import { getRuntime } from '@/server/runtime';

export const dynamic = 'force-dynamic';

/**
 * GET /api/export/<id> — the file of a ready background export, to the user who asked for it (or a province
 * administrator); 404 for anything else, so another user's job ids reveal nothing.
 */
export async function GET(req: Request, { params }: { params: Promise<{ id: string }> }) {
  const rt = await getRuntime();
  const who = await rt.auth.resolve(req.headers, Date.now());
  const p = who.principal;
  if (!p) return errorResponse(401, who.reason === 'invalid-token' ? '令牌无效 (token invalid)' : '请先登录 (sign in required)');
  if (!can(p.role, 'export')) return errorResponse(403, `角色 ${p.role} 无导出权限 (role may not export)`);
  const { id } = await params;
  const file = await rt.exports.file(p, id);
  if (!file) return errorResponse(404, '导出文件不存在或尚未完成 (no such export file, or not ready yet)');
  req.signal.addEventListener('abort', () => file.stream.destroy());
  return new Response(Readable.toWeb(file.stream) as ReadableStream<Uint8Array>, {
    headers: {
      'content-type': CONTENT_TYPES[file.format]!,
      'content-disposition': contentDisposition(file.fileName),
      'content-length': String(file.bytes),
      'cache-control': 'no-store',
    },
  });
}
