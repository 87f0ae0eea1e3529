import { describe, expect, it } from 'vitest';
import { EnvError, loadEnv } from '@/core/env';

describe('env', () => {
  it('has working defaults for a fresh machine', () => {
    const e = loadEnv({});
    expect(e.PORT).toBe(3000);
    expect(e.DATA_DIR).toBe('./data');
    expect(e.CLICKHOUSE_URL).toBeUndefined();
    expect(e.DATABASE_URL).toBeUndefined();
    expect(e.SCHEDULER).toBe('web');
    expect(e.SIMULATOR).toBe(true);
    expect(e.dataDir).toMatch(/\/data$/);
  });

  it('honours PORT and DATA_DIR so two instances can run side by side', () => {
    const e = loadEnv({ PORT: '3101', DATA_DIR: '/tmp/second' });
    expect(e.PORT).toBe(3101);
    expect(e.dataDir).toBe('/tmp/second');
  });

  it.each([
    [{ PORT: 'eighty' }, 'PORT'],
    [{ PORT: '70000' }, 'PORT'],
    [{ CLICKHOUSE_URL: 'clickhouse.internal:8123' }, 'CLICKHOUSE_URL'],
    [{ DATABASE_URL: 'mysql://root@localhost/x' }, 'DATABASE_URL'],
    [{ SIMULATOR: 'maybe' }, 'SIMULATOR'],
    [{ BUSINESS_TZ: 'Mars/Olympus' }, 'BUSINESS_TZ'],
    [{ CLICKHOUSE_DATABASE: 'monitor; DROP' }, 'CLICKHOUSE_DATABASE'],
    [{ SCHEDULER: 'worker' }, 'SCHEDULER'],
    [{ CLICKHOUSE_CLUSTER: 'main' }, 'CLICKHOUSE_CLUSTER'],
  ])('stops with a message naming the variable for %o', (vars, name) => {
    let err: unknown;
    try {
      loadEnv(vars);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(EnvError);
    expect((err as EnvError).issues.map((i) => i.variable)).toContain(name);
    expect((err as EnvError).message).toContain(`${name}:`);
  });

  it('accepts a server configuration with a separate worker', () => {
    const e = loadEnv({
      CLICKHOUSE_URL: 'http://ch:8123',
      SCHEDULER: 'worker',
      DATABASE_URL: 'postgresql://u@db/monitor',
      CLICKHOUSE_CLUSTER: 'main',
    });
    expect(e.SCHEDULER).toBe('worker');
    expect(e.CLICKHOUSE_CLUSTER).toBe('main');
  });
});
