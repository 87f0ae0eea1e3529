import type { Browser, BrowserContext, BrowserContextOptions, Page } from 'playwright-core';
import { spawn, type ChildProcess } from 'node:child_process';
import { appendFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { freePort } from '../helpers/free-port';

/**
 * Credentials every started app gets (issue 13): the first administrator's password and an administrator
 * service token. HTTP probes send `authorization: Bearer ${TEST_ADMIN_TOKEN}`; browser tests sign in as
 * `admin` / TEST_ADMIN_PASSWORD.
 */
export const TEST_ADMIN_TOKEN = 'e2e-admin-service-token-0123456789abcdef';
export const TEST_ADMIN_PASSWORD = 'e2e-Admin-passw0rd!';
export const ADMIN_AUTH = { authorization: `Bearer ${TEST_ADMIN_TOKEN}` } as const;

/** A tRPC call over HTTP with the administrator's service token, as a script or another system makes it. */
async function trpcCall<T>(app: { url: string }, path: string, input: unknown, method: 'GET' | 'POST'): Promise<T> {
  const json = JSON.stringify({ json: input });
  const res =
    method === 'GET'
      ? await fetch(`${app.url}/api/trpc/${path}?input=${encodeURIComponent(json)}`, { headers: ADMIN_AUTH })
      : await fetch(`${app.url}/api/trpc/${path}`, {
          method: 'POST',
          headers: { ...ADMIN_AUTH, 'content-type': 'application/json' },
          body: json,
        });
  const body = (await res.json()) as { result?: { data: { json: T } }; error?: unknown };
  if (!body.result) throw new Error(`${path}: ${JSON.stringify(body.error)}`);
  return body.result.data.json;
}

/** A tRPC query (GET); an error answer throws with the server's message. */
export const trpcQuery = <T>(app: { url: string }, path: string, input: unknown): Promise<T> => trpcCall<T>(app, path, input, 'GET');

/** A tRPC mutation (POST); an error answer throws with the server's message. */
export const trpcMutation = <T>(app: { url: string }, path: string, input: unknown): Promise<T> => trpcCall<T>(app, path, input, 'POST');

export interface RunningApp {
  url: string;
  dataDir: string;
  logs: string[];
  /** Throws, with the app's log, when the process has exited. */
  assertAlive(): void;
  stop(): Promise<void>;
}

/** Starts the product the way a user does (`npm start`), on a free port with a fresh DATA_DIR. */
export async function startApp(extraEnv: Record<string, string> = {}): Promise<RunningApp> {
  const port = await freePort();
  const dataDir = mkdtempSync(path.join(tmpdir(), 'monitor-e2e-'));
  const logs: string[] = [];
  const child: ChildProcess = spawn(process.execPath, ['scripts/start.mjs'], {
    // A light simulator keeps the 2-core CI machine responsive; the defaults are exercised by `npm start`.
    env: {
      ...process.env,
      PORT: String(port),
      HOST: '127.0.0.1',
      DATA_DIR: dataDir,
      SIMULATOR_HISTORY_DAYS: '1',
      SIMULATOR_CUSTOMERS: '5000',
      ADMIN_API_TOKEN: TEST_ADMIN_TOKEN,
      ADMIN_PASSWORD: TEST_ADMIN_PASSWORD,
      ...extraEnv,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  // Kept in memory for failure messages and on disk (the data dir's app.log) for a look afterwards.
  const logFile = path.join(dataDir, 'app.log');
  const keep = (b: Buffer) => {
    logs.push(b.toString());
    appendFileSync(logFile, b);
  };
  child.stdout!.on('data', keep);
  child.stderr!.on('data', keep);
  const url = `http://127.0.0.1:${port}`;
  let exit: string | null = null;
  child.on('exit', (code, signal) => (exit = `exited with ${signal ?? code}`));
  const assertAlive = () => {
    if (exit) throw new Error(`the app ${exit}\n--- app log ---\n${logs.join('').slice(-6000)}`);
  };
  const stop = async () => {
    if (child.exitCode !== null) return;
    process.kill(-child.pid!, 'SIGTERM');
    await new Promise((r) => setTimeout(r, 1500));
    if (child.exitCode === null) process.kill(-child.pid!, 'SIGKILL');
  };
  return { url, dataDir, logs, assertAlive, stop };
}

/** Polls until `check` returns a value (not undefined) or the time runs out. */
export async function waitFor<T>(what: string, check: () => Promise<T | undefined>, timeoutMs: number, logs?: string[]): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < deadline) {
    try {
      const v = await check();
      if (v !== undefined) return v;
      // The last check ran and found nothing: an error from an earlier one (the app still starting) is no reason.
      last = undefined;
    } catch (err) {
      last = err;
    }
    await new Promise((r) => setTimeout(r, 1000));
  }
  throw new Error(
    `timed out waiting for ${what}${last ? `: ${String(last)}` : ''}${logs ? `\n--- app log ---\n${logs.join('').slice(-4000)}` : ''}`,
  );
}

export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

/** A browser context signed in as the administrator (the session cookie set by the real sign-in endpoint). */
export async function signedInContext(
  browser: Browser,
  app: { url: string },
  options: BrowserContextOptions = {},
): Promise<BrowserContext> {
  const context = await browser.newContext(options);
  const res = await context.request.post(`${app.url}/api/auth/sign-in/username`, {
    data: { username: 'admin', password: TEST_ADMIN_PASSWORD },
    headers: { origin: app.url },
  });
  if (!res.ok()) throw new Error(`sign-in failed: ${res.status()} ${await res.text()}`);
  return context;
}

/** A page in a fresh signed-in context; closing its context is the caller's (page.context().close()). */
export async function signedInPage(browser: Browser, app: { url: string }, options: BrowserContextOptions = {}): Promise<Page> {
  return (await signedInContext(browser, app, options)).newPage();
}

/**
 * Pairs a wall screen the way an installer does: the screen asks for a code, the administrator approves it
 * for the layout (or one zone), the screen's poll receives its display token. Returns the token's value.
 */
export async function pairScreenToken(app: { url: string }, layoutId: string, zoneId: string | null = null): Promise<string> {
  const pairing = (await (await fetch(`${app.url}/api/screens/pair`, { method: 'POST' })).json()) as { code: string; pollKey: string };
  const approve = await fetch(`${app.url}/api/trpc/screens.approve`, {
    method: 'POST',
    headers: { ...ADMIN_AUTH, 'content-type': 'application/json' },
    body: JSON.stringify({
      json: { code: pairing.code, layoutId, zoneId, name: `e2e ${layoutId}${zoneId ? `/${zoneId}` : ''} ${pairing.code}` },
    }),
  });
  if (!approve.ok) throw new Error(`pairing approval failed: ${approve.status} ${await approve.text()}`);
  const poll = await fetch(`${app.url}/api/screens/pair/poll`, { method: 'POST', body: JSON.stringify({ pollKey: pairing.pollKey }) });
  const cookie = poll.headers.getSetCookie().find((c) => c.startsWith('ym_display='));
  if (!cookie) throw new Error(`the paired screen got no display token: ${poll.status} ${await poll.text()}`);
  return decodeURIComponent(cookie.split(';')[0]!.slice('ym_display='.length));
}

/** A browser context that is a paired wall screen (its display-token cookie, as the poll sets it). */
export async function screenContext(
  browser: Browser,
  app: { url: string },
  layoutId: string,
  zoneId: string | null = null,
  options: BrowserContextOptions = {},
): Promise<BrowserContext> {
  const token = await pairScreenToken(app, layoutId, zoneId);
  const context = await browser.newContext(options);
  await context.addCookies([{ name: 'ym_display', value: token, url: app.url, httpOnly: true, sameSite: 'Lax' }]);
  return context;
}
