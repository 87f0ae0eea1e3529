import { NextResponse, type NextRequest } from 'next/server';

// Runs before every page: (1) a visitor with no credential at all goes to the sign-in page, which comes back
// to where they were going (the pages themselves check the credential is valid: app/_auth/server.ts); (2)
// every page gets a Content-Security-Policy with a fresh nonce: scripts only from this origin or carrying the
// nonce, nothing from elsewhere (the product ships every asset), no framing.

// /ack/<token>: a signed link from a duty message, its own credential for that one action (server/duty/ack.ts).
const PUBLIC_PAGES = ['/sign-in', '/wall/pair', '/ack'];
const SESSION_COOKIES = ['ym.session_token', '__Secure-ym.session_token', 'ym_display'];

function contentSecurityPolicy(nonce: string): string {
  const dev = process.env.NODE_ENV === 'development';
  return [
    "default-src 'self'",
    `script-src 'self' 'nonce-${nonce}' 'strict-dynamic'${dev ? " 'unsafe-eval'" : ''}`,
    // Inline style attributes (React `style`, chart libraries) are not script; stylesheets come from here.
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: blob:",
    "font-src 'self' data:",
    "connect-src 'self'",
    "worker-src 'self' blob:",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join('; ');
}

export function proxy(req: NextRequest) {
  const { pathname, search } = req.nextUrl;
  const isPublic = PUBLIC_PAGES.some((p) => pathname === p || pathname.startsWith(`${p}/`));
  const hasCredential = !!req.headers.get('authorization') || SESSION_COOKIES.some((c) => req.cookies.has(c));
  const nonce = Buffer.from(crypto.randomUUID()).toString('base64');
  const csp = contentSecurityPolicy(nonce);

  if (!isPublic && !hasCredential) {
    const url = req.nextUrl.clone();
    url.pathname = '/sign-in';
    url.search = `?next=${encodeURIComponent(pathname + search)}`;
    const res = NextResponse.redirect(url);
    res.headers.set('Content-Security-Policy', csp);
    return res;
  }
  const headers = new Headers(req.headers);
  headers.set('x-nonce', nonce);
  headers.set('Content-Security-Policy', csp);
  const res = NextResponse.next({ request: { headers } });
  res.headers.set('Content-Security-Policy', csp);
  return res;
}

export const config = {
  matcher: [
    {
      // Pages only: API routes answer 401/403 themselves; static files and the shipped GeoJSON need nothing.
      source: '/((?!api/|_next/static|_next/image|geo/|icon.svg|favicon.ico).*)',
      missing: [
        { type: 'header', key: 'next-router-prefetch' },
        { type: 'header', key: 'purpose', value: 'prefetch' },
      ],
    },
  ],
};
