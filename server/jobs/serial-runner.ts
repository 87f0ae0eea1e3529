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
  private readonly running = new Set<string>();
  private readonly again = new Map<string, () => Promise<string>>();
  stopped = false;

  constructor(private readonly onOutcome: (name: string, outcome: TaskOutcome) => void) {}

  async run(name: string, fn: () => Promise<string>): Promise<void> {
    if (this.running.has(name)) {
      this.again.set(name, fn);
      return;
    }
    this.running.add(name);
    try {
      this.onOutcome(name, { at: Date.now(), ok: true, message: await fn() });
    } catch (err) {
      this.onOutcome(name, { at: Date.now(), ok: false, message: err instanceof Error ? err.message : String(err) });
    } finally {
      this.running.delete(name);
    }
    const next = this.again.get(name);
    if (next && !this.stopped) {
      this.again.delete(name);
      await this.run(name, next);
    }
  }
}
