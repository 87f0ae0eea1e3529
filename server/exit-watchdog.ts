import { spawn } from 'node:child_process';

// A stop's last resort, outside this process. The in-process deadline (a timer) cannot fire while the main
// thread is blocked in native code, and that is where a stop has hung: in chDB's exit handlers, waiting on a
// lock of the engine's own threads after process.exit() was called (seen under gdb during the history
// back-fill), which left `npm start` running after Ctrl-C, forever. A small detached process watches this one
// and kills it once the grace period is over; it ends by itself as soon as this process is gone.

const WATCHER = `
const [pid, ms, label] = process.argv.slice(1);
const end = Date.now() + Number(ms);
const tick = setInterval(() => {
  try { process.kill(Number(pid), 0); } catch { clearInterval(tick); return; }
  if (Date.now() < end) return;
  process.stderr.write(label + ' still running ' + Number(ms) / 1000 + ' s after the stop began: killed\\n');
  try { process.kill(Number(pid), 'SIGKILL'); } catch {}
  clearInterval(tick);
}, 100);
`;

/**
 * Arms the watcher for this process: killed (SIGKILL) `graceMs` from now unless it has exited. `label` starts
 * the line the watcher writes to this process's stderr when it kills. Returns the watcher's pid.
 */
export function armExitWatchdog(graceMs: number, label: string, pid = process.pid): number | undefined {
  const child = spawn(process.execPath, ['-e', WATCHER, String(pid), String(graceMs), label], {
    // Its own process group: the Ctrl-C that began the stop does not reach it.
    detached: true,
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  child.unref();
  return child.pid;
}
