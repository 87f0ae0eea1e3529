import { readdirSync, statSync } from 'node:fs';
import pg from 'pg';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROUTE_POLICIES } from '@/server/auth/route-policies';
import { can, type Permission } from '@/server/auth/roles';
import type { Policy } from '@/server/trpc/policy';
import { appRouter } from '@/server/trpc/root';
import { ADMIN_AUTH, startApp, waitFor, type RunningApp } from '../browser/server';
import { createPgDatabase, type TestPgDatabase } from '../db/helpers';

// The inventory of every door: each tRPC procedure and each HTTP route or page must declare who may use it,
// and for each one an anonymous call, a call by a role without the permission and a call by a Kunming
// principal about Qujing are refused — over HTTP, against the product started as a user starts it.

type Who = { authorization?: string; cookie?: string };
type ProcDef = { _def: { type: 'query' | 'mutation' | 'subscription'; meta?: { policy?: Policy } } };

const PROCEDURES = Object.entries((appRouter as unknown as { _def: { procedures: Record<string, ProcDef> } })._def.procedures);

let app: RunningApp;
const P: Record<'admin' | 'kmManager' | 'kmAdmin' | 'kmDuty' | 'viewer' | 'screen', Who> = {
  admin: ADMIN_AUTH,
  kmManager: {},
  kmAdmin: {},
  kmDuty: {},
  viewer: {},
  screen: {},
};
/** Records made in Qujing by the administrator, which the Kunming principals must not reach. */
const qj = {
  ruleId: '',
  rule: null as unknown,
  tokenId: '',
  userId: '',
  pairCode: '',
  alertId: 'qj-alert-1',
  supervisionId: '',
  handoverId: '',
  shiftId: '',
  silenceId: '',
  reportId: '',
  exportJobId: '',
};
/** One Qujing record of each kind behind the record detail procedures (records.*), found through kpi.rows. */
const qjRecords = { order: '', ticket: '', call: '', outage: '', bill: '' };
/** The app runs on PostgreSQL here, so the test can write a Qujing alert as the engine would. */
let pgdb: TestPgDatabase;
const HOUR = 3_600_000;
const soon = () => ({ startsAt: Date.now() + HOUR, endsAt: Date.now() + 5 * HOUR });
const beijingYesterday = () => new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai' }).format(Date.now() - 24 * HOUR);
const forbid = (input: () => unknown, who: keyof typeof P = 'kmDuty') => ({ input, cross: { who, input, expect: 'forbidden' as const } });
const noneOf5303 = (list: (d: unknown) => { orgCode?: string }[], who: keyof typeof P = 'kmDuty') => ({
  who,
  input: () => undefined,
  check: (d: unknown) => expect(list(d).filter((x) => (x.orgCode ?? '').startsWith('5303'))).toEqual([]),
});

async function call(who: Who, proc: string, input?: unknown) {
  try {
    return await callOnce(who, proc, input);
  } catch (err) {
    throw new Error(`${proc}: ${String(err)}\n--- app log ---\n${app.logs.join('').slice(-3000)}`, { cause: err });
  }
}

async function callOnce(who: Who, proc: string, input?: unknown) {
  const type = PROCEDURES.find(([p]) => p === proc)![1]._def.type;
  const headers: Record<string, string> = { ...(who as Record<string, string>) };
  let res: Response;
  if (type === 'query') {
    const q = input === undefined ? '' : `?input=${encodeURIComponent(JSON.stringify({ json: input }))}`;
    res = await fetch(`${app.url}/api/trpc/${proc}${q}`, { headers });
  } else {
    // Same-origin, as the product's own pages post: the refusal must come from identity, not the CSRF check.
    res = await fetch(`${app.url}/api/trpc/${proc}`, {
      method: 'POST',
      headers: { ...headers, 'content-type': 'application/json', origin: app.url },
      body: JSON.stringify({ json: input ?? null }),
    });
  }
  const body = (await res.json().catch(() => null)) as {
    result?: { data?: { json?: unknown } };
    error?: { json?: { message?: string } };
  } | null;
  return { status: res.status, data: body?.result?.data?.json, message: body?.error?.json?.message ?? '' };
}

