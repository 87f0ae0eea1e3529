import type { Metadata } from 'next';
import { CITIES } from '@/core/org/divisions';
import { AlertCenter } from '../_components/alerts/AlertCenter';

export const metadata: Metadata = { title: '预警中心 · 营销智能监控指挥中心' };

export default function AlertsPage() {
  // The org tree's cities (地市) for the unit filter; the list itself loads and refreshes in the browser.
  const cities = CITIES.map((c) => ({ code: c.code, name: c.name }));
  return <AlertCenter cities={cities} />;
}
