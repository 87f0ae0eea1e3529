import { ForbiddenError } from '@/core/errors';

// The one check of "may this user see this unit": org codes nest by prefix (53 ⊃ 5301 ⊃ 530102 ⊃ 530102001),
// and a user sees the node of their own org code and everything below it.

export class OrgAccessError extends ForbiddenError {
  constructor(readonly orgCode: string) {
    super(`无权查看该单位 (no access to org ${orgCode})`);
    this.name = 'OrgAccessError';
  }
}

/** The user may see `orgCode`: it is the user's own node or below it. */
export function canSee(user: { orgCode: string }, orgCode: string): boolean {
  return orgCode.startsWith(user.orgCode);
}

/** Refuses (OrgAccessError, a FORBIDDEN through the API) the first of `orgCodes` the user may not see. */
export function assertOrgAccess(user: { orgCode: string }, ...orgCodes: string[]): void {
  const denied = orgCodes.find((c) => !canSee(user, c));
  if (denied !== undefined) throw new OrgAccessError(denied);
}
