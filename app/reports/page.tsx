import type { Metadata } from 'next';
import { CITIES, PROVINCE } from '@/core/org/divisions';
import { hasPermission, requirePermission } from '../_auth/server';
import { ReportsList, type UnitOption } from '../_components/reports/ReportsList';

export const metadata: Metadata = { title: '定期报告 · 营销智能监控指挥中心' };

export const dynamic = 'force-dynamic';

/** The units a principal may pick: its own node and the cities and counties below it (reports exist down to counties). */
function unitOptions(scope: string): UnitOption[] {
  const out: UnitOption[] = [];
  if (PROVINCE.code.startsWith(scope)) out.push({ code: PROVINCE.code, name: PROVINCE.name, level: 0 });
  for (const c of CITIES) {
    if (c.code.startsWith(scope)) out.push({ code: c.code, name: c.name, level: 1 });
    for (const k of c.counties) if (k.code.startsWith(scope)) out.push({ code: k.code, name: k.name, level: 2 });
  }
  return out;
}

const beijingDate = (ms: number) => new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai' }).format(new Date(ms));

/** 定期报告: the history of daily digests, weekly bulletins and monthly assessments inside the caller's scope. */
export default async function ReportsPage() {
  const me = await requirePermission('/reports', 'kpi.read');
  return (
    <ReportsList
      units={unitOptions(me.orgCode)}
      canGenerate={hasPermission(me, 'duty.supervise')}
      yesterday={beijingDate(Date.now() - 86_400_000)}
    />
  );
}
