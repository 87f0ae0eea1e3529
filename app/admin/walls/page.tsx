import type { Metadata } from 'next';
import { WallAdmin } from '../../_components/wall/WallAdmin';

export const metadata: Metadata = { title: '大屏布局 · 营销智能监控指挥中心' };

/** /admin/walls — wall layouts (administrators): JSON editor with the server's check, versions, history. */
export default function WallsAdminPage() {
  return <WallAdmin />;
}
