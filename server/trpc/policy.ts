import type { Permission } from '../auth/roles';

// What each procedure declares about who may call it (tRPC meta). The inventory test
// (tests/auth/inventory.test.ts) lists every procedure and refuses one without a policy.

export type Policy =
  | { access: 'public' }
  /** Any principal, whatever its role (who am I, sign-out). */
  | { access: 'signed-in' }
  | { access: 'authed'; permission: Permission };

export interface ProcedureMeta {
  policy?: Policy;
}
