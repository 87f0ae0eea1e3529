import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDb, type Db } from '@/server/db/client';
import { Prisma } from '@/server/db/generated/client';
import { applyMigrations } from '@/server/db/migrate';
import { getOrgTree, type OrgTreeNode, type OrgUnitSeed, seedOrgUnits } from '@/server/db/org';
import { BACKENDS, createPgDatabase, createTestDb, MIGRATIONS_DIR, type TestDb } from './helpers';

/** A province-sized tree (1 + 16 + 130 + 600), deterministic, with codes shaped like GB/T 2260. */
function syntheticTree(): OrgUnitSeed[] {
  const units: OrgUnitSeed[] = [
    { code: '53', name: '云南省', nameEn: 'Yunnan', level: 'province', parentCode: null, lon: 102.71, lat: 25.05 },
  ];
  let county = 0;
  let hall = 0;
  for (let c = 1; c <= 16; c++) {
    const city = `53${String(c).padStart(2, '0')}`;
    units.push({ code: city, name: `城市${c}`, level: 'city', parentCode: '53', sort: c, lon: 100 + c / 4, lat: 22 + c / 4 });
    const counties = c <= 2 ? 9 : 8; // 2*9 + 14*8 = 130
    for (let k = 1; k <= counties; k++, county++) {
      const code = `${city}${String(k).padStart(2, '0')}`;
      units.push({ code, name: `区县${county}`, level: 'county', parentCode: city, sort: k });
      const halls = county < 80 ? 5 : 4; // 80*5 + 50*4 = 600
      for (let h = 1; h <= halls; h++, hall++) {
        units.push({
          code: `${code}H${String(h).padStart(2, '0')}`,
          name: `营业厅${hall}`,
          level: 'hall',
          parentCode: code,
          sort: h,
          lon: 101.5,
          lat: 24.5,
        });
      }
    }
  }
  return units;
}

function countNodes(nodes: OrgTreeNode[]): number {
  return nodes.reduce((n, node) => n + 1 + countNodes(node.children), 0);
}

