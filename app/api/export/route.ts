import { PassThrough, Readable } from 'node:stream';
import { can } from '@/server/auth/roles';
import { contentDisposition } from '@/server/exports/cells';
import { CONTENT_TYPES, errorResponse, failureResponse, jsonResponse } from '@/server/exports/http';
import { exportInput } from '@/server/exports/request';
import { getRuntime } from '@/server/runtime';

export const dynamic = 'force-dynamic';

/**
 * GET /api/export?format=xlsx|csv&q=<JSON request>[&locale=zh-CN|en] — 导出: the records behind a KPI figure or
 * a view's figures as Excel or CSV, with the filters and export time in the file. Up to EXPORT_DIRECT_MAX_ROWS
 * rows the file is the answer, streamed as it is written; a larger export becomes a background job (202
 * `{jobId}`; poll exports.get, download from /api/export/<id>). Needs `export` and the unit in the caller's scope.
 */
export async function GET(req: Request) {
  const rt = await getRuntime();
  const requestId = req.headers.get('x-request-id');
  const who = await rt.auth.resolve(req.headers, Date.now());
  const p = who.principal;
  if (!p) return errorResponse(401, who.reason === 'invalid-token' ? '令牌无效 (token invalid)' : '请先登录 (sign in required)');
  if (!can(p.role, 'export')) return errorResponse(403, `角色 ${p.role} 无导出权限 (role may not export)`);
  const url = new URL(req.url);
  let request: unknown;
  try {
    request = JSON.parse(url.searchParams.get('q') ?? '');
  } catch {
    return errorResponse(400, '参数 q 须为 JSON 格式的导出请求 (q must be the export request as JSON)');
  }
  const parsed = exportInput.safeParse({
    format: url.searchParams.get('format'),
    locale: url.searchParams.get('locale') ?? undefined,
    request,
  });
  if (!parsed.success) {
    const message = parsed.error.issues.map((i) => `${i.path.join('.') || 'input'}: ${i.message}`).join('; ');
    return errorResponse(400, `导出请求无效 (invalid export request): ${message}`);
  }
  const spec = parsed.data;
  try {
    rt.exports.authorize(p, spec);
    const now = Date.now();
    const prepared = await rt.exports.prepare(p, spec, now);
    if (prepared.total > rt.exports.directMaxRows) {
      const jobId = await rt.exports.enqueue(p, spec, prepared, now);
      return jsonResponse(202, { jobId, rows: prepared.total });
    }
    await rt.exports.auditDirect(p, spec, prepared);
    const body = new PassThrough();
    req.signal.addEventListener('abort', () => body.destroy());
    rt.exports.write(spec, prepared, body).catch((err: unknown) => {
      console.error(`[exports] request ${requestId ?? '-'} stopped:`, err instanceof Error ? err.message : err);
      body.destroy(err instanceof Error ? err : new Error(String(err)));
    });
    return new Response(Readable.toWeb(body) as ReadableStream<Uint8Array>, {
      headers: {
        'content-type': CONTENT_TYPES[spec.format]!,
        'content-disposition': contentDisposition(prepared.fileName(spec.format)),
        'cache-control': 'no-store',
        'x-export-rows': String(prepared.total),
      },
    });
  } catch (err) {
    return failureResponse(err, requestId);
  }
}
