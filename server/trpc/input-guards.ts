import superjson from 'superjson';
import { z } from 'zod';
import { InvalidError } from '@/core/errors';

// Input checks that hold for every procedure, before any schema sees the input. A `__proto__` key is dropped
// by superjson and zod alike (a filter named so was silently ignored), so it is refused on the raw JSON; a
// NUL byte has no place in any text this API takes, and PostgreSQL refuses it with a driver error.

const NUL_MESSAGE = '不能含 NUL 字符 (text must not contain a NUL byte)';
export const hasNoNul = (s: string) => !s.includes('\0');

/** An id or name from the client: bounded, and never a NUL byte (the router input schemas). */
export const idText = (max: number) => z.string().min(1).max(max).refine(hasNoNul, NUL_MESSAGE);

/** Refuses a raw (JSON) input holding a `__proto__` key or a NUL byte anywhere; walked without recursion. */
export function assertSafeInput(raw: unknown): void {
  const stack: unknown[] = [raw];
  while (stack.length) {
    const v = stack.pop();
    if (typeof v === 'string') {
      if (!hasNoNul(v)) throw new InvalidError(NUL_MESSAGE);
    } else if (Array.isArray(v)) {
      stack.push(...v);
    } else if (typeof v === 'object' && v !== null) {
      for (const key of Object.keys(v)) {
        if (key === '__proto__') throw new InvalidError('不接受名为 __proto__ 的字段 (a field named __proto__ is not accepted)');
        if (!hasNoNul(key)) throw new InvalidError(NUL_MESSAGE);
        stack.push((v as Record<string, unknown>)[key]);
      }
    }
  }
}

/** superjson (what the clients send), with the raw input checked first; answers go out unchanged. */
export const guardedTransformer = {
  input: {
    serialize: (v: unknown) => superjson.serialize(v),
    deserialize: (v: unknown) => {
      assertSafeInput(v);
      return superjson.deserialize(v as Parameters<typeof superjson.deserialize>[0]);
    },
  },
  output: {
    serialize: (v: unknown) => superjson.serialize(v),
    deserialize: (v: unknown) => superjson.deserialize(v as Parameters<typeof superjson.deserialize>[0]),
  },
};
