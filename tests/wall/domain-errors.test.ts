import { TRPCError } from '@trpc/server';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { ClickHouseQueryError, isClickHouseQueryError } from '@/core/clickhouse/errors';
import { DOMAIN_ERROR_KINDS, DomainError, isDomainError } from '@/core/errors';
import type { Runtime } from '@/server/runtime';
import type { Context, SessionUser } from '@/server/trpc/context';
import { createCallerFactory, DOMAIN_TO_TRPC, orgScopedProcedure, router } from '@/server/trpc/init';
import { canSee } from '@/server/auth/scope';
import { createCaller } from '@/server/trpc/root';
import { WallNotFoundError } from '@/server/wall/layouts';
import { trpcError } from '../helpers/trpc';

// Domain errors are mapped to tRPC codes once (server/trpc/init.ts), by their brand rather than `instanceof`:
// Next bundles the route handlers apart from the custom server, so the error a procedure sees may come from
// the other copy of its module. A second copy is made here with vi.resetModules() and a dynamic import.

const VIEWER: SessionUser = { id: 'viewer-zhao', name: '赵', role: 'viewer', orgCode: '53' };
const CITY_VIEWER: SessionUser = { id: 'km-zhao', name: '赵', role: 'viewer', orgCode: '5301' };

/** A caller over a runtime whose wall layouts list fails with `err`: no store is touched. */
function failingCaller(err: unknown, user: SessionUser = VIEWER) {
  const rt = { wall: { listLayouts: () => Promise.reject(err) } } as unknown as Runtime;
  return createCaller({ rt, user, headers: new Headers(), now: () => 0 } satisfies Context);
}

/** Second copies of the modules that define the domain errors (and of core/errors.ts under them). */
async function otherCopies() {
  vi.resetModules();
  const [errors, layouts, rotation, rules, kpi, compile, org, ch] = await Promise.all([
    import('@/core/errors'),
    import('@/server/wall/layouts'),
    import('@/server/wall/rotation'),
    import('@/server/alerts/rule-service'),
    import('@/server/kpi/service'),
    import('@/server/kpi/query/compile'),
    import('@/server/auth/scope'),
    import('@/core/clickhouse/errors'),
  ]);
  return { errors, layouts, rotation, rules, kpi, compile, org, ch };
}

afterEach(() => {
  vi.restoreAllMocks();
});

