import type { Metadata } from 'next';
import { CITIES, PROVINCE } from '@/core/org/divisions';
import { requirePermission } from '../../_auth/server';
import { RulesAdmin } from '../../_components/rules/RulesAdmin';

export const metadata: Metadata = { title: '预警规则 · 营销智能监控指挥中心' };

export const dynamic = 'force-dynamic';

export default async function RulesPage() {
  await requirePermission('/admin/rules', 'rules.read');
  // The org tree (province, cities, counties) for the rule's unit picker; rules load in the browser.
  const cities = CITIES.map((c) => ({ code: c.code, name: c.name, counties: c.counties.map((k) => ({ code: k.code, name: k.name })) }));
  return <RulesAdmin province={{ code: PROVINCE.code, name: PROVINCE.name }} cities={cities} />;
}
