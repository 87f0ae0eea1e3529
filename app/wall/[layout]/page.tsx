import type { Metadata } from 'next';
import { WallScreen } from '../../_components/wall/WallScreen';
import { loadWall, scaleMode } from '../load';

export const dynamic = 'force-dynamic';
export const metadata: Metadata = { title: '大屏 · 营销智能监控指挥中心' };

/**
 * /wall/<layout> — the whole canvas in one browser. `?scale=exact` one canvas px per device px, `fit` fill the
 * window, `auto` (default) exact when the canvas fits the window, else fit.
 */
export default async function WallPage({
  params,
  searchParams,
}: {
  params: Promise<{ layout: string }>;
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  const { layout } = await params;
  const initial = await loadWall(layout);
  return <WallScreen initial={initial} mode={scaleMode((await searchParams).scale, 'auto')} />;
}
