import { Prisma, type PrismaClient } from './generated/client';

import type { OrgLevelName, OrgUnitSeed } from '@/core/org/org-units';

export type { OrgLevelName, OrgUnitSeed };

/** Depth of each level; a unit's parent must be of a shallower level (a county may hang off a province directly). */
export const ORG_LEVEL_RANK: Record<OrgLevelName, number> = { province: 0, city: 1, county: 2, hall: 3 };

export interface SeedOrgUnitsResult {
  inserted: number;
  updated: number;
  unchanged: number;
}

export interface OrgTreeNode {
  code: string;
  name: string;
  nameEn: string | null;
  level: OrgLevelName;
  parentCode: string | null;
  lon: number | null;
  lat: number | null;
  sort: number;
  children: OrgTreeNode[];
}

// 9 parameters a row; PostgreSQL allows 65535 bind parameters per statement.
const ROWS_PER_STATEMENT = 1000;

/**
 * Upserts org units idempotently: one multi-row INSERT … ON CONFLICT per tree depth, parents first so the
 * self-referencing foreign key holds at every statement, all in one transaction. A row whose values did not
 * change is left alone (its updated_at is not bumped), so re-running a seed is a no-op.
 */
export async function seedOrgUnits(prisma: PrismaClient, units: readonly OrgUnitSeed[]): Promise<SeedOrgUnitsResult> {
  const byCode = new Map<string, OrgUnitSeed>();
  for (const u of units) {
    if (!u.code || !u.name) throw new Error(`org unit needs a code and a name: ${JSON.stringify(u)}`);
    if (!(u.level in ORG_LEVEL_RANK)) throw new Error(`org unit ${u.code}: unknown level ${String(u.level)}`);
    if (byCode.has(u.code)) throw new Error(`org unit ${u.code} appears twice in the seed`);
    if (u.parentCode === u.code) throw new Error(`org unit ${u.code} is its own parent`);
    byCode.set(u.code, u);
  }
  if (byCode.size === 0) return { inserted: 0, updated: 0, unchanged: 0 };

  const external = [...new Set(units.map((u) => u.parentCode).filter((p): p is string => p !== null && !byCode.has(p)))];

  return prisma.$transaction(
    async (tx) => {
      const existing = external.length
        ? await tx.orgUnit.findMany({ where: { code: { in: external } }, select: { code: true, level: true } })
        : [];
      const rankOf = new Map<string, number>(existing.map((e) => [e.code, ORG_LEVEL_RANK[e.level]]));
      const missing = external.filter((c) => !rankOf.has(c));
      if (missing.length)
        throw new Error(`org units refer to unknown parent(s): ${missing.slice(0, 10).join(', ')}${missing.length > 10 ? ' …' : ''}`);
      for (const u of byCode.values()) rankOf.set(u.code, ORG_LEVEL_RANK[u.level]);

      for (const u of byCode.values()) {
        if (u.parentCode !== null && rankOf.get(u.parentCode)! >= ORG_LEVEL_RANK[u.level]) {
          throw new Error(`org unit ${u.code} (${u.level}) cannot be under ${u.parentCode}: a parent must be of a higher level`);
        }
      }

      // Depth within the batch; strictly increasing level ranks already rule out cycles.
      const depth = new Map<string, number>();
      const depthOf = (u: OrgUnitSeed): number => {
        const known = depth.get(u.code);
        if (known !== undefined) return known;
        const parent = u.parentCode === null ? undefined : byCode.get(u.parentCode);
        const d = parent ? depthOf(parent) + 1 : 0;
        depth.set(u.code, d);
        return d;
      };
      const layers: OrgUnitSeed[][] = [];
      for (const u of byCode.values()) (layers[depthOf(u)] ??= []).push(u);

      const result: SeedOrgUnitsResult = { inserted: 0, updated: 0, unchanged: 0 };
      for (const layer of layers) {
        for (let i = 0; i < layer.length; i += ROWS_PER_STATEMENT) {
          const chunk = layer.slice(i, i + ROWS_PER_STATEMENT);
          const values = Prisma.join(
            chunk.map(
              (u) =>
                Prisma.sql`(${u.code}, ${u.name}, ${u.nameEn ?? null}, ${u.level}::org_level, ${u.parentCode}, ${u.lon ?? null}::double precision, ${u.lat ?? null}::double precision, ${u.sort ?? 0}::int, now(), now())`,
            ),
          );
          const rows = await tx.$queryRaw<{ inserted: boolean }[]>`
            INSERT INTO org_units AS o (code, name, name_en, level, parent_code, lon, lat, sort, created_at, updated_at)
            VALUES ${values}
            ON CONFLICT (code) DO UPDATE
              SET name = EXCLUDED.name, name_en = EXCLUDED.name_en, level = EXCLUDED.level, parent_code = EXCLUDED.parent_code,
                  lon = EXCLUDED.lon, lat = EXCLUDED.lat, sort = EXCLUDED.sort, updated_at = now()
              WHERE (o.name, o.name_en, o.level, o.parent_code, o.lon, o.lat, o.sort)
                IS DISTINCT FROM (EXCLUDED.name, EXCLUDED.name_en, EXCLUDED.level, EXCLUDED.parent_code, EXCLUDED.lon, EXCLUDED.lat, EXCLUDED.sort)
            RETURNING (o.xmax::text = '0') AS inserted`;
          const inserted = rows.filter((r) => r.inserted).length;
          result.inserted += inserted;
          result.updated += rows.length - inserted;
          result.unchanged += chunk.length - rows.length;
        }
      }
      return result;
    },
    { maxWait: 30_000, timeout: 120_000 },
  );
}

/** All org units as a forest (normally one province root), children ordered by sort then code. */
export async function getOrgTree(prisma: PrismaClient): Promise<OrgTreeNode[]> {
  const rows = await prisma.orgUnit.findMany({
    select: { code: true, name: true, nameEn: true, level: true, parentCode: true, lon: true, lat: true, sort: true },
    orderBy: [{ sort: 'asc' }, { code: 'asc' }],
  });
  return buildOrgTree(rows);
}

/** Nests flat rows (already in the desired sibling order); a row whose parent is absent becomes a root. */
export function buildOrgTree(rows: readonly Omit<OrgTreeNode, 'children'>[]): OrgTreeNode[] {
  const nodes = new Map<string, OrgTreeNode>(rows.map((r) => [r.code, { ...r, children: [] }]));
  const roots: OrgTreeNode[] = [];
  for (const node of nodes.values()) {
    const parent = node.parentCode === null ? undefined : nodes.get(node.parentCode);
    (parent ? parent.children : roots).push(node);
  }
  return roots;
}
