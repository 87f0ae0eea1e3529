import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { after, afterEach, before, describe, it } from 'node:test';
import pg from 'pg';
import { chromium, type Browser } from 'playwright-core';
import { createPgDatabase, type TestPgDatabase } from '../db/helpers';
import {
  ADMIN_AUTH,
  CHROMIUM_ARGS,
  signedInContext,
  startApp,
  waitFor,
  type RunningApp,
  trpcMutation as trpcMutationOf,
  trpcQuery,
} from './server';
import { clickPastToasts } from './toasts';

// The duty loop on the product as `npm start` runs it, here on PostgreSQL (so the test can write an alert as
// the engine does): the demo's roster, routing and channels (the simulator's receivers, which check each
// service's signature) take a red alert in 五华区 to the people on duty; the wall shows its banner; the link
// in the message acknowledges it from a phone without a session; the desk shows the timeline; a supervision
// item goes to the work-order system.

let app: RunningApp;
let browser: Browser;
let database: TestPgDatabase;
let sql: pg.Client;
const SHOTS = process.env.SCREENSHOT_DIR ?? '/tmp/duty-shots';

before(async () => {
  database = await createPgDatabase();
  app = await startApp({ DATABASE_URL: database.url });
  browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_ARGS });
  sql = new pg.Client({ connectionString: database.url });
  await sql.connect();
  mkdirSync(SHOTS, { recursive: true });
  await waitFor('the app', async () => ((await fetch(`${app.url}/api/health`)).ok ? true : undefined), 240_000, app.logs);
  // The demo duty set-up is written once the simulator runs: channels, routing policies, roster.
  await waitFor(
    'the demo duty set-up',
    async () => {
      const r = await sql.query(
        `SELECT (SELECT count(*) FROM notify_channels) AS c, (SELECT count(*) FROM routing_policies) AS p, (SELECT count(*) FROM duty_shifts) AS s`,
      );
      const row = r.rows[0] as { c: string; p: string; s: string };
      return Number(row.c) >= 7 && Number(row.p) >= 3 && Number(row.s) > 0 ? true : undefined;
    },
    180_000,
    app.logs,
  );
});
afterEach(() => app?.assertAlive());
after(async () => {
  await sql?.end();
  await browser?.close();
  await app?.stop();
  await database?.drop();
});

const trpc = <T>(path: string, input: unknown): Promise<T> => trpcQuery<T>(app, path, input);

const trpcMutation = <T>(path: string, input: unknown): Promise<T> => trpcMutationOf<T>(app, path, input);

/** A red alert at a hall of 五华区, written as the alert engine writes one: the event and its outbox row together. */
async function fireRedAlert(id: string): Promise<void> {
  // A time-limit rule's alert: an outage situation in the county (the simulator has them) holds back the
  // queue and call alerts it explains, which would be right, and would leave this test nothing to deliver.
  const rule = (await sql.query(`SELECT id FROM alert_rules WHERE kind = 'time_limit' ORDER BY created_at LIMIT 1`)).rows[0] as {
    id: string;
  };
  await sql.query('BEGIN');
  await sql.query(
    // Its value as a time-limit rule gives one: the hours past the limit (42 minutes: 0.7).
    `INSERT INTO alert_events (id, rule_id, rule_version, dedup_key, open_key, condition, subject, org_code, org_name, severity, state, title, title_en, value, figures, fired_at, updated_at)
     VALUES ($1, $2, 1, $1, $1, 'breach', '530102001', '530102001', '五华区营业厅', 'red', 'firing', '五华区营业厅排队等待超过 30 分钟', 'Wuhua hall queue over 30 min', 0.7, '{}', now(), now())`,
    [id, rule.id],
  );
  await sql.query(`INSERT INTO alert_outbox (event_id, change, at) VALUES ($1, 'fired', now())`, [id]);
  await sql.query('COMMIT');
}

