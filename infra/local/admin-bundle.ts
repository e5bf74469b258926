/**
 * The admin panel on the local platform, under `/admin/`: built once, in
 * memory, on first request, then served from the cache with a strict CSP of
 * its own. On AWS the same files are static objects behind CloudFront.
 *
 * `PUT /admin/upload?to=<presigned URL>` relays a browser upload to the local
 * S3 front door: that door sends no CORS headers (s3rver has no CORS rule for
 * the bucket), and the panel's CSP allows connections to its own origin only.
 * It forwards only presigned requests to that front door (its origin, given by
 * the platform; no other loopback port), whose signatures the front door checks. On AWS the browser PUTs to S3 directly (bucket CORS rule
 * for the admin origin, and the bucket's origin in `connect-src`).
 *
 * `GET /admin/config.json` is the panel's runtime configuration, read at start:
 * here local sign-in and the upload relay; on AWS the stack deploys one naming
 * the Cognito hosted sign-in and direct uploads (see `AdminRuntimeConfig`).
 */
import http from 'node:http';
import { ADMIN_CSP, buildAdmin, type AdminBundle } from '../admin-build.ts';

const CSP = ADMIN_CSP;

/** What the panel reads from `/admin/config.json` (admin/src/config.ts checks it). */
export type AdminRuntimeConfig =
  | { readonly auth: { readonly kind: 'local' }; readonly uploads: 'relay' | 'direct' }
  | { readonly auth: { readonly kind: 'cognito'; readonly domain: string; readonly clientId: string; readonly scopes: readonly string[] }; readonly uploads: 'relay' | 'direct' };

/** The local platform's: sign-in with an e-mail address, uploads through the same-origin relay. */
export const LOCAL_ADMIN_CONFIG: AdminRuntimeConfig = { auth: { kind: 'local' }, uploads: 'relay' };

const COMMON = {
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'cache-control': 'no-cache',
};

const FILES: Record<string, { file: keyof AdminBundle; type: string }> = {
  '/admin/': { file: 'index.html', type: 'text/html; charset=utf-8' },
  '/admin/index.html': { file: 'index.html', type: 'text/html; charset=utf-8' },
  '/admin/app.js': { file: 'app.js', type: 'text/javascript; charset=utf-8' },
  '/admin/app.css': { file: 'app.css', type: 'text/css; charset=utf-8' },
  '/admin/favicon.svg': { file: 'favicon.svg', type: 'image/svg+xml' },
};

/** Forwards one presigned upload to the local S3 front door, streaming its body. */
const relayUpload = (req: http.IncomingMessage, res: http.ServerResponse, target: string | null, uploadOrigin: string | undefined): void => {
  let url: URL;
  try {
    url = new URL(target ?? '');
  } catch {
    res.writeHead(400, { 'content-type': 'text/plain; charset=utf-8' });
    res.end('Not an upload URL.');
    return;
  }
  if (uploadOrigin === undefined || url.origin !== uploadOrigin || url.username !== '' || !url.searchParams.has('X-Amz-Signature')) {
    req.resume();
    res.writeHead(403, { 'content-type': 'text/plain; charset=utf-8' });
    res.end('Only presigned uploads to the local S3 emulator are relayed.');
    return;
  }
  const headers: http.OutgoingHttpHeaders = {};
  for (const [name, value] of Object.entries(req.headers)) {
    if (value !== undefined && (name === 'content-type' || name === 'content-length' || name.startsWith('x-amz-'))) headers[name] = value;
  }
  const forward = http.request(url, { method: 'PUT', headers }, (up) => {
    res.writeHead(up.statusCode ?? 502, { 'content-type': up.headers['content-type'] ?? 'text/plain', 'cache-control': 'no-store' });
    up.pipe(res);
  });
  forward.on('error', () => {
    if (!res.headersSent) res.writeHead(502, { 'content-type': 'text/plain; charset=utf-8' });
    res.end('The local file store is not answering.');
  });
  req.pipe(forward);
};

/**
 * @param uploadOrigin the local S3 front door's origin (`http://127.0.0.1:<port>`), the only place
 *   the upload relay forwards to; undefined relays nothing.
 */
export const createAdminRoute = (uploadOrigin?: string) => {
  let bundle: Promise<AdminBundle> | undefined;
  const load = () => (bundle ??= buildAdmin().catch((err: unknown) => {
    bundle = undefined;
    throw err;
  }));
  return {
    /** Whether this request is for the admin panel. */
    matches: (_method: string, pathname: string) => pathname === '/admin' || pathname.startsWith('/admin/'),
    async serve(req: http.IncomingMessage, res: http.ServerResponse, url: URL): Promise<void> {
      const method = req.method ?? 'GET';
      if (url.pathname === '/admin/upload' && method === 'PUT') return relayUpload(req, res, url.searchParams.get('to'), uploadOrigin);
      if (url.pathname === '/admin') {
        res.writeHead(308, { location: '/admin/' });
        res.end();
        return;
      }
      if (url.pathname === '/admin/config.json' && (method === 'GET' || method === 'HEAD')) {
        const bytes = Buffer.from(JSON.stringify(LOCAL_ADMIN_CONFIG));
        res.writeHead(200, { ...COMMON, 'content-type': 'application/json; charset=utf-8', 'content-length': String(bytes.byteLength) });
        res.end(method === 'HEAD' ? undefined : bytes);
        return;
      }
      const entry = FILES[url.pathname];
      if (!entry || (method !== 'GET' && method !== 'HEAD')) {
        res.writeHead(404, { ...COMMON, 'content-type': 'text/plain; charset=utf-8' });
        res.end('Not found.');
        return;
      }
      const bytes = (await load())[entry.file];
      res.writeHead(200, {
        ...COMMON,
        'content-type': entry.type,
        'content-length': String(bytes.byteLength),
        'content-security-policy': CSP,
        'x-frame-options': 'DENY',
      });
      res.end(method === 'HEAD' ? undefined : bytes);
    },
  };
};
