import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

// Node keeps the parsed map of every module it compiles while source maps are on; the server keeps none for the
// web build's chunks and installed packages, and keeps its own modules' maps (their stack traces stay true).

const MODULE = path.resolve(__dirname, '../../server/source-maps.ts');
const dir = mkdtempSync(path.join(tmpdir(), 'source-maps-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function moduleWithMap(file: string, body: string): string {
  const full = path.join(dir, file);
  mkdirSync(path.dirname(full), { recursive: true });
  writeFileSync(full, `${body}\n//# sourceMappingURL=${path.basename(file)}.map\n`);
  writeFileSync(`${full}.map`, JSON.stringify({ version: 3, sources: [`${path.basename(file)}.ts`], names: [], mappings: 'AAAA' }));
  return full;
}

// A build chunk that requires a product module while it runs.
const product = moduleWithMap('product/mod.cjs', 'module.exports = 1;');
const chunk = moduleWithMap('build/chunk.cjs', `module.exports = require(${JSON.stringify(product)});`);

function run(setup: string): { chunk: boolean; product: boolean; enabled: boolean } {
  const script = `
    import { createRequire, findSourceMap } from 'node:module';
    const { skipSourceMapsUnder } = await import(${JSON.stringify(MODULE)});
    ${setup}
    createRequire(import.meta.url)(${JSON.stringify(chunk)});
    console.log(JSON.stringify({ chunk: !!findSourceMap(${JSON.stringify(chunk)}), product: !!findSourceMap(${JSON.stringify(product)}), enabled: process.sourceMapsEnabled }));
  `;
  const r = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { encoding: 'utf8' });
  expect(r.status, r.stderr).toBe(0);
  return JSON.parse(r.stdout.trim().split('\n').pop()!) as { chunk: boolean; product: boolean; enabled: boolean };
}

describe('source maps in the server process', () => {
  it('without the policy, Node keeps the map of every module it compiles (what the policy prevents)', () => {
    expect(run('')).toEqual({ chunk: true, product: true, enabled: true });
  });

  it('modules under a skipped root compile without their map; a product module one of them requires keeps its map', () => {
    expect(run(`skipSourceMapsUnder([${JSON.stringify(path.join(dir, 'build') + path.sep)}]);`)).toEqual({
      chunk: false,
      product: true,
      enabled: true,
    });
  });

  it('does nothing when source maps are off', () => {
    const setup = `process.setSourceMapsEnabled(false); skipSourceMapsUnder([${JSON.stringify(path.join(dir, 'build') + path.sep)}]);`;
    expect(run(setup)).toEqual({ chunk: false, product: false, enabled: false });
  });

  it("the server's entry points install the policy before anything else loads", () => {
    for (const entry of ['server/main.ts', 'server/worker.ts']) {
      const first = readFileSync(path.resolve(__dirname, '../..', entry), 'utf8').match(/^import .*$/m)?.[0];
      expect(first, entry).toBe("import './source-map-policy';");
    }
  });
});
