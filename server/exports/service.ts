import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, readdir, rename, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import type { Readable, Writable } from 'node:stream';
import { ForbiddenError, NotFoundError } from '@/core/errors';
import type { Env } from '@/core/env';
import { PROVINCE } from '@/core/org/divisions';
import { audit } from '../auth/audit';
import type { Principal } from '../auth/principal';
import { can } from '../auth/roles';
import { orgScope } from '../auth/scope';
import type { Db } from '../db/client';
import type { ExportJob } from '../db/generated/client';
import type { KpiService } from '../kpi/service';
import { prepareExport, type PreparedExport } from './document';
import { exportRequest, type ExportFormat, type ExportLocale, type ExportSpec } from './request';
import { ExportRunner } from './runner';
import { writeExport, type WriteResult } from './writers';

// Exports (导出): who may export what, the choice between a direct download and a background job, the jobs
// (list, get, the ready file) and their files under DATA_DIR/exports. The HTTP routes (app/api/export) and
// the tRPC router (exports.*) are thin doors onto this.

export type ExportPrincipal = Pick<Principal, 'id' | 'name' | 'role' | 'orgCode'>;

export interface ExportServiceDeps {
  db: Db;
  kpi: KpiService;
  env: Pick<Env, 'BUSINESS_TZ' | 'EXPORT_DIRECT_MAX_ROWS' | 'EXPORT_KEEP_DAYS' | 'dataDir'>;
  /** The runner's clock (tests pin it). */
  now?: () => number;
}

export type CreatedExport = { mode: 'direct'; url: string; rows: number } | { mode: 'background'; jobId: string; rows: number };

/** What a background job keeps of its request: the validated request and how to write it. */
interface StoredRequest {
  request: unknown;
  locale: ExportLocale;
  exportedBy: { id: string; name: string };
}

export interface JobView {
  id: string;
  format: string;
  title: string;
  orgCode: string;
  status: string;
  rows: number;
  bytes: number;
  fileName: string | null;
  error: string | null;
  createdAt: string;
  startedAt: string | null;
  finishedAt: string | null;
  /** The download address once ready. */
  url: string | null;
}

const EXT = new Set(['xlsx', 'csv']);

/** The address a direct export is downloaded from (GET /api/export). */
export function directUrl(spec: ExportSpec): string {
  return `/api/export?format=${spec.format}&locale=${spec.locale}&q=${encodeURIComponent(JSON.stringify(spec.request))}`;
}

export class ExportService {
  readonly dir: string;
  readonly runner: ExportRunner;

  constructor(private readonly d: ExportServiceDeps) {
    this.dir = path.join(d.env.dataDir, 'exports');
    this.runner = new ExportRunner({ db: d.db, run: (job, now) => this.runJob(job, now), prune: (now) => this.prune(now), now: d.now });
  }

  get directMaxRows(): number {
    return this.d.env.EXPORT_DIRECT_MAX_ROWS;
  }

  /** Refuses an export the principal may not make: the permission, the org scope, revealing personal data. */
  authorize(who: ExportPrincipal, spec: ExportSpec): void {
    if (!can(who.role, 'export')) throw new ForbiddenError(`角色 ${who.role} 无导出权限 (role may not export)`);
    orgScope(who).assert(spec.request.orgCode);
    if (spec.request.kind === 'kpi.rows' && spec.request.reveal && !can(who.role, 'pii.reveal'))
      throw new ForbiddenError('无权导出完整个人信息 (role may not reveal personal data)');
  }

  /** The document of an export at `asOf` (counts the records; reads none). */
  prepare(who: ExportPrincipal, spec: ExportSpec, asOf: number, exportedAt = asOf): Promise<PreparedExport> {
    return prepareExport(spec.request, {
      kpi: this.d.kpi,
      tz: this.d.env.BUSINESS_TZ,
      locale: spec.locale,
      asOf,
      exportedAt,
      exportedBy: { id: who.id, name: who.name },
    });
  }

  /**
   * Decides how an export is delivered: a direct download (its URL; the download itself audits) when it holds
   * at most EXPORT_DIRECT_MAX_ROWS rows, else a background job (queued and audited here). `background` asks
   * for a job whatever the size.
   */
  async create(who: ExportPrincipal, spec: ExportSpec, now: number, opts: { background?: boolean } = {}): Promise<CreatedExport> {
    this.authorize(who, spec);
    const prepared = await this.prepare(who, spec, now);
    if (!opts.background && prepared.total <= this.directMaxRows) return { mode: 'direct', url: directUrl(spec), rows: prepared.total };
    return { mode: 'background', jobId: await this.enqueue(who, spec, prepared, now), rows: prepared.total };
  }

