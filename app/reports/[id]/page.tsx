import type { Metadata } from 'next';
import { forbidden, notFound } from 'next/navigation';
import { requirePermission, trpcCode } from '../../_auth/server';
import { serverCaller } from '../../_trpc/server';
import { ReportView } from '../../_components/reports/ReportView';

export const metadata: Metadata = { title: '定期报告 · 营销智能监控指挥中心' };

export const dynamic = 'force-dynamic';

/** One stored report (日报 / 周报 / 月度考核), through `reports.get`: refused outside the caller's org scope. */
export default async function ReportPage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  await requirePermission(`/reports/${encodeURIComponent(id)}`, 'kpi.read');
  const caller = await serverCaller();
  let report;
  try {
    report = await caller.reports.get({ id });
  } catch (err) {
    const code = trpcCode(err);
    if (code === 'FORBIDDEN') forbidden();
    if (code === 'NOT_FOUND' || code === 'BAD_REQUEST') notFound();
    throw err;
  }
  return <ReportView report={report} />;
}