async function ok<T>(who: Who, proc: string, input?: unknown): Promise<T> {
  const r = await call(who, proc, input);
  if (r.status !== 200) throw new Error(`${proc} answered ${r.status}: ${r.message}`);
  return r.data as T;
}

async function serviceToken(name: string, role: string, orgCode: string): Promise<{ id: string; who: Who }> {
  const t = await ok<{ id: string; token: string }>(P.admin, 'tokens.create', { name, role, orgCode });
  return { id: t.id, who: { authorization: `Bearer ${t.token}` } };
}

async function pairScreen(layoutId: string, zoneId: string | null): Promise<Who> {
  const p = (await (await fetch(`${app.url}/api/screens/pair`, { method: 'POST' })).json()) as { code: string; pollKey: string };
  await ok(P.admin, 'screens.approve', { code: p.code, layoutId, zoneId, name: `inventory-${p.code}` });
  const res = await fetch(`${app.url}/api/screens/pair/poll`, { method: 'POST', body: JSON.stringify({ pollKey: p.pollKey }) });
  const cookie = res.headers.getSetCookie().find((c) => c.startsWith('ym_display='));
  expect(cookie).toBeDefined();
  return { cookie: cookie!.split(';')[0]! };
}

const qujingQueue = { queries: [{ kpis: ['queue.tickets'], orgCode: '5303' }] };

/**
 * Per procedure: the input of an in-scope call, and what a Kunming principal holding the permission gets
 * when it asks about Qujing — `forbidden`, or a check that the answer holds nothing of Qujing, or `none`
 * with the reason the procedure touches no org-scoped data.
 */
