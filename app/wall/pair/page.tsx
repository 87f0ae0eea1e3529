import type { Metadata } from 'next';
import { PairScreen } from '../../_components/auth/PairScreen';

export const dynamic = 'force-dynamic';
export const metadata: Metadata = { title: '大屏配对 · 营销智能监控指挥中心' };

/** /wall/pair — a wall screen with nobody at it shows a code; an administrator pairs it (管理 › 大屏终端). */
export default async function PairPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  return <PairScreen revoked={(await searchParams).revoked === '1'} />;
}