  /** Queues a background job for a prepared export; audited as export.create. */
  async enqueue(who: ExportPrincipal, spec: ExportSpec, prepared: PreparedExport, now: number): Promise<string> {
    const stored: StoredRequest = { request: spec.request, locale: spec.locale, exportedBy: { id: who.id, name: who.name } };
    const job = await this.d.db.prisma.exportJob.create({
      data: {
        requestedBy: who.id,
        orgCode: spec.request.orgCode,
        format: spec.format,
        request: stored as never,
        title: prepared.title,
        rows: prepared.total,
        createdAt: new Date(now),
      },
    });
    await audit(this.d.db, {
      actor: who.id,
      action: 'export.create',
      target: job.id,
      detail: { mode: 'background', format: spec.format, ...auditOf(spec), rows: prepared.total },
    });
    void this.runner.kick();
    return job.id;
  }

  /** Records a direct download before its first byte: export.create (and pii.reveal when unmasked). */
  async auditDirect(who: ExportPrincipal, spec: ExportSpec, prepared: PreparedExport): Promise<void> {
    await audit(this.d.db, {
      actor: who.id,
      action: 'export.create',
      target: prepared.fileName(spec.format),
      detail: { mode: 'direct', format: spec.format, ...auditOf(spec), rows: prepared.total },
    });
    await this.auditReveal(who.id, spec, prepared);
  }

  /** Writes a prepared export into `out` (ended when done). */
  write(spec: ExportSpec, prepared: PreparedExport, out: Writable): Promise<WriteResult> {
    return writeExport(spec.format, prepared.doc, out);
  }

  private async auditReveal(actor: string, spec: ExportSpec, prepared: PreparedExport): Promise<void> {
    if (prepared.revealed.length === 0 || spec.request.kind !== 'kpi.rows') return;
    await audit(this.d.db, {
      actor,
      action: 'pii.reveal',
      target: spec.request.kpi,
      detail: {
        export: spec.format,
        orgCode: spec.request.orgCode,
        part: spec.request.part,
        rows: prepared.total,
        columns: prepared.revealed,
      },
    });
  }

  /** The path of a job's file (by id, never by a name from a request). */
  filePath(id: string, format: string): string {
    if (!/^[a-z0-9]+$/i.test(id) || !EXT.has(format)) throw new Error(`bad export file ${id}.${format}`);
    return path.join(this.dir, `${id}.${format}`);
  }

  /** Writes a claimed job's file and marks it ready, or failed with the reason. */
  async runJob(job: ExportJob, now: number): Promise<void> {
    const prisma = this.d.db.prisma;
    const final = this.filePath(job.id, job.format);
    const part = `${final}.part`;
    try {
      const stored = job.request as unknown as StoredRequest;
      const spec: ExportSpec = {
        format: job.format as ExportFormat,
        locale: stored.locale === 'en' ? 'en' : 'zh-CN',
        request: exportRequest.parse(stored.request),
      };
      const who = { id: stored.exportedBy.id, name: stored.exportedBy.name };
      // Asked at the job's creation ("today" is the day it was asked); written now.
      const prepared = await prepareExport(spec.request, {
        kpi: this.d.kpi,
        tz: this.d.env.BUSINESS_TZ,
        locale: spec.locale,
        asOf: job.createdAt.getTime(),
        exportedAt: now,
        exportedBy: who,
      });
      await mkdir(this.dir, { recursive: true });
      const out = createWriteStream(part);
      const closed = new Promise<void>((resolve, reject) => {
        out.on('close', resolve);
        out.on('error', reject);
      });
      let result: WriteResult;
      try {
        result = await writeExport(spec.format, prepared.doc, out);
      } catch (err) {
        out.destroy();
        throw err;
      } finally {
        await closed.catch(() => undefined);
      }
      await rename(part, final);
      const bytes = (await stat(final)).size;
      await this.auditReveal(who.id, spec, prepared);
      await prisma.exportJob.update({
        where: { id: job.id },
        data: {
          status: 'ready',
          rows: result.rows,
          bytes: BigInt(bytes),
          fileName: prepared.fileName(spec.format),
          finishedAt: new Date(this.d.now?.() ?? Date.now()),
        },
      });
    } catch (err) {
      await rm(part, { force: true }).catch(() => undefined);
      const message = err instanceof Error ? err.message : String(err);
      console.error(`[exports] job ${job.id} failed:`, message);
      await prisma.exportJob.update({
        where: { id: job.id },
        data: { status: 'failed', error: message.slice(0, 500), finishedAt: new Date(this.d.now?.() ?? Date.now()) },
      });
    }
  }

