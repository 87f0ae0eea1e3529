import { accessSync, constants, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';

// Every embedded store lives under DATA_DIR. An unwritable one used to leave the process silent for a minute
// (no output, no port) while the stores retried; checked first, it stops start-up at once naming the variable.

export class DataDirError extends Error {
  constructor(dir: string, cause: unknown) {
    const why = cause instanceof Error ? cause.message : String(cause);
    super(`Invalid configuration:\n  DATA_DIR: ${dir} is not a writable directory (${why})\nSee .env.example for every variable.`);
    this.name = 'DataDirError';
  }
}

/** Creates DATA_DIR when missing and proves a file can be written there; throws DataDirError otherwise. */
export function assertWritableDataDir(dir: string): void {
  try {
    mkdirSync(dir, { recursive: true });
    accessSync(dir, constants.W_OK);
    const probe = path.join(dir, `.write-probe-${process.pid}`);
    writeFileSync(probe, '');
    rmSync(probe);
  } catch (err) {
    throw new DataDirError(dir, err);
  }
}
