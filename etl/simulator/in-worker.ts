import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { Env } from '@/core/env';
import { startSimulator } from './start';
import type { Simulator, SimulatorHistorySystem } from './types';
import type { FromWorker, SimulatorCall, SimulatorDescription, ToWorker } from './worker-protocol';

// The simulator outside the product's event loop: the product sees the same Simulator (tasks, history
// systems, addresses), whose calls travel to the simulator and back. Its generation and its synchronous SQLite
// writes no longer hold the event loop that answers the screens, and they run beside the ETL on the second
// core. In a child process (the default) its heap is not the product's either: the product's resident memory
// is then what the product itself holds, as with real source systems on other machines.

const ENTRY = new URL('./worker-entry.ts', import.meta.url);
/**
 * The simulator's own heap bound. It holds half a gigabyte of plans (the billing year, outage notices, the
 * halls' and the APIs' days) while it writes the history: bounded at 1 GB, the collector took a quarter of its
 * time during the back-fill; at 2 GB, a seventh (bench/README.md). Its process is not the product's memory.
 */
const SIMULATOR_HEAP_MB = 2048;
/**
 * Its young generation's semi-space: a day's plan (tens of thousands of tickets, calls, notices) outlives the
 * default nursery and is copied and promoted before it dies. In a probe writing six history days, 64 MB cut
 * the collector's time from 3.7 to 2.6 s (bench/README.md); the day rate was not measured for it alone.
 */
const SIMULATOR_SEMI_SPACE_MB = 64;

/** A channel to the simulator's process or thread. */
interface Channel {
  send(m: ToWorker): void;
  onMessage(fn: (m: FromWorker) => void): void;
  /** Called once if it crashes or exits. */
  onGone(fn: (why: string) => void): void;
  terminate(): Promise<void>;
}

function threadChannel(e: Env): Channel {
  // A worker thread does not inherit the main thread's `--import tsx` hooks: the thread registers tsx itself,
  // then loads the TypeScript entry (with the project's path aliases).
  const boot = `import('tsx/esm/api').then(({ register }) => { register(); return import(${JSON.stringify(ENTRY.href)}); })`;
  // The thread plays the systems of this configuration (a parsed Env is plain data).
  const worker = new Worker(boot, { eval: true, workerData: { env: e } });
  return {
    send: (m) => worker.postMessage(m),
    onMessage: (fn) => worker.on('message', fn),
    onGone: (fn) => {
      worker.on('error', (err) => fn(`simulator thread crashed: ${err.message}`));
      worker.on('exit', (code) => fn(`simulator thread exited (${code})`));
    },
    terminate: async () => void (await worker.terminate()),
  };
}

function processChannel(e: Env): Channel {
  const child = fork(fileURLToPath(ENTRY), [], {
    // tsx and the project's path aliases, whatever the parent runs under (the server, a test runner).
    execArgv: ['--import', 'tsx', `--max-old-space-size=${SIMULATOR_HEAP_MB}`, `--max-semi-space-size=${SIMULATOR_SEMI_SPACE_MB}`],
    // Structured clone, as between threads: the configuration and the answers are plain data.
    serialization: 'advanced',
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  child.send({ init: e } satisfies ToWorker);
  return {
    send: (m) => child.send(m),
    onMessage: (fn) => child.on('message', (m) => fn(m as FromWorker)),
    onGone: (fn) => {
      child.on('error', (err) => fn(`simulator process failed: ${err.message}`));
      child.on('exit', (code, signal) => fn(`simulator process exited (${signal ?? code})`));
    },
    terminate: async () => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
      child.disconnect();
      const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
      await exited;
      clearTimeout(timer);
    },
  };
}

/** The simulator in a child process of its own (SIMULATOR_ISOLATION=process, the default) or a worker thread. */
export function startSimulatorIsolated(e: Env): Promise<Simulator> {
  return e.SIMULATOR_ISOLATION === 'thread' ? startSimulatorInWorker(e) : startSimulatorInChildProcess(e);
}

export function startSimulatorInWorker(e: Env): Promise<Simulator> {
  return e.SIMULATOR ? startRemote(threadChannel(e), 'thread') : startSimulator(e);
}

export function startSimulatorInChildProcess(e: Env): Promise<Simulator> {
  return e.SIMULATOR ? startRemote(processChannel(e), 'process') : startSimulator(e);
}

async function startRemote(channel: Channel, kind: 'thread' | 'process'): Promise<Simulator> {
  const pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  let nextId = 1;
  let dead: string | null = null;
  let started = false;

  const description = await new Promise<SimulatorDescription>((resolve, reject) => {
    channel.onMessage((m) => {
      if (m.kind === 'ready') {
        started = true;
        resolve(m.description);
      } else if (m.kind === 'failed') reject(new Error(`simulator ${kind} failed to start: ${m.error}`));
      else {
        const p = pending.get(m.id);
        pending.delete(m.id);
        if (!p) return;
        if (m.ok) p.resolve(m.value);
        else p.reject(new Error(m.error));
      }
    });
    const fail = (why: string) => {
      if (dead) return;
      dead = why;
      if (started) console.error(`[simulator] ${why}: its sources stop delivering until the next start`);
      reject(new Error(why));
      for (const p of pending.values()) p.reject(new Error(why));
      pending.clear();
    };
    channel.onGone(fail);
  });

  const call = <T>(c: SimulatorCall): Promise<T> => {
    // A dead simulator is a source system that is down: calls fail, the sources go late, health says so.
    if (dead) return Promise.reject(new Error(dead));
    const id = nextId++;
    return new Promise<T>((resolve, reject) => {
      pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
      channel.send({ id, call: c });
    });
  };

  const systems: SimulatorHistorySystem[] = (description.history?.systems ?? []).map((s) => ({
    name: s.name,
    sources: s.sources,
    ...(s.splitFrom ? { splitFrom: s.splitFrom } : {}),
    ...(s.sourcesSideBySide ? { sourcesSideBySide: s.sourcesSideBySide } : {}),
    ...(s.prepareDay ? { prepareDay: (ymd: string) => call<void>({ op: 'prepareDay', system: s.name, ymd }) } : {}),
    ...(s.exportDay ? { exportDay: (ymd: string) => call<Record<string, string[]>>({ op: 'exportDay', system: s.name, ymd }) } : {}),
    ...(s.purgeDay ? { purgeDay: (ymd: string) => call<void>({ op: 'purgeDay', system: s.name, ymd }) } : {}),
    ...(s.verifyDay ? { verifyDay: (ymd: string) => call<string | null>({ op: 'verifyDay', system: s.name, ymd }) } : {}),
  }));

  return {
    tasks: description.tasks.map((t) => ({ ...t, tick: (now: number) => call<number>({ op: 'tick', task: t.name, now }) })),
    ...(description.history ? { history: { liveSince: () => call<number | null>({ op: 'liveSince' }), systems } } : {}),
    vars: description.vars,
    ...(description.demoChannels ? { demoChannels: description.demoChannels } : {}),
    async close() {
      if (!dead) await call({ op: 'close' }).catch(() => undefined);
      dead ??= 'simulator closed';
      started = false;
      await channel.terminate();
    },
  };
}
