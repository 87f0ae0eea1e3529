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

    DATABASE_URL: z.preprocess(
      emptyAsUndefined,
      z.url({ protocol: /^postgres(ql)?$/, message: 'expected a postgresql:// URL' }).optional(),
    ),

    SCHEDULER: z.enum(['web', 'worker'], { message: "expected 'web' or 'worker'" }).default('web'),
    SIMULATOR: bool.default(true),
    SIMULATOR_SEED: z.coerce.number().int().nonnegative().default(20_261_123),
    /** Until sign-in exists, the role every request acts as (the built-in duty account of the province). */
    BUILTIN_USER_ROLE: z.enum(['viewer', 'operator', 'admin']).default('admin'),
    SIMULATOR_CUSTOMERS: z.coerce.number().int().min(100).max(10_000_000).default(100_000),
    SIMULATOR_HISTORY_DAYS: z.coerce.number().int().min(0).max(3660).default(395),
    ETL_SOURCES_FILE: z.preprocess(emptyAsUndefined, z.string().optional()),
    LOG_LEVEL: z.enum(['debug', 'info', 'warn', 'error']).default('info'),
  })
  .superRefine((v, ctx) => {
    // chDB lives inside one process; a separate worker could not open it (Code 76, file lock).
    if (v.SCHEDULER === 'worker' && !v.CLICKHOUSE_URL) {
      ctx.addIssue({
        code: 'custom',
        path: ['SCHEDULER'],
        message: "'worker' needs CLICKHOUSE_URL: embedded ClickHouse is owned by the web process, which must run the jobs",
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
