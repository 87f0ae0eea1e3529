import Module from 'node:module';
import path from 'node:path';

// While source maps are on (tsx turns them on so the product's TypeScript has true stack traces), Node reads,
// parses and keeps the map of every module it compiles that names one. The web build's server chunks name maps of
// about 90 MB on disk: parsed and kept, they were 77 MB of this process's heap during the back-fill (a sampling
// heap profile). So the build's chunks and the packages under node_modules compile with source maps off, as Node
// 23's module.setSourceMapsSupport(true, { nodeModules: false, generatedCode: false }) would; the product's own
// modules keep theirs. The maps stay on disk (tests/browser/bundle.test.ts reads them).

type Compile = (this: Module, content: string, filename: string, ...rest: unknown[]) => unknown;

/** Where modules compile without their source maps being read: the build output and installed packages. */
export function unmappedRoots(root: string): string[] {
  return [path.join(root, '.next') + path.sep, path.join(root, 'node_modules') + path.sep];
}

let installed = false;

/**
 * Compiles CommonJS modules under `roots` with source maps off and every other module as the process had them
 * when this was installed (a product module that a chunk requires gets its map again). Idempotent; does nothing
 * when source maps are off.
 */
export function skipSourceMapsUnder(roots: string[]): void {
  if (installed || !process.sourceMapsEnabled) return;
  installed = true;
  const proto = Module.prototype as unknown as { _compile: Compile };
  const compile = proto._compile;
  proto._compile = function compileWithMapPolicy(this: Module, content, filename, ...rest) {
    const want = !roots.some((r) => filename.startsWith(r));
    const was = process.sourceMapsEnabled;
    if (want === was) return compile.call(this, content, filename, ...rest);
    // The module's body runs inside _compile too, so the setting holds while it runs and is put back after.
    process.setSourceMapsEnabled(want);
    try {
      return compile.call(this, content, filename, ...rest);
    } finally {
      process.setSourceMapsEnabled(was);
    }
  };
}

/** The policy for this process: the build output and installed packages compile without their maps. */
export function installSourceMapPolicy(root = path.resolve(import.meta.dirname, '..')): void {
  skipSourceMapsUnder(unmappedRoots(root));
}
