import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createDb } from '@/server/db/client';
import { applyMigrations } from '@/server/db/migrate';
import { MIGRATIONS_DIR } from './helpers';

// The production default: PGlite persisted in <dataDir>/pglite.
describe('embedded PGlite on disk', () => {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'mon-data-'));
  const lockFile = path.join(dataDir, 'pglite', '.monitor-pid.lock');
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  it('persists data across close and reopen, and refuses a second open of the same directory', async () => {
    const db = await createDb({ dataDir });
    try {
      expect(db.kind).toBe('embedded-pglite');
      expect(existsSync(path.join(dataDir, 'pglite', 'PG_VERSION'))).toBe(true);
      await applyMigrations(db, MIGRATIONS_DIR);
      await db.prisma.orgUnit.create({ data: { code: '53', name: '云南省', level: 'province' } });
      await expect(createDb({ dataDir })).rejects.toThrow(/already open in this process/);
    } finally {
      await db.close();
    }
    expect(existsSync(lockFile)).toBe(false);

    const again = await createDb({ dataDir });
    try {
      expect(await applyMigrations(again, MIGRATIONS_DIR)).toMatchObject({ applied: [] });
      expect((await again.prisma.orgUnit.findUniqueOrThrow({ where: { code: '53' } })).name).toBe('云南省');
      // Shared buffers sized for a small state (PostgreSQL's default 128MB would sit in the WASM memory), with
      // PGlite's own start parameters kept (the search path is one of them).
      expect(await again.prisma.$queryRawUnsafe('SHOW shared_buffers')).toEqual([{ shared_buffers: '32MB' }]);
      expect(await again.prisma.$queryRawUnsafe('SHOW search_path')).toEqual([{ search_path: 'public' }]);
    } finally {
      await again.close();
    }
  });

  it('refuses a directory locked by another live process, and takes over a stale lock', async () => {
    mkdirSync(path.dirname(lockFile), { recursive: true });
    writeFileSync(lockFile, String(process.ppid)); // alive: the process that started this test worker
    await expect(createDb({ dataDir })).rejects.toThrow(new RegExp(`in use by process ${process.ppid}`));

    writeFileSync(lockFile, '2147483646'); // no such process
    const db = await createDb({ dataDir });
    await db.close();
    expect(existsSync(lockFile)).toBe(false);
  });
});