type CrossCity = { who: keyof typeof P; input: () => unknown } & ({ expect: 'forbidden' } | { check: (data: unknown) => void });
const SPEC: Record<string, { input?: () => unknown; cross: CrossCity | { none: string } }> = {
  'alerts.list': { input: () => ({}), cross: { who: 'kmManager', input: () => ({ orgCode: '5303' }), expect: 'forbidden' } },
  'audit.search': { input: () => ({}), cross: { who: 'kmAdmin', input: () => ({}), expect: 'forbidden' } },
  'auth.me': { cross: { none: 'answers only about the caller' } },
  'kpi.definitions': { cross: { none: 'KPI definitions are the same for every unit' } },
  'kpi.parameters': { cross: { none: 'definition parameters are province-wide' } },
  'kpi.query': { input: () => qujingQueue, cross: { who: 'kmManager', input: () => qujingQueue, expect: 'forbidden' } },
  'kpi.rows': {
    input: () => ({ kpi: 'queue.tickets', orgCode: '5303' }),
    cross: { who: 'kmManager', input: () => ({ kpi: 'queue.tickets', orgCode: '5303' }), expect: 'forbidden' },
  },
  'exports.create': forbid(() => ({ format: 'csv', request: { kind: 'kpi.rows', kpi: 'queue.tickets', orgCode: '5303' } })),
  'exports.list': { cross: noneOf5303((d) => d as { orgCode: string }[]) },
  'exports.get': forbid(() => ({ id: qj.exportJobId })),
  'kpi.setParameters': {
    input: () => ({ changes: { 'call.serviceLevelSec': 20 } }),
    cross: { who: 'kmAdmin', input: () => ({ changes: { 'call.serviceLevelSec': 20 } }), expect: 'forbidden' },
  },
  'records.workOrder': forbid(() => ({ id: qjRecords.order }), 'kmManager'),
  'records.ticket': forbid(() => ({ id: qjRecords.ticket }), 'kmManager'),
  'records.callRecord': forbid(() => ({ id: qjRecords.call }), 'kmManager'),
  'records.outage': forbid(() => ({ id: qjRecords.outage }), 'kmManager'),
  'records.customer': forbid(() => ({ ref: `bill:${qjRecords.bill}` }), 'kmManager'),
  'records.addNote': forbid(() => ({ subjectType: 'work_order', subjectRef: qjRecords.order, text: '曲靖备注' })),
  'rules.list': {
    cross: {
      who: 'kmManager',
      input: () => undefined,
      check: (d) => {
        const rules = d as { id: string; scopeCode: string }[];
        expect(rules.length).toBeGreaterThan(0);
        expect(rules.filter((r) => r.scopeCode.startsWith('5303'))).toEqual([]);
      },
    },
  },
  'rules.get': { input: () => ({ id: qj.ruleId }), cross: { who: 'kmManager', input: () => ({ id: qj.ruleId }), expect: 'forbidden' } },
  'rules.preview': {
    input: () => ({ spec: (qj.rule as { spec: unknown }).spec, days: 1 }),
    cross: { who: 'kmManager', input: () => ({ spec: (qj.rule as { spec: unknown }).spec, days: 1 }), expect: 'forbidden' },
  },
  'rules.create': { input: () => qj.rule, cross: { who: 'kmAdmin', input: () => qj.rule, expect: 'forbidden' } },
  'rules.update': {
    input: () => ({ ...(qj.rule as object), id: qj.ruleId }),
    cross: { who: 'kmAdmin', input: () => ({ ...(qj.rule as object), id: qj.ruleId }), expect: 'forbidden' },
  },
  'rules.setEnabled': {
    input: () => ({ id: qj.ruleId, enabled: false }),
    cross: { who: 'kmAdmin', input: () => ({ id: qj.ruleId, enabled: false }), expect: 'forbidden' },
  },
  'rules.export': {
    cross: {
      who: 'kmManager',
      input: () => undefined,
      check: (d) => {
        const rules = d as { spec: { scope: { orgCode: string } } }[];
        expect(rules.length).toBeGreaterThan(0);
        expect(rules.filter((r) => r.spec.scope.orgCode.startsWith('5303'))).toEqual([]);
      },
    },
  },
  'rules.import': {
    input: () => ({ rules: [qj.rule] }),
    cross: { who: 'kmAdmin', input: () => ({ rules: [qj.rule] }), expect: 'forbidden' },
  },
  'screens.list': {
    cross: {
      who: 'kmAdmin',
      input: () => undefined,
      check: (d) => expect((d as { orgCode: string }[]).filter((s) => !s.orgCode.startsWith('5301'))).toEqual([]),
    },
  },
  'screens.approve': {
    input: () => ({ code: qj.pairCode, layoutId: 'demo', zoneId: null, name: 'x' }),
    cross: { who: 'kmAdmin', input: () => ({ code: qj.pairCode, layoutId: 'demo', zoneId: null, name: 'x' }), expect: 'forbidden' },
  },
  'system.health': { cross: { none: 'liveness; detail only for signed-in callers' } },
  'duty.inbox': { input: () => ({}), cross: { who: 'kmDuty', input: () => ({ orgCode: '5303' }), expect: 'forbidden' } },
  'duty.alert': forbid(() => ({ id: qj.alertId })),
  'duty.act': forbid(() => ({ eventId: qj.alertId, action: 'acknowledge' })),
  'duty.preview': forbid(() => ({ eventId: qj.alertId })),
  'duty.deliveries': { input: () => ({}), cross: { who: 'kmDuty', input: () => ({}), expect: 'forbidden' } },
  'duty.channelHealth': { cross: { none: 'channels serve the whole province; counts only' } },
  'duty.policies.list': { cross: noneOf5303((d) => (d as { match: { orgCode: string } }[]).map((p) => p.match)) },
  'duty.policies.save': forbid(() => ({ policy: qujingPolicy() }), 'kmAdmin'),
  'duty.channels.list': { cross: { none: 'channels serve the whole province; secrets masked' } },
  'duty.channels.save': forbid(() => ({ id: 'demo-wecom', kind: 'wecom', name: 'x', config: {} }), 'kmAdmin'),
  'duty.silences.list': { cross: noneOf5303((d) => (d as { match: { orgCode: string } }[]).map((p) => p.match)) },
  'duty.silences.create': forbid(() => ({ match: { orgCode: '5303' }, reason: '曲靖检修', endsAt: Date.now() + HOUR }), 'kmAdmin'),
  'duty.silences.expire': forbid(() => ({ id: qj.silenceId }), 'kmAdmin'),
  'duty.settings.get': { cross: { none: 'noise settings are province-wide' } },
  'duty.settings.save': forbid(
    () => ({ groupWaitSec: 30, groupIntervalSec: 300, repeatIntervalSec: 14400, quietHours: {}, inhibitBySituation: true }),
    'kmAdmin',
  ),
  'roster.list': forbid(() => ({ orgCode: '5303', from: Date.now(), to: Date.now() + 24 * HOUR })),
  'roster.onDuty': forbid(() => ({ orgCode: '5303', dutyRole: 'duty_officer' })),
  'roster.save': forbid(() => ({ orgCode: '5303', dutyRole: 'duty_officer', username: 'qj.zhao', ...soon() })),
  'roster.remove': forbid(() => ({ id: qj.shiftId })),
  'roster.swap': forbid(() => ({ id: qj.shiftId, username: 'qj.zhao' })),
  'roster.leave': forbid(() => ({ orgCode: '5303', username: 'qj.zhao', ...soon() })),
  'handover.draft': forbid(() => ({ orgCode: '5303', shiftEndsAt: Date.now() + HOUR })),
  'handover.update': forbid(() => ({ id: qj.handoverId, notes: '改写' })),
  'handover.submit': forbid(() => ({ id: qj.handoverId })),
  'handover.acknowledge': forbid(() => ({ id: qj.handoverId })),
  'handover.list': forbid(() => ({ orgCode: '5303' })),
  'handover.get': forbid(() => ({ id: qj.handoverId })),
  'reports.list': forbid(() => ({ orgCode: '5303' })),
  'reports.get': forbid(() => ({ id: qj.reportId })),
  'reports.generate': forbid(() => ({ kind: 'daily', orgCode: '5303', periodStart: beijingYesterday() })),
  'runlog.search': forbid(() => ({ orgCode: '5303' })),
  'runlog.write': forbid(() => ({ orgCode: '5303', text: '曲靖' })),
  'supervision.create': forbid(() => ({
    subjectType: 'record',
    subjectRef: 'qj-1',
    orgCode: '5303',
    title: '督办',
    request: '请处理',
    dueAt: Date.now() + HOUR,
  })),
  'supervision.list': forbid(() => ({ orgCode: '5303' })),
  'supervision.get': forbid(() => ({ id: qj.supervisionId })),
  'supervision.verify': forbid(() => ({ id: qj.supervisionId, accepted: true })),
  'tokens.list': {
    cross: {
      who: 'kmAdmin',
      input: () => undefined,
      check: (d) => {
        const tokens = d as { orgCode: string }[];
        expect(tokens.length).toBeGreaterThan(0);
        expect(tokens.filter((t) => !t.orgCode.startsWith('5301'))).toEqual([]);
      },
    },
  },
  'tokens.create': {
    input: () => ({ name: 'x', role: 'viewer', orgCode: '5303' }),
    cross: { who: 'kmAdmin', input: () => ({ name: 'x', role: 'viewer', orgCode: '5303' }), expect: 'forbidden' },
  },
  'tokens.revoke': { input: () => ({ id: qj.tokenId }), cross: { who: 'kmAdmin', input: () => ({ id: qj.tokenId }), expect: 'forbidden' } },
  'users.list': {
    cross: {
      who: 'kmAdmin',
      input: () => undefined,
      check: (d) => expect((d as { orgCode: string }[]).filter((u) => !u.orgCode.startsWith('5301'))).toEqual([]),
    },
  },
  'users.create': {
    input: () => ({ username: 'qj.new', displayName: '曲靖', role: 'viewer', orgCode: '5303', password: 'Qujing-2026-pw' }),
    cross: {
      who: 'kmAdmin',
      input: () => ({ username: 'qj.new', displayName: '曲靖', role: 'viewer', orgCode: '5303', password: 'Qujing-2026-pw' }),
      expect: 'forbidden',
    },
  },
  'users.update': {
    input: () => ({ id: qj.userId, disabled: true }),
    cross: { who: 'kmAdmin', input: () => ({ id: qj.userId, disabled: true }), expect: 'forbidden' },
  },
  'users.setPassword': {
    input: () => ({ id: qj.userId, password: 'Changed-2026-pw' }),
    cross: { who: 'kmAdmin', input: () => ({ id: qj.userId, password: 'Changed-2026-pw' }), expect: 'forbidden' },
  },
  'users.unlock': { input: () => ({ id: qj.userId }), cross: { who: 'kmAdmin', input: () => ({ id: qj.userId }), expect: 'forbidden' } },
  'wall.layouts': {
    cross: {
      who: 'kmManager',
      input: () => undefined,
      check: (d) => expect((d as { id: string }[]).map((l) => l.id)).not.toContain('demo'),
    },
  },
  'wall.layout': {
    input: () => ({ layoutId: 'demo' }),
    cross: { who: 'kmManager', input: () => ({ layoutId: 'demo' }), expect: 'forbidden' },
  },
  'wall.state': {
    input: () => ({ layoutId: 'demo' }),
    cross: { who: 'kmManager', input: () => ({ layoutId: 'demo' }), expect: 'forbidden' },
  },
  'wall.zoneData': {
    input: () => ({ layoutId: 'demo', zoneId: 'monitoring' }),
    cross: { who: 'kmManager', input: () => ({ layoutId: 'demo', zoneId: 'monitoring' }), expect: 'forbidden' },
  },
  'wall.zoneDataPacked': {
    input: () => ({ layoutId: 'demo', zoneId: 'monitoring' }),
    cross: { who: 'kmManager', input: () => ({ layoutId: 'demo', zoneId: 'monitoring' }), expect: 'forbidden' },
  },
  'wall.control': {
    input: () => ({ layoutId: 'demo', zoneId: 'monitoring', action: { type: 'advance', step: 1 } }),
    cross: {
      who: 'kmDuty',
      input: () => ({ layoutId: 'demo', zoneId: 'monitoring', action: { type: 'advance', step: 1 } }),
      expect: 'forbidden',
    },
  },
  'wall.checkLayout': { input: () => ({ spec: {} }), cross: { none: 'checks a document; stores nothing, reads no unit data' } },
  'wall.saveLayout': {
    input: () => ({ spec: { id: 'demo' }, expectedVersion: 1 }),
    cross: { who: 'kmAdmin', input: () => ({ spec: qujingLayout(), expectedVersion: null }), expect: 'forbidden' },
  },
  'wall.history': {
    input: () => ({ layoutId: 'demo' }),
    cross: { who: 'kmAdmin', input: () => ({ layoutId: 'demo' }), expect: 'forbidden' },
  },
};

