import { readFileSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import ts from 'typescript';

// The project's module graph as the compiler sees it: every import, export-from, dynamic import and
// `import type` of the project's own files (type-only edges count: they tie files together as much as
// the others do when a reader follows them).

const ROOT = path.resolve(import.meta.dirname, '../..');
const SKIP = new Set(['node_modules', '.next', 'data', 'generated', '.git', 'public', 'docs']);

function listSources(dir: string, out: string[] = []): string[] {
  for (const name of readdirSync(dir)) {
    if (SKIP.has(name) || name.startsWith('.')) continue;
    const p = path.join(dir, name);
    if (statSync(p).isDirectory()) listSources(p, out);
    else if (/\.(ts|tsx)$/.test(name) && !name.endsWith('.d.ts')) out.push(p);
  }
  return out;
}

export interface ImportGraph {
  /** Project-relative file → the project files it imports. */
  edges: Map<string, Set<string>>;
}

export function buildImportGraph(roots: string[] = ['core', 'etl', 'server', 'app', 'tests', 'bench', 'scripts']): ImportGraph {
  const configPath = path.join(ROOT, 'tsconfig.json');
  const config = ts.parseJsonConfigFileContent(ts.readConfigFile(configPath, ts.sys.readFile).config, ts.sys, ROOT);
  const host = ts.createCompilerHost(config.options);
  const edges = new Map<string, Set<string>>();
  const files = roots.flatMap((r) => {
    try {
      return listSources(path.join(ROOT, r));
    } catch {
      return [];
    }
  });
  for (const file of files) {
    const rel = path.relative(ROOT, file);
    const info = ts.preProcessFile(readFileSync(file, 'utf8'), true, true);
    const targets = new Set<string>();
    for (const ref of info.importedFiles) {
      const resolved = ts.resolveModuleName(ref.fileName, file, config.options, host).resolvedModule;
      if (!resolved || resolved.isExternalLibraryImport) continue;
      const to = path.relative(ROOT, resolved.resolvedFileName);
      if (to.startsWith('..') || to.includes('node_modules')) continue;
      targets.add(to);
    }
    edges.set(rel, targets);
  }
  return { edges };
}

/** Strongly connected components with more than one file, or a file importing itself (Tarjan). */
export function importCircles(g: ImportGraph): string[][] {
  let index = 0;
  const idx = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const on = new Set<string>();
  const out: string[][] = [];
  const visit = (v: string) => {
    idx.set(v, index);
    low.set(v, index++);
    stack.push(v);
    on.add(v);
    for (const w of g.edges.get(v) ?? []) {
      if (!idx.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (on.has(w)) low.set(v, Math.min(low.get(v)!, idx.get(w)!));
    }
    if (low.get(v) === idx.get(v)) {
      const comp: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        on.delete(w);
        comp.push(w);
      } while (w !== v);
      if (comp.length > 1 || g.edges.get(v)?.has(v)) out.push(comp.sort());
    }
  };
  for (const v of g.edges.keys()) if (!idx.has(v)) visit(v);
  return out;
}

/** One shortest cycle through `start` inside its component, for a readable failure message. */
export function cycleThrough(g: ImportGraph, start: string, within: Set<string>): string[] {
  const prev = new Map<string, string>();
  const queue = [start];
  const seen = new Set([start]);
  while (queue.length) {
    const v = queue.shift()!;
    for (const w of g.edges.get(v) ?? []) {
      if (!within.has(w)) continue;
      if (w === start) {
        const path = [v];
        while (path[0] !== start) path.unshift(prev.get(path[0]!)!);
        return [...path, start];
      }
      if (!seen.has(w)) {
        seen.add(w);
        prev.set(w, v);
        queue.push(w);
      }
    }
  }
  return [start];
}
