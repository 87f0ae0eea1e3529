import type { Permission } from './roles';

// Who may open each HTTP route and page that is not a tRPC procedure (those declare theirs as meta). The
// inventory test (tests/auth/inventory.test.ts) lists every route.ts and page.tsx under app/ and fails on
// one missing here, then tries each anonymously, with a wrong role and across cities.

export type RoutePolicy =
  | { access: 'public'; why: string }
  | { access: 'authed'; permission: Permission; people?: boolean; why?: string }
  | { access: 'per-procedure'; why: string };

export const ROUTE_POLICIES: Record<string, RoutePolicy> = {
  // HTTP API
  '/api/auth/[...all]': { access: 'public', why: 'sign-in, sign-out and single sign-on: better-auth, rate-limited and origin-checked' },
  '/api/health': { access: 'public', why: 'liveness for load balancers and supervisors: status and time only without a credential' },
  '/api/screens/pair': { access: 'public', why: 'a wall screen asks for a pairing code; open pairings are capped' },
  '/api/screens/pair/poll': { access: 'public', why: 'the poll key only the pairing screen holds is the credential' },
  '/api/duty/events': { access: 'authed', permission: 'alerts.read', why: "alert changes in the caller's org scope (duty desk, toasts)" },
  '/api/duty/ack/[token]': {
    access: 'public',
    why: 'the signed, expiring link in a duty message is the credential for acknowledging its alerts; audited',
  },
  '/api/reports/[id]/xlsx': {
    access: 'authed',
    permission: 'kpi.read',
    why: "a stored periodic report as xlsx, as reports.get: only inside the caller's org scope",
  },
  '/api/trpc/[trpc]': { access: 'per-procedure', why: 'each procedure declares its policy (server/trpc/policy.ts)' },
  '/api/export': { access: 'authed', permission: 'export', why: "exports (导出) of the caller's org scope; audited" },
  '/api/export/[id]': {
    access: 'authed',
    permission: 'export',
    why: 'a background export file, to its requester (or a province admin) only',
  },
  '/api/wall/[layout]/events': {
    access: 'authed',
    permission: 'wall.read',
    why: 'a screen only for its paired layout; revocation closes it',
  },
  // Pages
  '/sign-in': { access: 'public', why: 'the sign-in page' },
  '/wall/pair': { access: 'public', why: 'a screen with nobody at it shows its pairing code' },
  '/ack/[token]': { access: 'public', why: 'shows the alerts a signed duty-message link names; changes nothing (the button posts)' },
  '/duty': { access: 'authed', permission: 'duty.read', people: true },
  '/': { access: 'authed', permission: 'kpi.read' },
  '/queue': { access: 'authed', permission: 'kpi.read' },
  '/calls': { access: 'authed', permission: 'kpi.read' },
  '/outages': { access: 'authed', permission: 'kpi.read' },
  '/arrears': { access: 'authed', permission: 'kpi.read' },
  '/work-orders': { access: 'authed', permission: 'kpi.read' },
  '/alerts': { access: 'authed', permission: 'alerts.read' },
  '/reports': { access: 'authed', permission: 'kpi.read' },
  '/reports/[id]': { access: 'authed', permission: 'kpi.read' },
  '/admin/rules': { access: 'authed', permission: 'rules.read' },
  '/admin/walls': { access: 'authed', permission: 'wall.read', people: true },
  '/admin/users': { access: 'authed', permission: 'users.manage' },
  '/admin/tokens': { access: 'authed', permission: 'tokens.manage' },
  '/admin/screens': { access: 'authed', permission: 'screens.manage' },
  '/admin/audit': { access: 'authed', permission: 'audit.read' },
  '/admin/duty': { access: 'authed', permission: 'duty.read', people: true },
  '/wall/[layout]': { access: 'authed', permission: 'wall.read' },
  '/wall/[layout]/[zone]': { access: 'authed', permission: 'wall.read' },
  '/wall/[layout]/control': { access: 'authed', permission: 'wall.read', people: true },
  // Record detail pages (issue 15): the record is read through records.* (org scope, masking) on the server.
  '/work-orders/[id]': { access: 'authed', permission: 'rows.read', people: true, why: 'one work order; 403 outside the org scope' },
  '/queue/tickets/[id]': { access: 'authed', permission: 'rows.read', people: true, why: 'one queue ticket; 403 outside the org scope' },
  '/calls/[id]': { access: 'authed', permission: 'rows.read', people: true, why: 'one 95598 call; 403 outside the org scope' },
  '/outages/[id]': { access: 'authed', permission: 'rows.read', people: true, why: 'one outage event; customers masked' },
  '/arrears/customers/[id]': {
    access: 'authed',
    permission: 'rows.read',
    people: true,
    why: 'one customer; personal data masked unless pii.reveal asks (audited)',
  },
};
