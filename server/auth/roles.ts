// Who may do what. One table of grants per role; procedures and routes name the permission they need
// (server/trpc/policy.ts), never a role, so a new role is one row here.

export const ROLES = ['admin', 'duty_officer', 'manager', 'hall_manager', 'viewer', 'wall_display'] as const;
export type Role = (typeof ROLES)[number];

/** Roles a person can hold; `wall_display` belongs to paired screens only. */
export const PERSON_ROLES = ['admin', 'duty_officer', 'manager', 'hall_manager', 'viewer'] as const satisfies readonly Role[];
export type PersonRole = (typeof PERSON_ROLES)[number];

export const ROLE_LABELS: Record<Role, { zh: string; en: string }> = {
  admin: { zh: '系统管理员', en: 'Administrator' },
  duty_officer: { zh: '值班员', en: 'Duty officer' },
  manager: { zh: '管理人员', en: 'Manager' },
  hall_manager: { zh: '营业厅客户经理', en: 'Hall customer manager' },
  viewer: { zh: '查看人员', en: 'Viewer' },
  wall_display: { zh: '大屏显示终端', en: 'Wall display' },
};

export const PERMISSIONS = [
  /** KPI figures, definitions and parameters (read), the desktop pages. */
  'kpi.read',
  /** Drill-down records behind a figure (personal fields masked). */
  'rows.read',
  /** Unmasked personal fields (names, phone numbers, account numbers, addresses); each reveal is audited. */
  'pii.reveal',
  'alerts.read',
  'rules.read',
  /** Create, edit, switch off and import rules. */
  'rules.write',
  /** Change KPI definition parameters, which move every screen and alert. */
  'kpi.params',
  /** Read wall layouts, their control state and zone figures. */
  'wall.read',
  /** Drive the wall console (pin, advance, pause, scene). */
  'wall.control',
  /** Save wall layouts. */
  'wall.layout',
  /** Download tables (rules JSON today; record exports later). */
  'export',
  'users.manage',
  'tokens.manage',
  'screens.manage',
  'audit.read',
  /** The duty desk: alerts' life cycle, roster, handover, run log, supervision items (read). */
  'duty.read',
  /** Act on alerts (acknowledge, assign, handle, verify, close), write the run log, hand over a shift. */
  'duty.act',
  /** Open a supervision item (督办) to a responsible unit, verify its reply. */
  'duty.supervise',
  /** Edit the duty roster. */
  'duty.roster',
  /** Routing policies, channels, silences, noise and quiet-hour settings. */
  'duty.config',
] as const;
export type Permission = (typeof PERMISSIONS)[number];

const READ: readonly Permission[] = ['kpi.read', 'rows.read', 'alerts.read', 'rules.read', 'wall.read'];

const GRANTS: Record<Role, readonly Permission[]> = {
  admin: PERMISSIONS,
  duty_officer: [...READ, 'pii.reveal', 'wall.control', 'export', 'duty.read', 'duty.act', 'duty.supervise', 'duty.roster'],
  manager: [...READ, 'export', 'duty.read', 'duty.supervise'],
  hall_manager: [...READ, 'pii.reveal', 'export', 'duty.read', 'duty.act'],
  viewer: READ,
  // A screen reads its own layout's figures and nothing else (server/trpc/policy.ts binds it to the layout).
  wall_display: ['wall.read'],
};

export function can(role: Role, permission: Permission): boolean {
  return GRANTS[role].includes(permission);
}

export function isRole(v: unknown): v is Role {
  return typeof v === 'string' && (ROLES as readonly string[]).includes(v);
}
