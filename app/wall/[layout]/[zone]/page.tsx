import type { Metadata } from 'next';
import { notFound } from 'next/navigation';
import { WallScreen } from '../../../_components/wall/WallScreen';
import { loadWall, scaleMode } from '../../load';

export const dynamic = 'force-dynamic';
export const metadata: Metadata = { title: '大屏区域 · 营销智能监控指挥中心' };

/** /wall/<layout>/<zone> — one zone on a screen of its own (fills the window by default; `?scale=exact`). */
export default async function WallZonePage({
  params,
  searchParams,
}: {
  params: Promise<{ layout: string; zone: string }>;
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  const { layout, zone } = await params;
  const initial = await loadWall(layout);
  if (!initial.layout.zones.some((z) => z.id === zone)) notFound();
  return <WallScreen initial={initial} zoneId={zone} mode={scaleMode((await searchParams).scale, 'fit')} />;
}
