import { describe, expect, it } from 'vitest';
import { StreamLimiter } from '@/server/wall/stream-limits';

describe('StreamLimiter', () => {
  it('refuses a client past its limit, counts clients apart, and takes each release once', () => {
    const l = new StreamLimiter(2);
    const a1 = l.acquire('a')!;
    const a2 = l.acquire('a')!;
    expect(l.acquire('a')).toBeNull();
    expect(l.acquire('b')).not.toBeNull();
    a1();
    a1();
    expect(l.count('a')).toBe(1);
    expect(l.acquire('a')).not.toBeNull();
    expect(l.acquire('a')).toBeNull();
    a2();
    expect(l.count('a')).toBe(1);
  });
});
