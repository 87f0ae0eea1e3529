import { ForbiddenError } from '@/core/errors';

// The one org scope. Org codes nest by prefix (53 ⊃ 5301 ⊃ 530102 ⊃ 530102001), so "this node and below" is
// a prefix test in TypeScript, `startsWith(column, {scope:String})` in ClickHouse and `{ startsWith }` in
// Prisma: the same rule written three ways by one function, so the three can never disagree.

export class OrgAccessError extends ForbiddenError {
  constructor(readonly orgCode: string) {
    super(`无权查看该单位 (no access to org ${orgCode})`);
    this.name = 'OrgAccessError';
  }
}

export interface OrgScope {
  readonly orgCode: string;
  /** The node is the scope's own or below it. */
  contains(orgCode: string): boolean;
  /** Refuses (OrgAccessError → 403) the first code outside the scope. */
  assert(...orgCodes: string[]): void;
  /** The scope's node and its ancestors: a rule set on the province applies inside a city's scope. */
  ancestorsOrSelf(): string[];
  /** ClickHouse predicate on an org-code column (the name comes from code, never from a request). */
  clickhouse(column: string): { sql: string; params: { scopeOrg: string } };
  /** Prisma condition on an org-code field: the node and below. */
  prisma<F extends string>(field: F): Record<F, { startsWith: string }>;
  /**
   * Prisma condition for things that apply to an org node (rules): those set inside the scope and those set
   * above it, which watch the scope too. A Kunming manager sees the province's rules and Kunming's, not Qujing's.
   */
  prismaApplies<F extends string>(field: F): { OR: Record<F, { startsWith: string } | { in: string[] }>[] };
  /** The same test as prismaApplies, for one code. */
  applies(orgCode: string): boolean;
}

const COLUMN = /^[a-z_][a-z0-9_.]*$/;
/** Lengths of the codes of each level: province 2, city 4, county 6, hall 9. */
const LEVEL_LENGTHS = [2, 4, 6, 9];

export function orgScope(p: { orgCode: string }): OrgScope {
  const root = p.orgCode;
  const contains = (code: string) => code.startsWith(root);
  const ancestors = LEVEL_LENGTHS.filter((n) => n <= root.length).map((n) => root.slice(0, n));
  return {
    orgCode: root,
    contains,
    assert(...codes) {
      const denied = codes.find((c) => !contains(c));
      if (denied !== undefined) throw new OrgAccessError(denied);
    },
    ancestorsOrSelf: () => [...ancestors],
    clickhouse(column) {
      if (!COLUMN.test(column)) throw new Error(`not a column name: ${column}`);
      return { sql: `startsWith(${column}, {scopeOrg:String})`, params: { scopeOrg: root } };
    },
    prisma: <F extends string>(field: F) => ({ [field]: { startsWith: root } }) as Record<F, { startsWith: string }>,
    prismaApplies: <F extends string>(field: F) => ({
      OR: [{ [field]: { startsWith: root } }, { [field]: { in: ancestors } }] as Record<F, { startsWith: string } | { in: string[] }>[],
    }),
    applies: (code) => contains(code) || ancestors.includes(code),
  };
}

/** The principal may see `orgCode`. */
export function canSee(p: { orgCode: string }, orgCode: string): boolean {
  return orgScope(p).contains(orgCode);
}

/** Refuses the first of `orgCodes` the principal may not see. */
export function assertOrgAccess(p: { orgCode: string }, ...orgCodes: string[]): void {
  orgScope(p).assert(...orgCodes);
}