describe('domain errors across module copies', () => {
  it('recognises an error thrown by another copy of its module by the brand, not instanceof', async () => {
    const other = await otherCopies();
    expect(other.layouts.WallNotFoundError).not.toBe(WallNotFoundError);
    const err = new other.layouts.WallNotFoundError('没有大屏布局 x (no wall layout x)');
    expect(err).not.toBeInstanceOf(DomainError);
    expect(err).not.toBeInstanceOf(WallNotFoundError);
    expect(isDomainError(err)).toBe(true);
    expect(other.errors.isDomainError(new WallNotFoundError('x'))).toBe(true);
    expect(err).toMatchObject({ kind: 'not_found', name: 'WallNotFoundError' });
  });

  it('maps every domain error from the other copy to its tRPC code, the message passed through', async () => {
    const other = await otherCopies();
    const cases: [Error, TRPCError['code']][] = [
      [new other.layouts.WallNotFoundError('没有大屏布局 x (no wall layout x)'), 'NOT_FOUND'],
      [new other.layouts.WallConflictError(3), 'CONFLICT'],
      [new other.layouts.WallLayoutError([{ path: 'canvas.width', message: 'too small' }]), 'BAD_REQUEST'],
      [new other.rotation.ControlError('no panel map'), 'BAD_REQUEST'],
      [new other.rules.RuleNotFoundError('r-1'), 'NOT_FOUND'],
      [new other.kpi.KpiParamError(['call.loss_limit: too big']), 'BAD_REQUEST'],
      [new other.compile.KpiQueryError('no dimension x'), 'BAD_REQUEST'],
      [new other.org.OrgAccessError('44'), 'FORBIDDEN'],
      [new other.errors.UnavailableError('down'), 'SERVICE_UNAVAILABLE'],
    ];
    for (const [err, code] of cases) {
      expect(err).not.toBeInstanceOf(DomainError);
      const got = await trpcError(failingCaller(err).wall.layouts());
      expect([got.code, got.message, got.cause]).toEqual([code, err.message, err]);
    }
    const layoutErr = cases[2]![0] as InstanceType<typeof other.layouts.WallLayoutError>;
    expect(layoutErr.issues).toEqual([{ path: 'canvas.width', message: 'too small' }]);
    expect(layoutErr.message).toBe('canvas.width: too small');
  });

  it('maps a plain object carrying the brand; refuses look-alikes without it', async () => {
    const branded = { [Symbol.for('yingxiao.domain-error')]: 'conflict', kind: 'conflict', message: 'stale version' };
    expect(isDomainError(branded)).toBe(true);
    const got = await trpcError(failingCaller(branded).wall.layouts());
    expect([got.code, got.message]).toEqual(['CONFLICT', 'stale version']);

    for (const lookAlike of [
      new Error('plain'),
      { kind: 'not_found', message: 'no brand' },
      { [Symbol.for('yingxiao.domain-error')]: 'teapot', kind: 'teapot', message: 'unknown kind' },
      { [Symbol.for('yingxiao.domain-error')]: 'conflict', kind: 'not_found', message: 'kind and brand disagree' },
      null,
      'not_found',
    ]) {
      expect(isDomainError(lookAlike)).toBe(false);
    }
    vi.spyOn(console, 'error').mockImplementation(() => {});
    expect((await trpcError(failingCaller(new Error('boom')).wall.layouts())).code).toBe('INTERNAL_SERVER_ERROR');
  });

  it('has a tRPC code for every kind', () => {
    expect(DOMAIN_ERROR_KINDS.map((k) => [k, DOMAIN_TO_TRPC[k]])).toEqual([
      ['not_found', 'NOT_FOUND'],
      ['invalid', 'BAD_REQUEST'],
      ['conflict', 'CONFLICT'],
      ['forbidden', 'FORBIDDEN'],
      ['unavailable', 'SERVICE_UNAVAILABLE'],
    ]);
  });

  it('recognises a ClickHouseQueryError from the other copy and maps it by its own kind', async () => {
    const other = await otherCopies();
    const err = new other.ch.ClickHouseQueryError('unavailable', 'kpi.batch', 'connection refused');
    expect(err).not.toBeInstanceOf(ClickHouseQueryError);
    expect(isClickHouseQueryError(err)).toBe(true);
    expect(isClickHouseQueryError(new Error('[clickhouse:x] y'))).toBe(false);
    const logged = vi.spyOn(console, 'error').mockImplementation(() => {});
    const got = await trpcError(failingCaller(err).wall.layouts());
    expect([got.code, got.message]).toEqual(['SERVICE_UNAVAILABLE', '数据服务暂不可用 (analytics store unavailable)']);
    expect(logged).toHaveBeenCalledWith(expect.stringMatching(/wall\.layouts: \[clickhouse:kpi\.batch\] connection refused/));
    const resource = new other.ch.ClickHouseResourceError('kpi.batch', 'memory limit');
    expect((await trpcError(failingCaller(resource).wall.layouts())).code).toBe('TOO_MANY_REQUESTS');
  });
});

describe('org access', () => {
  it('sees its own node and below, nothing beside or above', () => {
    expect(canSee(CITY_VIEWER, '5301')).toBe(true);
    expect(canSee(CITY_VIEWER, '530102001')).toBe(true);
    expect(canSee(CITY_VIEWER, '5303')).toBe(false);
    expect(canSee(CITY_VIEWER, '53')).toBe(false);
  });

  it('refuses with FORBIDDEN and the same message at every door', async () => {
    const zone = { id: 'z', orgCode: '5303' };
    const rt = { wall: { requireZone: () => Promise.resolve({ stored: {}, zone }) } } as unknown as Runtime;
    const ctx = { rt, user: CITY_VIEWER, headers: new Headers(), now: () => 0 } satisfies Context;
    const caller = createCaller(ctx);
    // A procedure whose input names an org node (orgScopedProcedure).
    const scoped = createCallerFactory(router({ probe: orgScopedProcedure('kpi.read').query(() => 'ok') }))(ctx);
    expect(await scoped.probe({ orgCode: '530102' })).toBe('ok');
    for (const [p, org] of [
      [caller.wall.zoneData({ layoutId: 'demo', zoneId: 'z' }), '5303'],
      [caller.alerts.list({ orgCode: '53' }), '53'],
      [scoped.probe({ orgCode: '44' }), '44'],
    ] as const) {
      const err = await trpcError(p);
      expect([err.code, err.message]).toEqual(['FORBIDDEN', `无权查看该单位 (no access to org ${org})`]);
    }
  });
});
