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
  // forbidden() answers a page a role may not open with 403 and app/forbidden.tsx.
  experimental: { authInterrupts: true },
  // Security headers on every answer; pages also get a Content-Security-Policy with a nonce from proxy.ts.
  async headers() {
    const common = [
      { key: 'X-Content-Type-Options', value: 'nosniff' },
      { key: 'X-Frame-Options', value: 'DENY' },
      { key: 'Referrer-Policy', value: 'same-origin' },
      { key: 'Cross-Origin-Opener-Policy', value: 'same-origin' },
      { key: 'Permissions-Policy', value: 'camera=(), microphone=(), geolocation=(), payment=(), usb=()' },
    ];
    return [
      { source: '/:path*', headers: common },
      // API answers are data, never documents to render.
      { source: '/api/:path*', headers: [{ key: 'Content-Security-Policy', value: "default-src 'none'; frame-ancestors 'none'" }] },
    ];
  },
};

export default nextConfig;