  /** Removes jobs (and their files) older than EXPORT_KEEP_DAYS, and files no job owns any more. */
  async prune(now: number): Promise<void> {
    const before = new Date(now - this.d.env.EXPORT_KEEP_DAYS * 86_400_000);
    const prisma = this.d.db.prisma;
    const old = await prisma.exportJob.findMany({ where: { createdAt: { lt: before } }, select: { id: true, format: true } });
    for (const j of old) await rm(this.filePath(j.id, j.format), { force: true });
    if (old.length) await prisma.exportJob.deleteMany({ where: { id: { in: old.map((j) => j.id) } } });
    const files = await readdir(this.dir).catch(() => [] as string[]);
    if (!files.length) return;
    const live = new Set((await prisma.exportJob.findMany({ select: { id: true } })).map((j) => j.id));
    for (const f of files) {
      const id = f.split('.')[0]!;
      if (live.has(id)) continue;
      const full = path.join(this.dir, f);
      const st = await stat(full).catch(() => null);
      // A file without a job: left by a pruned or failed job, or being written by another process (young).
      if (st && st.mtimeMs < now - 3_600_000) await rm(full, { force: true });
    }
  }

  private visible(who: ExportPrincipal, job: ExportJob): boolean {
    return job.requestedBy === who.id || (who.role === 'admin' && who.orgCode === PROVINCE.code);
  }

  /** The caller's jobs, newest first. */
  async list(who: ExportPrincipal, limit = 50): Promise<JobView[]> {
    const jobs = await this.d.db.prisma.exportJob.findMany({ where: { requestedBy: who.id }, orderBy: { createdAt: 'desc' }, take: limit });
    return jobs.map(view);
  }

  /** One job: its requester's or, for a province administrator, anyone's; another unit's is refused. */
  async get(who: ExportPrincipal, id: string): Promise<JobView> {
    const job = await this.d.db.prisma.exportJob.findUnique({ where: { id } });
    if (job && !this.visible(who, job)) orgScope(who).assert(job.orgCode);
    if (!job || !this.visible(who, job)) throw new NotFoundError(`导出任务 ${id} 不存在 (no such export)`);
    return view(job);
  }

  /** A ready job's file for download, or null (none, not ready, or not the caller's: all look the same). */
  async file(who: ExportPrincipal, id: string): Promise<{ stream: Readable; fileName: string; bytes: number; format: string } | null> {
    if (!/^[a-z0-9]{1,40}$/i.test(id)) return null;
    const job = await this.d.db.prisma.exportJob.findUnique({ where: { id } });
    if (!job || job.status !== 'ready' || !this.visible(who, job) || !EXT.has(job.format)) return null;
    const full = this.filePath(job.id, job.format);
    const st = await stat(full).catch(() => null);
    if (!st) return null;
    return { stream: createReadStream(full), fileName: job.fileName ?? `${job.id}.${job.format}`, bytes: st.size, format: job.format };
  }
}

function auditOf(spec: ExportSpec) {
  const r = spec.request;
  return r.kind === 'kpi.rows'
    ? { kind: r.kind, kpi: r.kpi, orgCode: r.orgCode, part: r.part, time: r.time, filters: r.filters, reveal: r.reveal }
    : { kind: r.kind, kpis: r.kpis, orgCode: r.orgCode, by: r.by, time: r.time, filters: r.filters };
}

function view(j: ExportJob): JobView {
  return {
    id: j.id,
    format: j.format,
    title: j.title,
    orgCode: j.orgCode,
    status: j.status,
    rows: j.rows,
    bytes: Number(j.bytes),
    fileName: j.fileName,
    error: j.error,
    createdAt: j.createdAt.toISOString(),
    startedAt: j.startedAt?.toISOString() ?? null,
    finishedAt: j.finishedAt?.toISOString() ?? null,
    url: j.status === 'ready' ? `/api/export/${j.id}` : null,
  };
}
