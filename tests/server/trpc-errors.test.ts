import { TRPCError } from '@trpc/server';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { ClickHouseQueryError, toClickHouseError } from '@/core/clickhouse/errors';
import { InvalidError } from '@/core/errors';
import { formatError, mapErrors } from '@/server/trpc/errors';
import { assertSafeInput } from '@/server/trpc/input-guards';

// The API's error boundary (server/trpc/errors.ts): what leaves the server for each kind of failure.

const ENGINE_TEXT = 'Code: 241. DB::Exception: Memory limit (for query) exceeded: SELECT hall_code FROM fact_ticket';
const headers = new Headers({ 'x-request-id': 'abc123def456' });
const failing = (cause: unknown) => async () => ({ ok: false as const, error: new TRPCError({ code: 'INTERNAL_SERVER_ERROR', cause }) });
const shape = (message: string) => ({
  message,
  code: -32603 as const,
  data: { code: 'INTERNAL_SERVER_ERROR' as const, httpStatus: 500, stack: 'Error: at x' },
});

async function mapped(cause: unknown): Promise<TRPCError> {
  try {
    await mapErrors({ next: failing(cause), path: 'kpi.query', ctx: { headers } });
  } catch (err) {
    return err as TRPCError;
  }
  throw new Error('mapErrors let the failure through');
}

describe('mapErrors', () => {
  it('answers a query ClickHouse stopped for memory with 429 and a plain message', async () => {
    const err = await mapped(toClickHouseError('kpi.batch.1', Object.assign(new Error(ENGINE_TEXT), { code: '241' })));
    expect(err.code).toBe('TOO_MANY_REQUESTS');
    expect(err.message).toMatch(/narrow it/);
    expect(err.message).not.toMatch(/DB::Exception|SELECT/);
  });

  it('answers a timeout with 504 and an outage with 503', async () => {
    expect((await mapped(new ClickHouseQueryError('timeout', 't', ENGINE_TEXT, 159))).code).toBe('GATEWAY_TIMEOUT');
    expect((await mapped(new ClickHouseQueryError('unavailable', 't', 'ECONNREFUSED'))).code).toBe('SERVICE_UNAVAILABLE');
  });

  it('passes a domain error through with its kind and message', async () => {
    const err = await mapped(new InvalidError('请缩小时间范围 (narrow the time range)'));
    expect(err.code).toBe('BAD_REQUEST');
    expect(err.message).toBe('请缩小时间范围 (narrow the time range)');
  });
});

describe('formatError', () => {
  it('replaces an internal error by a message with the request id, and drops the stack', () => {
    const error = new TRPCError({ code: 'INTERNAL_SERVER_ERROR', message: ENGINE_TEXT, cause: new Error(ENGINE_TEXT) });
    const out = formatError({ shape: shape(ENGINE_TEXT), error, ctx: { headers } });
    expect(out.message).toContain('abc123def456');
    expect(JSON.stringify(out)).not.toMatch(/DB::Exception|SELECT|at x/);
    expect(out.data.requestId).toBe('abc123def456');
  });

  it('spells out invalid input field by field, record keys included', () => {
    const schema = z.object({
      filters: z.record(
        z.string().refine((k) => k === 'category', 'unknown dimension'),
        z.array(z.string()),
      ),
    });
    const parsed = schema.safeParse({ filters: { constructor: ['x'] } });
    expect(parsed.success).toBe(false);
    const error = new TRPCError({ code: 'BAD_REQUEST', cause: parsed.error });
    const out = formatError({
      shape: { ...shape('[json]'), data: { ...shape('').data, code: 'BAD_REQUEST', httpStatus: 400 } },
      error,
      ctx: { headers },
    });
    expect(out.message).toBe('filters.constructor: unknown dimension');
  });
});

describe('assertSafeInput', () => {
  it('refuses a __proto__ key and a NUL byte at any depth', () => {
    expect(() => assertSafeInput(JSON.parse('{"json":{"queries":[{"filters":{"__proto__":["x"]}}]}}'))).toThrow(/__proto__/);
    expect(() => assertSafeInput({ json: { id: ['a', 'b\u0000'] } })).toThrow(/NUL/);
    expect(() => assertSafeInput({ json: { id: 'rule-1', constructor: 'fine as data' } })).not.toThrow();
  });
});
