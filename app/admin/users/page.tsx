import type { Metadata } from 'next';
import { requirePermission } from '../../_auth/server';
import { orgTree } from '../../_components/admin/org-tree';
import { UsersAdmin } from '../../_components/admin/UsersAdmin';

export const metadata: Metadata = { title: '用户管理 · 营销智能监控指挥中心' };
export const dynamic = 'force-dynamic';

/** /admin/users — people (administrators, within their org scope): create, role and unit, disable, unlock, password. */
export default async function UsersPage() {
  const me = await requirePermission('/admin/users', 'users.manage');
  return <UsersAdmin tree={orgTree()} scope={me.orgCode} self={me.id} />;
}
