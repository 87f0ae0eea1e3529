// Open event streams per client. A stream holds a connection, a timer and a subscription for as long as the
// client likes, so one client (a script, a misbehaving page) opening hundreds must be refused, not served.

export class StreamLimiter {
  private readonly open = new Map<string, number>();

  constructor(private readonly maxPerClient: number) {}

  /** Takes a slot for `client`; the returned release gives it back (once), or null when the client is at its limit. */
  acquire(client: string): (() => void) | null {
    const n = this.open.get(client) ?? 0;
    if (n >= this.maxPerClient) return null;
    this.open.set(client, n + 1);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const left = (this.open.get(client) ?? 1) - 1;
      if (left <= 0) this.open.delete(client);
      else this.open.set(client, left);
    };
  }

  count(client: string): number {
    return this.open.get(client) ?? 0;
  }
}
