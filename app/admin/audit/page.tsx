import type { Metadata } from 'next';
import { requirePermission } from '../../_auth/server';
import { AuditLog } from '../../_components/admin/AuditLog';

export const metadata: Metadata = { title: '审计日志 · 营销智能监控指挥中心' };
export const dynamic = 'force-dynamic';

/** /admin/audit — the audit log (newest first), filtered and paged. */
export default async function AuditPage() {
  await requirePermission('/admin/audit', 'audit.read');
  return <AuditLog />;
}
