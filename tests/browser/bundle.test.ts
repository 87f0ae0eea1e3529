import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';

// The web server's bundle carries no ETL connector, transform or simulator code, nor the libraries only they
// use: the route handlers name the configured sources from the sources file alone. Read from the production
// build `next build` leaves in .next (CI builds before the browser tests), through the chunks' source maps.

const NEXT = path.resolve(import.meta.dirname, '../../.next');
const ROUTES = [
  'app/api/trpc/[trpc]/route.js',
  'app/api/health/route.js',
  'app/api/wall/[layout]/events/route.js',
  'app/page.js',
  'app/queue/page.js',
  'app/work-orders/[id]/page.js',
  'app/reports/[id]/page.js',
  'app/api/export/route.js',
  'app/wall/[layout]/page.js',
];
const FORBIDDEN = [/^etl\/(simulator|connectors)\//, /^etl\/sources\/[^/]+\/(jobs|transform|index)\.ts$/, /^etl\/cli\.ts$/];
const ETL_ONLY_DEPS = /^node_modules\/(exceljs|mysql2|unzipper|archiver|csv-parse|@libsql\/client|iconv-lite)\//;

function modulesOf(route: string): { chunks: number; bytes: number; modules: string[] } {
  const entry = readFileSync(path.join(NEXT, 'server', route), 'utf8');
  const chunks = [...entry.matchAll(/R\.c\("([^"]+)"\)/g)].map((m) => m[1]!);
  let bytes = 0;
  const modules = new Set<string>();
  for (const c of chunks) {
    const file = path.join(NEXT, c);
    bytes += statSync(file).size;
    if (!existsSync(`${file}.map`)) continue;
    const map = JSON.parse(readFileSync(`${file}.map`, 'utf8')) as { sources?: string[]; sections?: { map: { sources: string[] } }[] };
    for (const s of map.sources ?? (map.sections ?? []).flatMap((x) => x.map.sources)) modules.add(s.replace(/^(\.\.\/)+/, ''));
  }
  return { chunks: chunks.length, bytes, modules: [...modules] };
}

describe('web bundle', { skip: !existsSync(path.join(NEXT, 'BUILD_ID')) && 'no production build (run `npm run build`)' }, () => {
  it('server chunks are readable (the check has something to read)', () => {
    const chunkDir = path.join(NEXT, 'server/chunks');
    assert.ok(
      readdirSync(chunkDir).some((f) => f.endsWith('.js.map')),
      'no source maps in .next/server/chunks',
    );
  });

  for (const route of ROUTES) {
    it(`${route} carries no ETL connector, transform or simulator module`, () => {
      const { chunks, bytes, modules } = modulesOf(route);
      console.log(`${route}: ${chunks} chunks, ${(bytes / 1024).toFixed(0)} KiB, ${modules.length} modules`);
      assert.ok(
        modules.some((m) => m.startsWith('server/') || m.startsWith('app/')),
        `no project module found in ${route}'s chunks`,
      );
      assert.deepEqual(
        modules.filter((m) => FORBIDDEN.some((re) => re.test(m)) || ETL_ONLY_DEPS.test(m)),
        [],
      );
    });
  }
});
