import type { Metadata } from 'next';
import { ControlConsole } from '../../../_components/wall/ControlConsole';
import { requirePermission } from '../../../_auth/server';
import { loadWall } from '../../load';

export const dynamic = 'force-dynamic';
export const metadata: Metadata = { title: '大屏控制台 · 营销智能监控指挥中心' };

/** /wall/<layout>/control — the console: every zone's current panel; pin, advance, pause, scene (desktop or tablet). */
export default async function WallControlPage({ params }: { params: Promise<{ layout: string }> }) {
  const { layout } = await params;
  // People only: a paired screen shows its wall, it does not drive one. Actions need wall.control (the API checks).
  await requirePermission(`/wall/${layout}/control`, 'wall.read', { people: true });
  return <ControlConsole initial={await loadWall(layout)} />;
}
