// `npm run db:migrate:create -- <name>`: the offline replacement for `prisma migrate dev --create-only`.
// Replays prisma/migrations on in-memory PGlite databases with Prisma's own schema engine (wasm), diffs the
// result against prisma/schema.prisma and writes prisma/migrations/<timestamp>_<name>/migration.sql plus
// migration_lock.toml, as the CLI would. Nothing touches a real database: the app applies migrations at
// start-up (server/db/migrate.ts), and `prisma migrate deploy` can apply the same history.
import { parseArgs } from 'node:util';
import { createMigrationFromSchema } from '../server/db/schema-engine';

async function main(): Promise<number> {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: {
      draft: { type: 'boolean', default: false },
      schema: { type: 'string', default: 'prisma/schema.prisma' },
      migrations: { type: 'string', default: 'prisma/migrations' },
    },
  });
  const name = positionals[0];
  if (!name || positionals.length > 1 || !/^[A-Za-z0-9_-]+$/.test(name)) {
    console.error('usage: npm run db:migrate:create -- <name> [--draft] [--schema prisma/schema.prisma] [--migrations prisma/migrations]');
    console.error('  <name>   letters, digits, _ or -');
    console.error('  --draft  write the migration even when the schema has no changes (for hand-written SQL)');
    return 2;
  }

  const t0 = Date.now();
  const result = await createMigrationFromSchema({
    name,
    schemaPath: values.schema,
    migrationsDir: values.migrations,
    draft: values.draft,
  });
  for (const w of result.warnings) console.warn(`warning: ${w}`);
  if (!result.file) {
    console.log(
      `No schema changes: ${values.schema} already matches ${values.migrations}. Nothing written (use --draft for an empty migration).`,
    );
  } else {
    console.log(`Created ${result.file} in ${((Date.now() - t0) / 1000).toFixed(1)} s. Review it, then commit it.`);
  }
  return 0;
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error('db:migrate:create failed:', err instanceof Error ? err.message : err);
    process.exit(1);
  },
);
