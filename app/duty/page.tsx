import type { Metadata } from 'next';
import { requirePermission } from '../_auth/server';
import { DutyDesk } from '../_components/duty/DutyDesk';

export const metadata: Metadata = { title: '值班台 · 营销智能监控指挥中心' };

export const dynamic = 'force-dynamic';

/** 值班台: for the people on duty and the hall customer managers (duty.read); the desk loads and listens in the browser. */
export default async function DutyPage() {
  const me = await requirePermission('/duty', 'duty.read', { people: true });
  return (
    <DutyDesk
      user={{
        username: me.id,
        name: me.name,
        role: me.role,
        orgCode: me.orgCode,
        orgName: me.orgName,
        permissions: [...me.permissions],
      }}
    />
  );
}
