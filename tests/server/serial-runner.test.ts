import { describe, expect, it } from 'vitest';
import { SerialRunner, type TaskOutcome } from '@/server/jobs/serial-runner';

const deferred = () => {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
};

describe('SerialRunner', () => {
  it('never runs one task twice at once, and runs it once more for requests that came meanwhile', async () => {
    const outcomes: [string, TaskOutcome][] = [];
    const runner = new SerialRunner((name, o) => outcomes.push([name, o]));
    let concurrent = 0;
    let maxConcurrent = 0;
    let runs = 0;
    const gate = deferred();
    const task = async () => {
      concurrent++;
      maxConcurrent = Math.max(maxConcurrent, concurrent);
      runs++;
      if (runs === 1) await gate.promise;
      concurrent--;
      return `run ${runs}`;
    };
    const first = runner.run('etl', task);
    // Three requests while the first run is busy collapse into one follow-up run.
    await Promise.all([runner.run('etl', task), runner.run('etl', task), runner.run('etl', task)]);
    gate.resolve();
    await first;
    expect(maxConcurrent).toBe(1);
    expect(runs).toBe(2);
    expect(outcomes.map(([, o]) => o.message)).toEqual(['run 1', 'run 2']);
  });

  it('records a failure instead of throwing, and other names run independently', async () => {
    const outcomes: Record<string, TaskOutcome> = {};
    const runner = new SerialRunner((name, o) => (outcomes[name] = o));
    await Promise.all([runner.run('down', () => Promise.reject(new Error('source unreachable'))), runner.run('up', async () => 'fine')]);
    expect(outcomes.down).toMatchObject({ ok: false, message: 'source unreachable' });
    expect(outcomes.up).toMatchObject({ ok: true, message: 'fine' });
  });

  it('does not start the follow-up run once stopped', async () => {
    const runner = new SerialRunner(() => undefined);
    let runs = 0;
    const gate = deferred();
    const first = runner.run('etl', async () => {
      runs++;
      await gate.promise;
      return '';
    });
    await runner.run('etl', async () => {
      runs++;
      return '';
    });
    runner.stopped = true;
    gate.resolve();
    await first;
    expect(runs).toBe(1);
  });
});

describe('SerialRunner.exclusive', () => {
  it('waits for the running task, keeps scheduled runs out while it works, and returns its result', async () => {
    const order: string[] = [];
    const runner = new SerialRunner(() => undefined);
    const gate = deferred();
    const scheduled = runner.run('billing.bills', async () => {
      order.push('scheduled start');
      await gate.promise;
      order.push('scheduled end');
      return '';
    });
    const work = deferred();
    const history = runner.exclusive('billing.bills', async () => {
      order.push('history start');
      await work.promise;
      order.push('history end');
      return 42;
    });
    gate.resolve();
    await scheduled;
    // A cron tick while the history holds the name waits, then runs once.
    const tick = runner.run('billing.bills', async () => {
      order.push('tick');
      return '';
    });
    await tick;
    expect(order).toEqual(['scheduled start', 'scheduled end', 'history start']);
    work.resolve();
    expect(await history).toBe(42);
    await new Promise((r) => setTimeout(r, 10));
    expect(order).toEqual(['scheduled start', 'scheduled end', 'history start', 'history end', 'tick']);
  });

  it('passes a failure on to its caller and frees the name', async () => {
    const runner = new SerialRunner(() => undefined);
    await expect(runner.exclusive('x', () => Promise.reject(new Error('folder gone')))).rejects.toThrow('folder gone');
    let ran = false;
    await runner.run('x', async () => String((ran = true)));
    expect(ran).toBe(true);
  });
});
