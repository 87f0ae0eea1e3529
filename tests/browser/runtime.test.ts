import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ADMIN_AUTH, startApp, waitFor, type RunningApp, trpcMutation, trpcQuery } from './server';

// One runtime per process, seen from outside: `npm start` runs the web routes (Next's bundle) and the scheduler
// (the custom server's own module graph) in one process. A rule created, edited or switched off through the HTTP
// API must reach the engine the scheduler runs, in its next round, without a restart. (Before the runtime held
// its services, each module copy had its own engine: a new rule was never evaluated, a disabled one kept firing.)

let app: RunningApp;

before(async () => {
  app = await startApp();
  await waitFor(
    'the app to answer',
    async () => ((await fetch(`${app.url}/api/health`)).status === 200 ? true : undefined),
    240_000,
    app.logs,
  );
});
after(async () => {
  await app?.stop();
});

const trpc = <T>(path: string, input: unknown, method: 'GET' | 'POST' = 'GET'): Promise<T> =>
  method === 'GET' ? trpcQuery<T>(app, path, input) : trpcMutation<T>(app, path, input);

interface Alert {
  id: string;
  severity: string;
  state: string;
  closeReason: string | null;
}
const alertsOf = async (ruleId: string, state: 'firing' | 'recovered') =>
  (await trpc<{ items: Alert[] }>('alerts.list', { ruleId, state, limit: 100 })).items;

const lastRound = async () =>
  (await (await fetch(`${app.url}/api/health`, { headers: ADMIN_AUTH })).json()) as { scheduler: { lastAlertRoundAt: string | null } };

/**
 * Resolves once the scheduler's alert engine has finished two rounds after `t`: the first may have started
 * before `t`, the second started after the first ended.
 */
async function roundsAfter(t: number): Promise<void> {
  const seen = new Set<number>();
  await waitFor(
    'two alert rounds',
    async () => {
      const at = Date.parse((await lastRound()).scheduler.lastAlertRoundAt ?? '');
      if (at > t) seen.add(at);
      return seen.size >= 2 ? true : undefined;
    },
    120_000,
    app.logs,
  );
}

// 95598 inbound calls in the last 15 minutes, province total, ≥ 0: true whenever the CTI has delivered at all.
const spec = (levels: Record<string, number>) => ({
  kind: 'threshold',
  kpi: 'call.inbound',
  window: { minutes: 15 },
  scope: { orgCode: '53', by: 'total' },
  comparator: '>=',
  levels,
});

describe('one runtime: rule changes over HTTP reach the running engine', () => {
  let id = '';

  it('a rule created over HTTP fires in the next rounds', async () => {
    ({ id } = await trpc<{ id: string }>(
      'rules.create',
      { name: '运行时测试（话务量）', enabled: true, spec: spec({ yellow: 0 }) },
      'POST',
    ));
    const fired = await waitFor(
      'the new rule to fire',
      async () => {
        const a = await alertsOf(id, 'firing');
        return a.length ? a : undefined;
      },
      150_000,
      app.logs,
    );
    assert.equal(fired.length, 1);
    assert.equal(fired[0]!.severity, 'yellow');
  });

  it('an edit over HTTP moves the open alert in the next rounds', async () => {
    await trpc('rules.update', { id, name: '运行时测试（话务量）', enabled: true, spec: spec({ red: 0 }), note: 'test' }, 'POST');
    const red = await waitFor(
      'the open alert to turn red',
      async () => {
        const a = await alertsOf(id, 'firing');
        return a.length === 1 && a[0]!.severity === 'red' ? a : undefined;
      },
      150_000,
      app.logs,
    );
    assert.equal(red.length, 1);
  });

  it('switched off over HTTP: its open alert closes as "rule disabled" and later rounds open none', async () => {
    const before = (await alertsOf(id, 'firing'))[0]!;
    const t = Date.now();
    await trpc('rules.setEnabled', { id, enabled: false }, 'POST');
    assert.deepEqual(await alertsOf(id, 'firing'), []);
    const closed = (await alertsOf(id, 'recovered')).find((a) => a.id === before.id);
    assert.equal(closed?.closeReason, 'rule_disabled');
    await roundsAfter(t);
    assert.deepEqual(await alertsOf(id, 'firing'), [], 'a disabled rule opened an alert again');
    const rules = await trpc<{ id: string; state: string }[]>('rules.list', undefined);
    assert.equal(rules.find((r) => r.id === id)?.state, 'off');
  });
});
