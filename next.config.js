// @ts-check
/** @type {import('next').NextConfig} */
const nextConfig = {
  reactStrictMode: true,
  poweredByHeader: false,
  // Native engines and WASM databases are loaded from node_modules at run time, never bundled:
  // chDB (a node addon), PGlite and the Prisma query compiler (WASM), libsql and pg (native/optional deps).
  serverExternalPackages: [
    'chdb',
    '@clickhouse/client',
    '@electric-sql/pglite',
    'pglite-prisma-adapter',
    '@prisma/client',
    '@prisma/adapter-pg',
    'pg',
    '@libsql/client',
    'libsql',
    'node-cron',
  ],
  // The custom server (server/main.ts) serves the app; nothing here may reach the internet at run time.
  images: { unoptimized: true },
  typescript: { ignoreBuildErrors: false },
};

export default nextConfig;
