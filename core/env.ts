import path from 'node:path';
import { z } from 'zod';

// The one place that reads process.env. Everything else imports `env` (or calls loadEnv in tests) so that
// a wrong value stops start-up with a message naming the variable, instead of failing later somewhere else.

const bool = z
  .enum(['true', 'false', '1', '0', 'yes', 'no', 'on', 'off'], { message: 'expected true or false' })
  .transform((v) => ['true', '1', 'yes', 'on'].includes(v));

const emptyAsUndefined = (v: unknown) => (v === '' ? undefined : v);

export const envSchema = z
  .object({
    NODE_ENV: z.enum(['development', 'production', 'test']).default('production'),
    PORT: z.coerce
      .number({ message: 'expected a port number' })
      .int()
      .min(1, 'expected a port number 1–65535')
      .max(65535, 'expected a port number 1–65535')
      .default(3000),
    HOST: z.string().min(1).default('0.0.0.0'),
    DATA_DIR: z.string().min(1).default('./data'),
    BUSINESS_TZ: z
      .string()
      .default('Asia/Shanghai')
      .refine((tz) => {
        try {
          new Intl.DateTimeFormat('en', { timeZone: tz });
          return true;
        } catch {
          return false;
        }
      }, 'not an IANA time zone'),

    CLICKHOUSE_URL: z.preprocess(emptyAsUndefined, z.url({ protocol: /^https?$/, message: 'expected an http(s) URL' }).optional()),
    CLICKHOUSE_USER: z.string().default('default'),
    CLICKHOUSE_PASSWORD: z.string().default(''),
    CLICKHOUSE_DATABASE: z
      .string()
      .regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'letters, digits and _ only')
      .default('monitor'),
    CLICKHOUSE_CLUSTER: z.preprocess(
      emptyAsUndefined,
      z
        .string()
        .regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'letters, digits and _ only')
        .optional(),
    ),
    CLICKHOUSE_QUERY_TIMEOUT_MS: z.coerce.number().int().positive().default(30_000),
    // Bounds on every query (core/clickhouse/client.ts): a query past them is stopped by ClickHouse and
    // answered 4xx/503 instead of taking the process (or the server) down with it. Memory and threads bound
    // writes too; time and rows bound reads.
    CLICKHOUSE_MAX_MEMORY_USAGE: z.coerce.number().int().min(0).default(500_000_000),
    CLICKHOUSE_MAX_THREADS: z.coerce.number().int().min(0).max(256).default(2),
    CLICKHOUSE_MAX_EXECUTION_SECONDS: z.coerce.number().int().min(0).default(30),
    CLICKHOUSE_MAX_RESULT_ROWS: z.coerce.number().int().min(0).default(1_000_000),
    // Embedded chDB only (server settings, fixed at start; a ClickHouse server takes them from its config).
    // Bytes; together they keep the engine inside a small machine's memory.
    CLICKHOUSE_MAX_SERVER_MEMORY_USAGE: z.coerce.number().int().min(0).default(1_000_000_000),
    CLICKHOUSE_MARK_CACHE_SIZE: z.coerce.number().int().min(0).default(67_108_864), // 64 MiB
    CLICKHOUSE_INDEX_CACHE_SIZE: z.coerce.number().int().min(0).default(33_554_432), // 32 MiB
    CLICKHOUSE_UNCOMPRESSED_CACHE_SIZE: z.coerce.number().int().min(0).default(0),
    CLICKHOUSE_BACKGROUND_POOL_SIZE: z.coerce.number().int().min(1).max(64).default(2),
    // Embedded chDB runs one statement at a time per session: requests get this many sessions, and the ETL,
    // rollups and history back-fill one more of their own (server/runtime.ts), so neither waits for the other.
    CLICKHOUSE_EMBEDDED_SESSIONS: z.coerce.number().int().min(1).max(16).default(2),

    DATABASE_URL: z.preprocess(
      emptyAsUndefined,
      z.url({ protocol: /^postgres(ql)?$/, message: 'expected a postgresql:// URL' }).optional(),
    ),

    /** The first administrator's password (user `admin`), used only when there is no administrator yet. */
    ADMIN_PASSWORD: z.preprocess(emptyAsUndefined, z.string().min(10, 'at least 10 characters').max(200).optional()),
    /** When set, this value is a valid administrator service token (`Authorization: Bearer …`). */
    ADMIN_API_TOKEN: z.preprocess(emptyAsUndefined, z.string().min(24, 'at least 24 characters').max(400).optional()),
    /** Signs session cookies. Unset: a random secret is kept in DATA_DIR/auth-secret (one web process). */
    AUTH_SECRET: z.preprocess(emptyAsUndefined, z.string().min(32, 'at least 32 characters').optional()),
    /** The address users open (https://monitor.example.cn); unset: taken from each request. */
    AUTH_URL: z.preprocess(emptyAsUndefined, z.url({ protocol: /^https?$/, message: 'expected an http(s) URL' }).optional()),
    /** Further origins allowed to post sign-in forms and mutations, comma-separated. */
    AUTH_TRUSTED_ORIGINS: z.preprocess(emptyAsUndefined, z.string().optional()),
    /** Single sign-on (OpenID Connect): the issuer's discovery URL, client id and secret; all three or none. */
    SSO_DISCOVERY_URL: z.preprocess(emptyAsUndefined, z.url({ message: 'expected the .well-known/openid-configuration URL' }).optional()),
    SSO_CLIENT_ID: z.preprocess(emptyAsUndefined, z.string().optional()),
    SSO_CLIENT_SECRET: z.preprocess(emptyAsUndefined, z.string().optional()),
    /** The sign-in button's label, e.g. 统一身份认证. */
    SSO_NAME: z.string().default('统一身份认证 (SSO)'),
    /** Role and org node of a user's first single sign-on (an administrator adjusts them afterwards). */
    SSO_DEFAULT_ROLE: z.enum(['viewer', 'manager', 'hall_manager', 'duty_officer']).default('viewer'),
    SSO_DEFAULT_ORG: z
      .string()
      .regex(/^\d{2,9}$/, 'an org code')
      .default('53'),

    SCHEDULER: z.enum(['web', 'worker'], { message: "expected 'web' or 'worker'" }).default('web'),
    SIMULATOR: bool.default(true),
    /**
     * Where the simulator's source systems run: `process` = a child process of their own (as real source
     * systems run outside the product, so its memory is not the product's), `thread` = a worker thread.
     */
    SIMULATOR_ISOLATION: z.enum(['process', 'thread'], { message: "expected 'process' or 'thread'" }).default('process'),
    SIMULATOR_SEED: z.coerce.number().int().nonnegative().default(20_261_123),
    SIMULATOR_CUSTOMERS: z.coerce.number().int().min(100).max(10_000_000).default(100_000),
    SIMULATOR_HISTORY_DAYS: z.coerce.number().int().min(0).max(3660).default(395),
    ETL_SOURCES_FILE: z.preprocess(emptyAsUndefined, z.string().optional()),
    LOG_LEVEL: z.enum(['debug', 'info', 'warn', 'error']).default('info'),
    // Request bounds (server/main.ts, app/api/trpc): what one request may ask of the process.
    MAX_BODY_BYTES: z.coerce
      .number()
      .int()
      .min(1024)
      .default(4 * 1024 * 1024),
    MAX_URL_BYTES: z.coerce.number().int().min(1024).default(8192),
    TRPC_MAX_BATCH: z.coerce.number().int().min(1).max(1000).default(40),
    /** Open wall event streams one client (principal and address) may hold; the next is refused with 429. */
    SSE_MAX_PER_CLIENT: z.coerce.number().int().min(1).max(10_000).default(24),
    /** Values one KPI batch may compute (org units × time buckets × KPIs × periods, summed over its queries). */
    KPI_MAX_CELLS: z.coerce.number().int().min(1000).default(250_000),
    /** Exports (导出) of at most this many rows stream as the response; larger ones run as a background job. */
    EXPORT_DIRECT_MAX_ROWS: z.coerce.number().int().min(1).max(10_000_000).default(100_000),
    /** Days a background export's file and job row are kept (DATA_DIR/exports). */
    EXPORT_KEEP_DAYS: z.coerce.number().int().min(1).max(365).default(7),
    /** Read by scripts/start.mjs (--max-old-space-size); validated here so a wrong value names the variable. */
    NODE_MAX_OLD_SPACE_MB: z.preprocess(emptyAsUndefined, z.coerce.number().int().min(256).optional()),
  })
  .superRefine((v, ctx) => {
    const sso = [v.SSO_DISCOVERY_URL, v.SSO_CLIENT_ID, v.SSO_CLIENT_SECRET].filter((x) => x !== undefined).length;
    if (sso !== 0 && sso !== 3) {
      ctx.addIssue({
        code: 'custom',
        path: ['SSO_DISCOVERY_URL'],
        message: 'set SSO_DISCOVERY_URL, SSO_CLIENT_ID and SSO_CLIENT_SECRET together',
      });
    }
    // chDB lives inside one process; a separate worker could not open it (Code 76, file lock).
    if (v.SCHEDULER === 'worker' && !v.CLICKHOUSE_URL) {
      ctx.addIssue({
        code: 'custom',
        path: ['SCHEDULER'],
        message: "'worker' needs CLICKHOUSE_URL: embedded ClickHouse is owned by the web process, which must run the jobs",
      });
    }
    if (!v.CLICKHOUSE_URL && v.CLICKHOUSE_MAX_SERVER_MEMORY_USAGE && v.CLICKHOUSE_MAX_MEMORY_USAGE > v.CLICKHOUSE_MAX_SERVER_MEMORY_USAGE) {
      ctx.addIssue({
        code: 'custom',
        path: ['CLICKHOUSE_MAX_MEMORY_USAGE'],
        message: 'one query cannot be allowed more than the whole engine (CLICKHOUSE_MAX_SERVER_MEMORY_USAGE)',
      });
    }
    if (v.CLICKHOUSE_CLUSTER && !v.CLICKHOUSE_URL) {
      ctx.addIssue({
        code: 'custom',
        path: ['CLICKHOUSE_CLUSTER'],
        message: 'a cluster needs CLICKHOUSE_URL (embedded ClickHouse is a single node)',
      });
    }
  });

export type Env = z.infer<typeof envSchema> & { dataDir: string };

export class EnvError extends Error {
  constructor(public readonly issues: { variable: string; message: string }[]) {
    super(
      'Invalid configuration:\n' + issues.map((i) => `  ${i.variable}: ${i.message}`).join('\n') + '\nSee .env.example for every variable.',
    );
    this.name = 'EnvError';
  }
}

export function loadEnv(source: Record<string, string | undefined> = process.env): Env {
  const parsed = envSchema.safeParse(source);
  if (!parsed.success) {
    throw new EnvError(parsed.error.issues.map((i) => ({ variable: String(i.path[0] ?? '?'), message: i.message })));
  }
  return { ...parsed.data, dataDir: path.resolve(parsed.data.DATA_DIR) };
}

let cached: Env | undefined;
/** Process-wide configuration, validated on first use. */
export function env(): Env {
  cached ??= loadEnv();
  return cached;
}