describe('值班 duty loop', () => {
  it('a red alert reaches the wall banner at once and the people on duty on their robots and SMS after the group wait', async () => {
    // A routing policy of its own for 五华区's red alerts, saved as an administrator does: SMS, and the webhook.
    // (The demo's robots take 20 messages a minute; the simulator's own start-up storm may fill a minute's
    // worth, and this test is about the loop, not about waiting for a robot's window.)
    await trpcMutation('duty.policies.save', {
      policy: {
        name: 'e2e 五华区红色预警',
        priority: 1,
        match: { orgCode: '530102', severities: ['red'] },
        steps: [
          {
            afterMinutes: 0,
            targets: [
              { type: 'on_duty', role: 'hall_manager', level: 'alert' },
              { type: 'on_duty', role: 'duty_officer', level: 'alert' },
            ],
            deliveries: [{ channels: ['demo-sms', 'demo-smpp'] }, { channels: ['demo-webhook', 'demo-email'] }],
          },
        ],
        wallBanner: true,
      },
    });
    const wallContext = await signedInContext(browser, app, { viewport: { width: 1920, height: 1080 } });
    const wall = await wallContext.newPage();
    await wall.goto(`${app.url}/wall/demo`, { waitUntil: 'domcontentloaded' });
    // Its event stream is open (a banner published before it connects is not replayed: it is a live notice).
    await wall.locator('[data-testid="wall-screen"][data-connection="live"]').waitFor({ timeout: 60_000 });
    // The simulator's own red alerts take the banner too (newest on top): record every banner the wall shows.
    // (A string: the test runner's transform would name the functions with a helper the page does not have.)
    await wall.evaluate(`(() => {
      const seen = {};
      window.__banners = seen;
      new MutationObserver(() => {
        for (const el of document.querySelectorAll('[data-testid="wall-alert-banner"]')) seen[el.getAttribute('data-event-id') || ''] = el.innerText;
      }).observe(document.body, { subtree: true, childList: true, characterData: true });
    })()`);
    // The start-up burst of the simulator's own alerts (dozens at once) would push ours off a three-high
    // stack before it is drawn: fire ours once the engine has been quiet for a few seconds.
    await waitFor(
      'a quiet moment between alert rounds',
      async () => {
        const r = await sql.query(
          `SELECT count(*) AS n FROM alert_events WHERE fired_at > now() - interval '8 seconds' AND severity = 'red'`,
        );
        return Number((r.rows[0] as { n: string }).n) === 0 ? true : undefined;
      },
      180_000,
    );
    const id = `e2e-red-${Date.now()}`;
    await fireRedAlert(id);
    const shown = await waitFor(
      'the banner',
      async () => ((await wall.evaluate(`window.__banners[${JSON.stringify(id)}]`)) as string | undefined) || undefined,
      20_000,
    ).catch(async (err: unknown) => {
      await wall.screenshot({ path: `${SHOTS}/wall-banner-missing.png` });
      const seen = await wall.evaluate(`JSON.stringify(window.__banners)`);
      const row = (await sql.query(`SELECT policy_id, group_key, suppressed, phase FROM alert_events WHERE id = $1`, [id])).rows[0];
      const box = (await sql.query(`SELECT change, done_at FROM alert_outbox WHERE event_id = $1`, [id])).rows;
      throw new Error(`${String(err)}; banners seen ${String(seen)}; alert ${JSON.stringify(row)}; outbox ${JSON.stringify(box)}`);
    });
    assert.match(shown, /五华区/);
    await wall.screenshot({ path: `${SHOTS}/wall-banner.png` });
    await wallContext.close();

    // Group wait (30 s), then the messages: the policy tells the county's hall manager and 昆明's duty officer
    // on SMS and on the webhook. "sent" means the receiver accepted the request after checking what the real
    // service checks (signature, key, template, rate).
    const sent = await waitFor(
      'the messages to be delivered',
      async () => {
        const r = await sql.query(`SELECT recipient, channel_id, status, body FROM notifications WHERE $1 = ANY(event_ids)`, [id]);
        const rows = r.rows as { recipient: string; channel_id: string; status: string; body: { ackUrl: string } }[];
        return rows.length >= 4 && rows.every((n) => n.status === 'sent') ? rows : undefined;
      },
      120_000,
    ).catch(async (err: unknown) => {
      const r = await sql.query(`SELECT recipient, channel_id, status, last_error FROM notifications WHERE $1 = ANY(event_ids)`, [id]);
      const ev = await sql.query(`SELECT policy_id, group_key, suppressed, phase FROM alert_events WHERE id = $1`, [id]);
      throw new Error(
        `${String(err)}: alert ${JSON.stringify(ev.rows[0])}, messages ${JSON.stringify(r.rows)}\n${app.logs.join('').slice(-3000)}`,
      );
    });
    const channels = new Set(sent.map((n) => n.channel_id));
    assert.ok(channels.has('demo-webhook') && channels.has('demo-sms'), [...channels].join(','));
    const people = new Set(sent.map((n) => n.recipient));
    assert.ok([...people].some((p) => p.includes('530102')) && [...people].some((p) => p.includes('.km.')), [...people].join(','));
    const health = (await (await fetch(`${app.url}/api/health`, { headers: ADMIN_AUTH })).json()) as {
      channels: { id: string; sent: number }[];
    };
    assert.ok(health.channels.find((c) => c.id === 'demo-webhook')!.sent >= 2);

    // The link in the SMS, opened on a phone with no session: shows the alert, one button acknowledges it.
    const sms = sent.find((n) => n.channel_id === 'demo-sms')!;
    const link = new URL(sms.body.ackUrl);
    const phone = await browser.newContext({ viewport: { width: 390, height: 844 }, isMobile: true });
    const p = await phone.newPage();
    await p.goto(`${app.url}${link.pathname}`, { waitUntil: 'domcontentloaded' });
    assert.match(await p.locator('main').innerText(), /五华区营业厅排队等待超过 30 分钟/);
    assert.equal((await sql.query(`SELECT phase FROM alert_events WHERE id = $1`, [id])).rows[0].phase, 'raised');
    await p.screenshot({ path: `${SHOTS}/ack-before.png` });
    await p.getByRole('button').click();
    await p.getByRole('status').waitFor({ timeout: 15_000 });
    await p.screenshot({ path: `${SHOTS}/ack-after.png` });
    const ev = (await sql.query(`SELECT phase, owner FROM alert_events WHERE id = $1`, [id])).rows[0] as { phase: string; owner: string };
    assert.deepEqual(ev, { phase: 'acknowledged', owner: sms.recipient });
    await phone.close();

    // The desk shows it acknowledged, with the step from the link on its timeline.
    const desk = await (await signedInContext(browser, app, { viewport: { width: 1600, height: 1000 } })).newPage();
    await desk.goto(`${app.url}/duty`, { waitUntil: 'domcontentloaded' });
    const row = desk.locator(`[data-testid="duty-row"][data-id="${id}"]`);
    // A click before the page has hydrated does nothing: click the "all in progress" view until it shows. The
    // list is newest first, a hundred at a time, and at night (Beijing) the outage notices' time limits open
    // hundreds of alerts after this one: narrowed to red, and more loaded until it shows, as a person would.
    await waitFor(
      'the alert in the desk’s in-progress view',
      async () => {
        const open = desk.getByTestId('duty-view-open');
        // Once pressed, not again: choosing the view starts its list from the first hundred.
        if ((await open.getAttribute('aria-pressed')) !== 'true') await clickPastToasts(desk, open);
        await desk.getByTestId('duty-severity-filter').selectOption('red');
        const more = desk.getByTestId('duty-load-more');
        if (!(await row.isVisible()) && (await more.isVisible()) && (await more.isEnabled())) await clickPastToasts(desk, more);
        return (await row.isVisible()) ||
          (await row.waitFor({ timeout: 2000 }).then(
            () => true,
            () => false,
          ))
          ? true
          : undefined;
      },
      60_000,
    );
    assert.equal(await row.getAttribute('data-phase'), 'acknowledged');
    await row.click();
    await desk.locator('[data-testid="duty-timeline-item"][data-via="link"]').first().waitFor({ timeout: 20_000 });
    const messages = await desk.getByTestId('duty-message').count();
    assert.ok(messages >= 4, `messages shown ${messages}`);
    await desk.screenshot({ path: `${SHOTS}/duty-desk.png` });

    // 督办 from the alert: written back to the work-order system, which answers with its own id.
    await clickPastToasts(desk, desk.locator(`[data-testid="duty-row"][data-id="${id}"] [data-testid="duty-action-supervise"]`));
    const dialog = desk.getByTestId('duty-dialog-supervise');
    await dialog.waitFor();
    await desk.getByTestId('duty-sup-request').fill('请立即加开窗口并回复处理结果');
    await clickPastToasts(desk, desk.getByTestId('duty-sup-submit'));
    const sup = await waitFor(
      'the supervision item to be written back',
      async () => {
        const r = await sql.query(`SELECT status, external_id FROM supervisions WHERE event_id = $1`, [id]);
        const s = r.rows[0] as { status: string; external_id: string | null } | undefined;
        return s && s.external_id ? s : undefined;
      },
      60_000,
      app.logs,
    );
    assert.equal(sup.status, 'sent');
    const after = await trpc<{ phase: string; timeline: { to: string }[] }>('duty.alert', { id });
    assert.equal(after.phase, 'supervised');
    assert.deepEqual(
      after.timeline.map((s) => s.to).filter((t, i, a) => a.indexOf(t) === i),
      ['raised', 'acknowledged', 'supervised'],
    );
    await desk.context().close();
  });
});
