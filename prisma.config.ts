import { defineConfig } from 'prisma/config';

// Used only by the Prisma CLI. Here (offline) the app applies migrations itself (server/db/migrate.ts) and
// new ones are written by `npm run db:migrate:create`; where the CLI has its engine, `prisma migrate deploy`
// / `migrate status` work on the same history and read DATABASE_URL. Generate must not need it.
export default defineConfig({
  schema: 'prisma/schema.prisma',
  migrations: { path: 'prisma/migrations' },
  ...(process.env.DATABASE_URL ? { datasource: { url: process.env.DATABASE_URL } } : {}),
});
