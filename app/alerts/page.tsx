import type { Metadata } from 'next';
import { CITIES } from '@/core/org/divisions';
import { requirePermission } from '../_auth/server';
import { AlertCenter } from '../_components/alerts/AlertCenter';

export const metadata: Metadata = { title: '预警中心 · 营销智能监控指挥中心' };

export const dynamic = 'force-dynamic';

export default async function AlertsPage() {
  const me = await requirePermission('/alerts', 'alerts.read');
  // The org tree's cities (地市) for the unit filter; the list itself loads and refreshes in the browser.
  const cities = CITIES.filter((c) => c.code.startsWith(me.orgCode) || me.orgCode.startsWith(c.code)).map((c) => ({
    code: c.code,
    name: c.name,
  }));
  return <AlertCenter cities={cities} />;
}