describe.each(BACKENDS)('org units and the generated client on %s', (backend) => {
  let t: TestDb;
  let db: Db;
  const tree = syntheticTree();

  beforeAll(async () => {
    t = await createTestDb(backend);
    db = t.db;
  });
  afterAll(async () => {
    await t?.dispose();
  });

  it('seeds a province tree, children listed before parents, and is idempotent', async () => {
    expect(tree).toHaveLength(747);
    // Reverse order: halls first. The upsert must still write parents before children (foreign key).
    const first = await seedOrgUnits(db.prisma, [...tree].reverse());
    expect(first).toEqual({ inserted: 747, updated: 0, unchanged: 0 });
    expect(await db.prisma.orgUnit.count()).toBe(747);
    const stamp = await db.prisma.orgUnit.findUniqueOrThrow({ where: { code: '5301' } });

    const second = await seedOrgUnits(db.prisma, tree);
    expect(second).toEqual({ inserted: 0, updated: 0, unchanged: 747 });
    expect(await db.prisma.orgUnit.count()).toBe(747);
    expect((await db.prisma.orgUnit.findUniqueOrThrow({ where: { code: '5301' } })).updatedAt).toEqual(stamp.updatedAt);

    const renamed = tree.map((u) => (u.code === '5301' ? { ...u, name: '昆明市' } : u));
    expect(await seedOrgUnits(db.prisma, renamed)).toEqual({ inserted: 0, updated: 1, unchanged: 746 });
    const after = await db.prisma.orgUnit.findUniqueOrThrow({ where: { code: '5301' } });
    expect(after.name).toBe('昆明市');
    expect(after.createdAt).toEqual(stamp.createdAt);
    expect(after.updatedAt.getTime()).toBeGreaterThan(stamp.updatedAt.getTime());
  });

  it('accepts a batch under existing parents, and rejects unknown parents or inverted levels without writing anything', async () => {
    expect(await seedOrgUnits(db.prisma, [{ code: '530101H99', name: '新营业厅', level: 'hall', parentCode: '530101', sort: 99 }])).toEqual(
      {
        inserted: 1,
        updated: 0,
        unchanged: 0,
      },
    );
    const before = await db.prisma.orgUnit.count();
    await expect(
      seedOrgUnits(db.prisma, [
        { code: '5399', name: '新城市', level: 'city', parentCode: '53' },
        { code: '539901', name: '孤儿县', level: 'county', parentCode: '5398' },
      ]),
    ).rejects.toThrow(/unknown parent\(s\): 5398/);
    await expect(seedOrgUnits(db.prisma, [{ code: '5398', name: 'x', level: 'city', parentCode: '530101' }])).rejects.toThrow(
      /higher level/,
    );
    expect(await db.prisma.orgUnit.count()).toBe(before);
  });

  it('returns the org tree with children in sort order', async () => {
    const roots = await getOrgTree(db.prisma);
    expect(roots.map((r) => r.code)).toEqual(['53']);
    expect(roots[0]).toMatchObject({ name: '云南省', nameEn: 'Yunnan', level: 'province', parentCode: null, lon: 102.71, lat: 25.05 });
    expect(roots[0]!.children.map((c) => c.code)).toEqual(Array.from({ length: 16 }, (_, i) => `53${String(i + 1).padStart(2, '0')}`));
    expect(roots[0]!.children[0]!.children[0]!.children.map((h) => h.code)).toEqual([
      '530101H01',
      '530101H02',
      '530101H03',
      '530101H04',
      '530101H05',
      '530101H99',
    ]);
    expect(countNodes(roots)).toBe(748);
  });

  it('does users: create, read with relation, update, unique violation, delete', async () => {
    const u = await db.prisma.user.create({
      data: { username: 'zhang.san', displayName: '张三', email: 'zhang.san@users.invalid', role: 'duty_officer', orgUnitCode: '5301' },
    });
    expect(u.id).toMatch(/^c[a-z0-9]{20,}$/);
    expect(u.locale).toBe('zh-CN');
    expect(Math.abs(u.createdAt.getTime() - Date.now())).toBeLessThan(60_000);

    const read = await db.prisma.user.findUniqueOrThrow({ where: { username: 'zhang.san' }, include: { orgUnit: true } });
    expect(read.orgUnit?.name).toBe('昆明市');

    const updated = await db.prisma.user.update({ where: { id: u.id }, data: { role: 'admin' } });
    expect(updated.role).toBe('admin');
    expect(updated.updatedAt.getTime()).toBeGreaterThanOrEqual(u.updatedAt.getTime());

    const duplicate = db.prisma.user.create({
      data: { username: 'zhang.san', displayName: 'x', email: 'x@users.invalid', orgUnitCode: '53' },
    });
    await expect(duplicate).rejects.toBeInstanceOf(Prisma.PrismaClientKnownRequestError);
    await expect(duplicate).rejects.toMatchObject({ code: 'P2002' });

    const inCity = await db.prisma.orgUnit.findUniqueOrThrow({ where: { code: '5301' }, include: { users: true } });
    expect(inCity.users.map((x) => x.username)).toEqual(['zhang.san']);

    await db.prisma.user.delete({ where: { id: u.id } });
    expect(await db.prisma.user.findUnique({ where: { id: u.id } })).toBeNull();
  });

  it('does audit logs: bigint ids, JSON details, time-range queries', async () => {
    const detail = { rule: 'wait>30min', hall: '530101H01', values: [31, 42.5], nested: { ok: true, note: '排队' } };
    const a = await db.prisma.auditLog.create({ data: { actor: 'system', action: 'alert.raise', target: 'hall:530101H01', detail } });
    const b = await db.prisma.auditLog.create({ data: { actor: 'zhang.san', action: 'alert.ack' } });
    expect(typeof a.id).toBe('bigint');
    expect(b.id).toBeGreaterThan(a.id);
    expect(a.detail).toEqual(detail);
    expect(b.detail).toBeNull();
    const recent = await db.prisma.auditLog.findMany({ where: { at: { gte: new Date(Date.now() - 60_000) } }, orderBy: { id: 'asc' } });
    expect(recent.map((r) => r.action)).toEqual(['alert.raise', 'alert.ack']);
    // Append-only: the database itself refuses to change or remove an entry.
    await expect(db.prisma.auditLog.update({ where: { id: a.id }, data: { actor: 'someone-else' } })).rejects.toThrow(/append-only/);
    await expect(db.prisma.auditLog.delete({ where: { id: b.id } })).rejects.toThrow(/append-only/);
    expect(await db.prisma.auditLog.count({ where: { id: { in: [a.id, b.id] } } })).toBe(2);
    const byPath = await db.prisma.auditLog.findMany({ where: { detail: { path: ['nested', 'note'], equals: '排队' } } });
    expect(byPath.map((r) => r.id)).toEqual([a.id]);
  });

  it('rolls back an interactive transaction that throws', async () => {
    await expect(
      db.prisma.$transaction(async (tx) => {
        await tx.user.create({ data: { username: 'tx.user', displayName: 'tx', email: 'tx@users.invalid', orgUnitCode: '53' } });
        expect(await tx.user.count({ where: { username: 'tx.user' } })).toBe(1);
        throw new Error('abort');
      }),
    ).rejects.toThrow('abort');
    expect(await db.prisma.user.count({ where: { username: 'tx.user' } })).toBe(0);
    // and the connection is usable afterwards
    await db.prisma.user.create({ data: { username: 'tx.user', displayName: 'tx', email: 'tx@users.invalid', orgUnitCode: '53' } });
    expect(await db.prisma.user.count({ where: { username: 'tx.user' } })).toBe(1);
  });
});

describe('PostgreSQL whose time zone is not UTC', () => {
  it('stores the instant Prisma was given (the session is forced to UTC)', async () => {
    const database = await createPgDatabase(`ALTER DATABASE $DB SET timezone TO 'Asia/Shanghai'`);
    let db: Db | undefined;
    try {
      db = await createDb({ databaseUrl: database.url, dataDir: '/nonexistent' });
      await applyMigrations(db, MIGRATIONS_DIR);
      const at = new Date('2026-01-01T00:00:00.000Z');
      const row = await db.prisma.auditLog.create({ data: { at, actor: 't', action: 'tz' } });
      const [stored] = await db.prisma.$queryRaw<
        { epoch: number }[]
      >`SELECT extract(epoch FROM at)::float8 AS epoch FROM audit_logs WHERE id = ${row.id}`;
      expect(new Date(stored!.epoch * 1000).toISOString()).toBe(at.toISOString());
      expect((await db.prisma.auditLog.findUniqueOrThrow({ where: { id: row.id } })).at.toISOString()).toBe(at.toISOString());
    } finally {
      await db?.close();
      await database.drop();
    }
  });
});
