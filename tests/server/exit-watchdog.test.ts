import { spawn } from 'node:child_process';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

// The stop's last resort works when nothing in the process can run any more: a child arms the watcher, then
// blocks its main thread for good (as chDB's exit handlers did, on a lock), so no timer of its own can fire.

const MODULE = path.resolve(__dirname, '../../server/exit-watchdog.ts');

function child(script: string) {
  const p = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  p.stdout.on('data', (d: Buffer) => (out += d));
  p.stderr.on('data', (d: Buffer) => (err += d));
  const done = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    p.on('exit', (code, signal) => resolve({ code, signal })),
  );
  return { done, out: () => out, err: () => err };
}

const gone = (pid: number) => {
  try {
    process.kill(pid, 0);
    return false;
  } catch {
    return true;
  }
};

describe('exit watchdog', () => {
  it('kills a process whose main thread is blocked, and says so on its stderr', async () => {
    const c = child(`
      const { armExitWatchdog } = await import(${JSON.stringify(MODULE)});
      armExitWatchdog(300, '[test] blocked');
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0);
    `);
    const r = await c.done;
    expect(r.signal).toBe('SIGKILL');
    await expect.poll(() => c.err()).toContain('[test] blocked still running 0.3 s after the stop began: killed');
  }, 30_000);

  it('leaves a process that exits on its own alone, and ends with it', async () => {
    const c = child(`
      const { armExitWatchdog } = await import(${JSON.stringify(MODULE)});
      console.log(armExitWatchdog(60_000, '[test] clean'));
      process.exit(0);
    `);
    const r = await c.done;
    expect(r).toEqual({ code: 0, signal: null });
    const watcher = Number(c.out().trim());
    expect(watcher).toBeGreaterThan(0);
    // The watcher notices and ends long before its minute.
    await expect.poll(() => gone(watcher), { timeout: 10_000 }).toBe(true);
    expect(c.err()).not.toContain('killed');
  }, 30_000);
});
