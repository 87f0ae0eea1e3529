export interface TaskOutcome {
  at: number;
  ok: boolean;
  message?: string;
}

/**
 * Runs named tasks one at a time per name. A request that arrives while the task runs (a cron tick, the
 * first pass after a simulated system caught up) is not dropped: the task runs once more when the current
 * run ends, so the data that request was for is picked up. Failures are recorded, never thrown.
 */
export class SerialRunner {
  /** Per running name, settled when that run ends. */
  private readonly running = new Map<string, Promise<void>>();
  private readonly again = new Map<string, () => Promise<string>>();
  stopped = false;

  constructor(private readonly onOutcome: (name: string, outcome: TaskOutcome) => void) {}

  async run(name: string, fn: () => Promise<string>): Promise<void> {
    if (this.running.has(name)) {
      this.again.set(name, fn);
      return;
    }
    await this.hold(name, async () => {
      try {
        this.onOutcome(name, { at: Date.now(), ok: true, message: await fn() });
      } catch (err) {
        this.onOutcome(name, { at: Date.now(), ok: false, message: err instanceof Error ? err.message : String(err) });
      }
    });
    await this.followUp(name);
  }

  /**
   * Runs `fn` under the task's name once no run of it is going, and returns what it returns (or throws): work
   * that must not overlap the scheduled runs, e.g. the history loading a drop folder the scheduled job also
   * takes files from. Requests meanwhile wait for it like for any run; its outcome is the caller's to record.
   */
  async exclusive<T>(name: string, fn: () => Promise<T>): Promise<T> {
    // A follow-up may take the name again before this wakes up: wait for that one too.
    while (this.running.has(name)) await this.running.get(name);
    try {
      return await this.hold(name, fn);
    } finally {
      void this.followUp(name);
    }
  }

  /**
   * Resolves once none of the given names (every name when left out) is running or has a follow-up run
   * requested: what lower-priority work (the history back-fill) awaits before each step, so it never starts
   * a step while a scheduled run is going or waiting. Once stopped, requested follow-ups no longer count
   * (they will not run).
   */
  async idle(names?: Iterable<string>): Promise<void> {
    const only = names === undefined ? undefined : new Set(names);
    const counts = (name: string) => only === undefined || only.has(name);
    for (;;) {
      const busy = [...this.running].filter(([name]) => counts(name)).map(([, ended]) => ended);
      const queued = !this.stopped && [...this.again.keys()].some(counts);
      if (busy.length === 0 && !queued) return;
      // A follow-up takes its name a few microtasks after the run before it released it: look again soon.
      await (busy.length ? Promise.race(busy) : new Promise<void>((r) => setImmediate(r)));
    }
  }

  private async hold<T>(name: string, fn: () => Promise<T>): Promise<T> {
    let release!: () => void;
    this.running.set(name, new Promise<void>((r) => (release = r)));
    try {
      return await fn();
    } finally {
      this.running.delete(name);
      release();
    }
  }

  private async followUp(name: string): Promise<void> {
    const next = this.again.get(name);
    if (next && !this.stopped) {
      this.again.delete(name);
      await this.run(name, next);
    }
  }
}
