import type { Metadata } from 'next';
import { requirePermission } from '../../_auth/server';
import { orgTree } from '../../_components/admin/org-tree';
import { TokensAdmin } from '../../_components/admin/TokensAdmin';

export const metadata: Metadata = { title: '服务令牌 · 营销智能监控指挥中心' };
export const dynamic = 'force-dynamic';

/** /admin/tokens — service tokens for scripts: create (the secret shown once), list, revoke. */
export default async function TokensPage() {
  const me = await requirePermission('/admin/tokens', 'tokens.manage');
  return <TokensAdmin tree={orgTree()} scope={me.orgCode} />;
}