function qujingPolicy() {
  return {
    name: '曲靖路由',
    match: { orgCode: '5303' },
    steps: [
      { afterMinutes: 0, targets: [{ type: 'on_duty', role: 'duty_officer', level: 'alert' }], deliveries: [{ channels: ['demo-wecom'] }] },
    ],
  };
}

let demoSpec: { zones: { orgCode: string }[] } | null = null;
/** The demo layout moved wholly to Qujing under a new id: a Kunming administrator may not save it. */
function qujingLayout() {
  const spec = structuredClone(demoSpec!) as { id: string; zones: { orgCode: string }[] };
  spec.id = 'qujing-wall';
  for (const z of spec.zones) z.orgCode = '5303';
  return spec;
}

/** Who lacks `permission`: a province viewer when the viewer role lacks it, else a paired wall screen. */
function wrongRole(permission: Permission): keyof typeof P | null {
  if (!can('viewer', permission)) return 'viewer';
  if (!can('wall_display', permission)) return 'screen';
  return null;
}

beforeAll(async () => {
  pgdb = await createPgDatabase();
  app = await startApp({ DATABASE_URL: pgdb.url });
  await waitFor('the app', async () => ((await fetch(`${app.url}/api/health`)).ok ? true : undefined), 240_000, app.logs);
  P.kmManager = (await serviceToken('km-manager', 'manager', '5301')).who;
  P.kmAdmin = (await serviceToken('km-admin', 'admin', '5301')).who;
  P.kmDuty = (await serviceToken('km-duty', 'duty_officer', '5301')).who;
  P.viewer = (await serviceToken('province-viewer', 'viewer', '53')).who;
  P.screen = await pairScreen('demo', null);
  // Qujing's own records.
  qj.tokenId = (await serviceToken('qj-viewer', 'viewer', '5303')).id;
  qj.userId = (
    await ok<{ id: string }>(P.admin, 'users.create', {
      username: 'qj.zhao',
      displayName: '赵曲靖',
      role: 'manager',
      orgCode: '5303',
      password: 'Qujing-2026-pw',
    })
  ).id;
  const exported = await ok<{ name: string; spec: { scope: { orgCode: string; by: string } } }[]>(P.admin, 'rules.export');
  const base = exported.find((r) => r.spec.scope.by === 'total') ?? exported[0]!;
  qj.rule = {
    ...base,
    name: `${base.name}（曲靖）`,
    spec: { ...base.spec, scope: { ...base.spec.scope, orgCode: '5303', by: 'total', halls: undefined } },
  };
  qj.ruleId = (await ok<{ id: string }>(P.admin, 'rules.create', qj.rule)).id;
  qj.exportJobId = (
    await ok<{ jobId: string }>(P.admin, 'exports.create', {
      format: 'csv',
      request: { kind: 'kpi.rows', kpi: 'queue.tickets', orgCode: '5303' },
      background: true,
    })
  ).jobId;
  qj.pairCode = ((await (await fetch(`${app.url}/api/screens/pair`, { method: 'POST' })).json()) as { code: string }).code;
  demoSpec = (await ok<{ layout: { zones: { orgCode: string }[] } }>(P.admin, 'wall.layout', { layoutId: 'demo' })).layout;
  // Qujing's duty records: an alert as the engine writes it, a supervision item, a handover, a shift, a silence, a policy.
  const client = new pg.Client({ connectionString: pgdb.url });
  await client.connect();
  await client.query(
    `INSERT INTO alert_events (id, rule_id, rule_version, dedup_key, condition, subject, org_code, org_name, severity, state, title, title_en, figures, fired_at, updated_at)
     VALUES ($1, $2, 1, $1, 'breach', '5303', '5303', '曲靖市', 'red', 'firing', '曲靖市排队超时', 'Qujing queue', '{}', now(), now())`,
    [qj.alertId, qj.ruleId],
  );
  await client.end();
  qj.supervisionId = (
    await ok<{ id: string }>(P.admin, 'supervision.create', {
      subjectType: 'record',
      subjectRef: 'qj-1',
      orgCode: '5303',
      title: '曲靖督办',
      request: '请处理',
      dueAt: Date.now() + HOUR,
    })
  ).id;
  qj.handoverId = (await ok<{ id: string }>(P.admin, 'handover.draft', { orgCode: '5303', shiftEndsAt: Date.now() + HOUR })).id;
  qj.shiftId = (
    await ok<{ id: string }>(P.admin, 'roster.save', { orgCode: '5303', dutyRole: 'duty_officer', username: 'qj.zhao', ...soon() })
  ).id;
  await waitFor(
    'the demo channels',
    async () => ((await ok<unknown[]>(P.admin, 'duty.channels.list')).length ? true : undefined),
    120_000,
    app.logs,
  );
  await ok(P.admin, 'duty.policies.save', { policy: qujingPolicy() });
  qj.silenceId = (
    await ok<{ id: string }>(P.admin, 'duty.silences.create', { match: { orgCode: '5303' }, reason: '曲靖检修', endsAt: Date.now() + HOUR })
  ).id;
  qj.reportId = (
    await ok<{ id: string }>(P.admin, 'reports.generate', { kind: 'daily', orgCode: '5303', periodStart: beijingYesterday() })
  ).id;
}, 400_000);

