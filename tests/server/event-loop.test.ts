import { describe, expect, it } from 'vitest';
import { eventLoopDelay, watchEventLoop } from '@/server/event-loop';

describe('event loop delay in health', () => {
  it('reports a synchronous block the loop suffered', async () => {
    watchEventLoop();
    await new Promise((r) => setTimeout(r, 50));
    const until = performance.now() + 300;
    while (performance.now() < until) {
      // held on purpose: what a big synchronous batch does to every request
    }
    await new Promise((r) => setTimeout(r, 50));
    const after = eventLoopDelay();
    expect(after.maxMs).toBeGreaterThanOrEqual(250);
    expect(after.p99Ms).toBeGreaterThan(0);
  });
});
