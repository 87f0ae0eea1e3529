import { parentPort, workerData } from 'node:worker_threads';
import type { Env } from '@/core/env';
import { startSimulator, type Simulator } from './start';
import type { FromWorker, SimulatorCall, ToWorker } from './worker-protocol';

// The simulator's own process (or thread): the source systems it plays (queue machines' database, CTI and
// work-order APIs, outage system, billing exports) generate and write their data here, on the machine's other
// core, instead of holding the product's event loop or its memory, as real source systems run outside it.

interface Port {
  post(m: FromWorker): void;
  on(fn: (m: ToWorker) => void): void;
}

function openPort(): Port {
  if (parentPort) {
    const p = parentPort;
    return { post: (m) => p.postMessage(m), on: (fn) => p.on('message', fn) };
  }
  if (process.send) {
    // Its product gone (even killed), the child has no one to serve: it leaves with it.
    process.on('disconnect', () => process.exit(0));
    return { post: (m) => process.send!(m), on: (fn) => process.on('message', (m) => fn(m as ToWorker)) };
  }
  throw new Error('etl/simulator/worker-entry.ts runs as a child process or a worker thread (see in-worker.ts)');
}

async function answer(sim: Simulator, call: SimulatorCall): Promise<unknown> {
  switch (call.op) {
    case 'tick': {
      const task = sim.tasks.find((t) => t.name === call.task);
      if (!task) throw new Error(`no simulator task ${call.task}`);
      return task.tick(call.now);
    }
    case 'liveSince':
      return (await sim.history?.liveSince()) ?? null;
    case 'prepareDay':
    case 'exportDay':
    case 'purgeDay':
    case 'verifyDay': {
      const system = sim.history?.systems.find((s) => s.name === call.system);
      if (!system) throw new Error(`no simulator history system ${call.system}`);
      const fn = system[call.op]?.bind(system);
      return fn ? ((await fn(call.ymd)) ?? null) : null;
    }
    case 'close':
      await sim.close();
      return null;
  }
}

async function serve(port: Port, env: Env, early: ToWorker[]) {
  try {
    const sim = await startSimulator(env);
    const handle = (m: ToWorker) => {
      if (!('id' in m)) return;
      answer(sim, m.call).then(
        (value) => port.post({ kind: 'reply', id: m.id, ok: true, value }),
        (err: unknown) => port.post({ kind: 'reply', id: m.id, ok: false, error: err instanceof Error ? err.message : String(err) }),
      );
    };
    port.on(handle);
    for (const m of early) handle(m);
    port.post({
      kind: 'ready',
      description: {
        tasks: sim.tasks.map((t) => ({ name: t.name, schedule: t.schedule, ...(t.feeds ? { feeds: t.feeds } : {}) })),
        ...(sim.history
          ? {
              history: {
                systems: sim.history.systems.map((s) => ({
                  name: s.name,
                  sources: s.sources,
                  ...(s.splitFrom ? { splitFrom: s.splitFrom } : {}),
                  ...(s.sourcesSideBySide ? { sourcesSideBySide: s.sourcesSideBySide } : {}),
                  prepareDay: !!s.prepareDay,
                  exportDay: !!s.exportDay,
                  purgeDay: !!s.purgeDay,
                  verifyDay: !!s.verifyDay,
                })),
              },
            }
          : {}),
        vars: sim.vars,
        ...(sim.demoChannels ? { demoChannels: sim.demoChannels } : {}),
      },
    });
  } catch (err) {
    port.post({ kind: 'failed', error: err instanceof Error ? (err.stack ?? err.message) : String(err) });
  }
}

const port = openPort();
if (parentPort) await serve(port, (workerData as { env: Env }).env, []);
else {
  // A child process is told its configuration first (the product's parsed Env, as the thread gets it).
  const early: ToWorker[] = [];
  let started = false;
  port.on((m) => {
    if (started) return;
    if ('init' in m) {
      started = true;
      void serve(port, m.init, early);
    } else early.push(m);
  });
}