afterAll(async () => {
  await app?.stop();
  await pgdb?.drop();
});

// Runs after the set-up above (hooks run in order): a Qujing record of each kind, once the simulator's data is in.
beforeAll(async () => {
  const find = (kpi: string, column: string) =>
    waitFor(
      `a Qujing ${column}`,
      async () => {
        for (const preset of ['today', 'yesterday', 'this_month', 'last_month']) {
          const r = await ok<{ rows: Record<string, unknown>[] }>(P.admin, 'kpi.rows', {
            kpi,
            orgCode: '5303',
            time: { preset },
            pageSize: 1,
          });
          const id = r.rows[0]?.[column];
          if (typeof id === 'string' && id) return id;
        }
        return undefined;
      },
      240_000,
      app.logs,
    );
  qjRecords.order = await find('wo.orders', 'order_id');
  qjRecords.ticket = await find('queue.tickets', 'ticket_id');
  qjRecords.call = await find('call.inbound', 'call_id');
  qjRecords.outage = await find('outage.affected', 'outage_id');
  qjRecords.bill = await find('arrears.amount', 'bill_id');
}, 300_000);

describe('every tRPC procedure', () => {
  it('declares a policy and has an inventory entry (a new procedure without one fails here)', () => {
    expect(PROCEDURES.length).toBeGreaterThan(30);
    const undeclared = PROCEDURES.filter(([, p]) => !p._def.meta?.policy).map(([name]) => name);
    expect(undeclared).toEqual([]);
    expect(PROCEDURES.map(([name]) => name).filter((n) => !SPEC[n])).toEqual([]);
    expect(Object.keys(SPEC).filter((n) => !PROCEDURES.some(([p]) => p === n))).toEqual([]);
  });

  it('refuses anonymous callers (401) except the public ones', async () => {
    const publicOnes: string[] = [];
    for (const [name, p] of PROCEDURES) {
      const r = await call({}, name, SPEC[name]!.input?.());
      if (p._def.meta!.policy!.access === 'public') {
        publicOnes.push(name);
        expect(r.status, name).toBe(200);
      } else expect([name, r.status]).toEqual([name, 401]);
    }
    expect(publicOnes).toEqual(['system.health']);
  });

  it('refuses a role without the permission (403)', async () => {
    const noWrongRole: string[] = [];
    for (const [name, p] of PROCEDURES) {
      const policy = p._def.meta!.policy!;
      if (policy.access !== 'authed') continue;
      const who = wrongRole(policy.permission);
      if (!who) {
        noWrongRole.push(name);
        continue;
      }
      const r = await call(P[who], name, SPEC[name]!.input?.());
      expect([name, who, r.status]).toEqual([name, who, 403]);
    }
    // Every principal may read walls (a screen only its own, checked below): no role lacks wall.read.
    expect(noWrongRole).toEqual(['wall.layouts', 'wall.layout', 'wall.state', 'wall.zoneData', 'wall.zoneDataPacked']);
  });

  it('refuses a Kunming principal asking about Qujing, or answers without Qujing', async () => {
    let checked = 0;
    for (const [name] of PROCEDURES) {
      const spec = SPEC[name]!.cross;
      if ('none' in spec) continue;
      const r = await call(P[spec.who], name, spec.input());
      if ('expect' in spec) expect([name, r.status, r.message.slice(0, 0)]).toEqual([name, 403, '']);
      else {
        expect([name, r.status]).toEqual([name, 200]);
        spec.check(r.data);
      }
      checked++;
    }
    expect(checked).toBeGreaterThan(28);
    // And what was refused is still there, unchanged.
    expect((await ok<{ enabled: boolean }>(P.admin, 'rules.get', { id: qj.ruleId })).enabled).toBe(true);
  });

  it('binds a paired screen to its layout', async () => {
    const other = await ok<{ id: string }[]>(P.admin, 'wall.layouts');
    expect(other.length).toBeGreaterThan(0);
    expect((await call(P.screen, 'wall.layouts')).data).toEqual([expect.objectContaining({ id: 'demo' })]);
    expect((await call(P.screen, 'wall.state', { layoutId: 'demo' })).status).toBe(200);
    expect((await call(P.screen, 'wall.control', { layoutId: 'demo', zoneId: 'monitoring', action: { type: 'pause' } })).status).toBe(403);
  });
});

