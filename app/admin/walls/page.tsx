import type { Metadata } from 'next';
import { requirePermission } from '../../_auth/server';
import { WallAdmin } from '../../_components/wall/WallAdmin';

export const metadata: Metadata = { title: '大屏布局 · 营销智能监控指挥中心' };

/** /admin/walls — wall layouts (administrators): JSON editor with the server's check, versions, history. */
export const dynamic = 'force-dynamic';

export default async function WallsAdminPage() {
  await requirePermission('/admin/walls', 'wall.read', { people: true });
  return <WallAdmin />;
}
