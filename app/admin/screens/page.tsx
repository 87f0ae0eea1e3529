import type { Metadata } from 'next';
import { requirePermission } from '../../_auth/server';
import { orgTree } from '../../_components/admin/org-tree';
import { ScreensAdmin } from '../../_components/admin/ScreensAdmin';

export const metadata: Metadata = { title: '大屏终端 · 营销智能监控指挥中心' };
export const dynamic = 'force-dynamic';

/** /admin/screens — wall screens: approve a pairing code for a layout or zone; paired screens, revocable. */
export default async function ScreensPage() {
  const me = await requirePermission('/admin/screens', 'screens.manage');
  return <ScreensAdmin tree={orgTree()} scope={me.orgCode} />;
}
