import type { Role } from './roles';

/**
 * Who is asking: a signed-in person, a service token (a script) or a paired wall screen. Every procedure and
 * route gets one (or refuses the request); the org scope and the role's grants follow from it.
 */
export interface Principal {
  /** What the audit log records as the actor: the username, or `token:<name>` / `screen:<name>`. */
  id: string;
  /** Display name. */
  name: string;
  role: Role;
  /** The org node the principal sees, with everything below it. */
  orgCode: string;
  kind?: 'user' | 'service' | 'display';
  /** The users row (people) or api_tokens row (tokens). */
  userId?: string;
  tokenId?: string;
  /** A display token is bound to one layout, and optionally one zone of it. */
  layoutId?: string | null;
  zoneId?: string | null;
}
