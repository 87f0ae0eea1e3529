import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ClickHouse } from '@/core/clickhouse/client';
import { createToken } from '@/server/auth/tokens';
import type { Db } from '@/server/db/client';
import type { Runtime } from '@/server/runtime';
import { GET as exportGet } from '@/app/api/export/route';
import { GET as downloadGet } from '@/app/api/export/[id]/route';
import { dropTestClickHouse, testClickHouse } from '../helpers/clickhouse';
import { testRuntime } from '../helpers/runtime';
import { dutyDb } from '../duty/helpers';

// The export routes at the handler level, on the runtime the handlers find (as in the server): who may
// export, the unit scope (Kunming may not export Qujing), a clear 400, the file headers, the 202 of a large
// export and the download of its file by its requester only.

const KEY = Symbol.for('yingxiao.runtime');
let ch: ClickHouse;
let db: Db;
let rt: Runtime;
let dir: string;
const auth: Record<'km' | 'km2' | 'viewer', Record<string, string>> = { km: {}, km2: {}, viewer: {} };
const utc = (ms: number) => new Date(ms).toISOString().replace('T', ' ').replace('Z', '');

const q = (orgCode: string) => encodeURIComponent(JSON.stringify({ kind: 'kpi.rows', kpi: 'queue.tickets', orgCode }));
const get = (url: string, headers: Record<string, string> = {}) => exportGet(new Request(`http://localhost${url}`, { headers }));

beforeAll(async () => {
  ch = await testClickHouse();
  db = await dutyDb();
  dir = mkdtempSync(path.join(tmpdir(), 'exports-http-'));
  rt = testRuntime({ ch, db, env: { BUSINESS_TZ: 'Asia/Shanghai', DATA_DIR: dir, EXPORT_DIRECT_MAX_ROWS: '2' }, bootedAt: Date.now() });
  (globalThis as { [KEY]?: Promise<Runtime> })[KEY] = Promise.resolve(rt);
  for (const [key, role, org] of [
    ['km', 'manager', '5301'],
    ['km2', 'hall_manager', '5301'],
    ['viewer', 'viewer', '53'],
  ] as const) {
    const t = await createToken(db, { kind: 'service', name: `t-${key}`, role, orgCode: org, createdBy: 'test' });
    auth[key] = { authorization: `Bearer ${t.token}` };
  }
  // Tickets issued a minute ago in two Kunming halls (2 + 1): today's, whatever the clock says.
  const at = Date.now() - 60_000;
  await ch.insert(
    't.tickets',
    'fact_queue_ticket',
    [1, 2, 3].map((i) => ({
      ticket_id: `T${i}`,
      source: 'test',
      province_code: '53',
      city_code: '5301',
      county_code: i < 3 ? '530102' : '530103',
      hall_code: i < 3 ? '530102001' : '530103001',
      window_no: 1,
      business_type: 'fee',
      issued_at: utc(at),
      called_at: null,
      ended_at: null,
      status: 'waiting',
      rating: 'none',
      src_updated_at: utc(at),
    })),
  );
}, 120_000);
afterAll(async () => {
  delete (globalThis as { [KEY]?: Promise<Runtime> })[KEY];
  await rt?.exports.runner.stop();
  await db?.close();
  if (ch) await dropTestClickHouse(ch);
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('GET /api/export', () => {
  it('refuses anonymous callers, roles without export, and another city’s unit', async () => {
    expect((await get(`/api/export?format=csv&q=${q('5301')}`)).status).toBe(401);
    expect((await get(`/api/export?format=csv&q=${q('5301')}`, auth.viewer)).status).toBe(403);
    const other = await get(`/api/export?format=csv&q=${q('5303')}`, auth.km);
    expect(other.status).toBe(403);
    expect(((await other.json()) as { error: { message: string } }).error.message).toContain('5303');
    expect(await db.prisma.auditLog.count({ where: { action: 'export.create' } })).toBe(0);
  });

  it('says what is wrong with a bad request', async () => {
    const notJson = await get('/api/export?format=csv&q=%7Bnope', auth.km);
    expect(notJson.status).toBe(400);
    expect(((await notJson.json()) as { error: { message: string } }).error.message).toContain('JSON');
    const badFormat = await get(`/api/export?format=pdf&q=${q('5301')}`, auth.km);
    expect(badFormat.status).toBe(400);
    expect(((await badFormat.json()) as { error: { message: string } }).error.message).toMatch(/^导出请求无效 .*format/);
  });

  it('streams a small export as the answer, named in UTF-8, audited', async () => {
    const res = await get(
      `/api/export?format=csv&q=${encodeURIComponent(JSON.stringify({ kind: 'kpi.rows', kpi: 'queue.tickets', orgCode: '530102001' }))}`,
      auth.km,
    );
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    expect(res.headers.get('content-disposition')).toMatch(/filename\*=UTF-8''.+\.csv$/);
    expect(decodeURIComponent(res.headers.get('content-disposition')!.split("''")[1]!)).toMatch(/^.+明细_.+_\d{4}-\d{2}-\d{2}\.csv$/);
    const bytes = new Uint8Array(await res.arrayBuffer());
    // The UTF-8 byte order mark Excel needs to read Chinese (Response.text() would drop it).
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const text = new TextDecoder('utf-8', { ignoreBOM: true }).decode(bytes);
    expect(text).toContain('导出人,t-km');
    expect(text).toContain('记录数,2\r\n');
    expect(res.headers.get('x-export-rows')).toBe('2');
    expect(await db.prisma.auditLog.count({ where: { action: 'export.create', actor: 'token:t-km' } })).toBe(1);
  });

  it('makes a larger export a background job that only its requester downloads', async () => {
    const res = await get(`/api/export?format=xlsx&q=${q('5301')}`, auth.km);
    expect(res.status).toBe(202);
    const { jobId, rows } = (await res.json()) as { jobId: string; rows: number };
    expect(rows).toBe(3);
    for (let i = 0; i < 50; i++) {
      const job = await db.prisma.exportJob.findUniqueOrThrow({ where: { id: jobId } });
      if (job.status === 'ready' || job.status === 'failed') break;
      await rt.exports.runner.kick();
    }
    const job = await db.prisma.exportJob.findUniqueOrThrow({ where: { id: jobId } });
    expect(job).toMatchObject({ status: 'ready', rows: 3 });
    const download = (who: Record<string, string>, id = jobId) =>
      downloadGet(new Request(`http://localhost/api/export/${id}`, { headers: who }), { params: Promise.resolve({ id }) });
    const mine = await download(auth.km);
    expect(mine.status).toBe(200);
    const bytes = Buffer.from(await mine.arrayBuffer());
    expect(bytes.subarray(0, 2).toString()).toBe('PK');
    expect(bytes.length).toBe(Number(job.bytes));
    expect((await download(auth.km2)).status).toBe(404);
    expect((await download(auth.km, 'nope')).status).toBe(404);
    expect((await download({})).status).toBe(401);
  });
});
