import { isDomainError } from '@/core/errors';
import { can } from '@/server/auth/roles';
import { orgScope } from '@/server/auth/scope';
import { ReportService } from '@/server/reports/service';
import { reportWorkbook } from '@/server/reports/xlsx';
import { getRuntime } from '@/server/runtime';

export const dynamic = 'force-dynamic';

/**
 * GET /api/reports/<id>/xlsx — a stored report (定期报告) as an Excel workbook, with the same access as
 * `reports.get`: kpi.read, and the report's unit inside the caller's org scope.
 */
export async function GET(req: Request, { params }: { params: Promise<{ id: string }> }) {
  const rt = await getRuntime();
  const principal = (await rt.auth.resolve(req.headers, Date.now())).principal;
  if (!principal) return new Response('sign in required', { status: 401 });
  if (!can(principal.role, 'kpi.read')) return new Response('forbidden', { status: 403 });
  const { id } = await params;
  if (!/^[A-Za-z0-9_-]{1,40}$/.test(id)) return new Response('no such report', { status: 404 });
  let report;
  try {
    report = await new ReportService(rt).get(id);
  } catch (err) {
    if (isDomainError(err) && err.kind === 'not_found') return new Response('no such report', { status: 404 });
    throw err;
  }
  if (!orgScope(principal).contains(report.orgCode)) return new Response('forbidden', { status: 403 });
  const body = await reportWorkbook(report.content, { title: report.title, generatedBy: report.generatedBy });
  const file = `${report.title.replace(/\s+/g, '_')}.xlsx`;
  return new Response(new Uint8Array(body), {
    headers: {
      'content-type': 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
      'content-disposition': `attachment; filename="report-${report.kind}-${report.orgCode}-${report.periodStart}.xlsx"; filename*=UTF-8''${encodeURIComponent(file)}`,
      'cache-control': 'no-store',
    },
  });
}
