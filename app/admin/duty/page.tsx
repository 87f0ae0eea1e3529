import type { Metadata } from 'next';
import { hasPermission, requirePermission } from '../../_auth/server';
import { DutyAdmin } from '../../_components/admin/duty/DutyAdmin';
import { orgTree } from '../../_components/admin/org-tree';

export const metadata: Metadata = { title: '值班通知配置 · 营销智能监控指挥中心' };
export const dynamic = 'force-dynamic';

/** /admin/duty — routing policies, notification channels, silences, noise settings and the delivery log. */
export default async function DutyAdminPage() {
  const me = await requirePermission('/admin/duty', 'duty.read', { people: true });
  return <DutyAdmin tree={orgTree()} scope={me.orgCode} canEdit={hasPermission(me, 'duty.config')} />;
}
