import path from 'node:path';
import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';
import { buildImportGraph, cycleThrough, importCircles, type ImportGraph } from './import-graph';

// The layers core ← etl ← server ← app are a rule `npm test` enforces, not a drawing: the lint rules in
// eslint.config.mjs refuse an upward import, and the whole module graph (type-only imports included) must
// have no circle.

const ROOT = path.resolve(import.meta.dirname, '../..');
const eslint = new ESLint({ cwd: ROOT });

async function restricted(file: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath: path.join(ROOT, file) });
  return result!.messages.filter((m) => m.ruleId === 'no-restricted-imports').map((m) => m.message);
}

describe('layer rule (lint)', () => {
  it.each([
    ['core/clickhouse/x.ts', "import { env } from '@/etl/config/sources';"],
    ['core/x.ts', "import type { Runtime } from '../server/runtime';"],
    ['etl/runtime/x.ts', "import { checkHealth } from '@/server/health';"],
    ['etl/sources/cti/x.ts', "import type { Runtime } from '../../../server/runtime';"],
    ['server/kpi/x.ts', "import { LocaleProvider } from '@/app/_i18n/LocaleProvider';"],
    ['app/x.ts', "import { startSimulator } from '@/etl/simulator/start';"],
    ['app/_components/x.tsx', "import { createDb } from '@/server/db/client';"],
    ['app/x.ts', "import { ClickHouse } from '@/core/clickhouse/client';"],
  ])('refuses %s importing upward or inward: %s', async (file, code) => {
    expect(await restricted(file, code)).toHaveLength(1);
  });

  it.each([
    ['etl/runtime/x.ts', "import { ClickHouse } from '@/core/clickhouse/client';"],
    ['etl/sources/cti/x.ts', "import { x } from '../../runtime/job';"],
    ['server/kpi/x.ts', "import { sourceLateness } from '@/etl/runtime/lateness';"],
    ['app/x.ts', "import type { AppRouter } from '@/server/trpc/root';"],
    ['app/x.ts', "import { PROVINCE } from '@/core/org/divisions';"],
  ])('lets %s import downward: %s', async (file, code) => {
    expect(await restricted(file, code)).toEqual([]);
  });
});

describe('import circles', () => {
  it('finds a circle, type-only edges included (the check can fail)', () => {
    const g: ImportGraph = {
      edges: new Map([
        ['a.ts', new Set(['b.ts'])],
        ['b.ts', new Set(['c.ts'])],
        ['c.ts', new Set(['a.ts'])],
        ['d.ts', new Set(['a.ts'])],
      ]),
    };
    expect(importCircles(g)).toEqual([['a.ts', 'b.ts', 'c.ts']]);
    expect(cycleThrough(g, 'a.ts', new Set(['a.ts', 'b.ts', 'c.ts']))).toEqual(['a.ts', 'b.ts', 'c.ts', 'a.ts']);
  });

  it('reads `import type` and `export … from` as edges', () => {
    const g = buildImportGraph(['server']);
    // server/health.ts imports the Infra type only; server/trpc/root.ts re-exports nothing but imports routers.
    expect(g.edges.get('server/health.ts')).toContain('server/infra.ts');
  });

  it('the project has none', () => {
    const g = buildImportGraph();
    expect(g.edges.size).toBeGreaterThan(200);
    const circles = importCircles(g).map((c) => cycleThrough(g, c[0]!, new Set(c)).join(' → '));
    expect(circles).toEqual([]);
  });
});
