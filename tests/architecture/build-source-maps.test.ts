import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

// The production build carries no source maps for the server: the server process runs with Node's source maps
// on, and Node would read and keep the map of every chunk it loads (next.config.js). CI builds before `npm test`;
// on a machine without a build there is nothing to check, and the test says so by being skipped.

const root = path.resolve(__dirname, '../..');
const built = existsSync(path.join(root, '.next', 'BUILD_ID'));

function files(dir: string, out: string[] = []): string[] {
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) files(p, out);
    else out.push(p);
  }
  return out;
}

describe('the production build', () => {
  it.runIf(built)('has server chunks and no source map beside them', () => {
    const server = files(path.join(root, '.next', 'server'));
    expect(server.filter((f) => f.endsWith('.js')).length).toBeGreaterThan(50);
    expect(server.filter((f) => f.endsWith('.map')).map((f) => path.relative(root, f))).toEqual([]);
  });
});