/** Every route.ts and page.tsx under app/, as its URL pattern. */
function appRoutes(): string[] {
  const out: string[] = [];
  const walk = (dir: string) => {
    for (const f of readdirSync(dir)) {
      const full = path.join(dir, f);
      if (statSync(full).isDirectory()) walk(full);
      else if (f === 'route.ts' || f === 'page.tsx') {
        const rel = path
          .relative('app', dir)
          .split(path.sep)
          .filter((s) => !s.startsWith('('));
        out.push(`/${rel.join('/')}`);
      }
    }
  };
  walk('app');
  return out.sort();
}

describe('every HTTP route and page', () => {
  it('declares a policy (a new route without one fails here)', () => {
    const routes = appRoutes();
    expect(routes.length).toBeGreaterThan(15);
    expect(routes.filter((r) => !ROUTE_POLICIES[r])).toEqual([]);
    expect(Object.keys(ROUTE_POLICIES).filter((r) => !routes.includes(r))).toEqual([]);
  });

  const concrete = (r: string) =>
    r
      .replace('[layout]', 'demo')
      .replace('[zone]', 'monitoring')
      .replace('[trpc]', 'auth.me')
      .replace('[...all]', 'get-session')
      .replace('[token]', 'not-a-token')
      .replace('[id]', 'not-a-report')
      .replace('[id]', 'not-an-export');

  it('sends anonymous visitors of every non-public page to sign-in, and refuses anonymous API calls', async () => {
    for (const [route, policy] of Object.entries(ROUTE_POLICIES)) {
      // The pairing endpoints take POSTs (a screen asks for a code; it polls with its key).
      const post = route.startsWith('/api/screens/') || route.startsWith('/api/duty/ack/');
      const res = await fetch(`${app.url}${concrete(route)}`, {
        redirect: 'manual',
        ...(post ? { method: 'POST', body: JSON.stringify({ pollKey: 'x'.repeat(43) }) } : {}),
      });
      await res.body?.cancel();
      if (policy.access === 'public') expect([route, res.status < 400]).toEqual([route, true]);
      else if (route.startsWith('/api/')) expect([route, res.status]).toEqual([route, 401]);
      else {
        expect([route, res.status]).toEqual([route, 307]);
        expect(res.headers.get('location')).toContain(`/sign-in?next=${encodeURIComponent(concrete(route))}`);
      }
    }
  });

  it('answers pages a role may not open with 403, and closes the event stream to the wrong principals', async () => {
    for (const [route, policy] of Object.entries(ROUTE_POLICIES)) {
      if (policy.access !== 'authed' || route.startsWith('/api/')) continue;
      const who = policy.people ? 'screen' : wrongRole(policy.permission);
      if (!who) continue;
      const res = await fetch(`${app.url}${concrete(route)}`, { headers: P[who] as Record<string, string>, redirect: 'manual' });
      await res.body?.cancel();
      if (route === '/' && who === 'screen') {
        // A paired screen that lands on the desktop home is sent to its own wall, never shown the home.
        expect([res.status, res.headers.get('location')]).toEqual([307, '/wall/demo']);
        continue;
      }
      expect([route, who, res.status]).toEqual([route, who, 403]);
    }
    const stream = async (who: Who, layout = 'demo') => {
      const res = await fetch(`${app.url}/api/wall/${layout}/events`, { headers: who as Record<string, string> });
      await res.body?.cancel();
      return res.status;
    };
    expect(await stream({})).toBe(401);
    expect(await stream(P.kmManager)).toBe(403);
    expect(await stream(P.screen)).toBe(200);
    expect(await stream(P.admin)).toBe(200);
  });

  it('tells anonymous health callers only whether the system is up', async () => {
    const anon = (await (await fetch(`${app.url}/api/health`)).json()) as Record<string, unknown>;
    expect(Object.keys(anon).sort()).toEqual(['status', 'time']);
    const full = (await (await fetch(`${app.url}/api/health`, { headers: ADMIN_AUTH })).json()) as Record<string, unknown>;
    expect(Object.keys(full)).toContain('sources');
  });
});
