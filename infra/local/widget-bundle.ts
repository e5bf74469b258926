/**
 * `GET /widget.js` on the local platform: the widget built once, in memory, on
 * first request (esbuild takes a fraction of a second), then served from the
 * cache. On AWS the same file is a static object behind CloudFront.
 */
import type http from 'node:http';
import { buildWidget } from '../widget-build.ts';

const HEADERS = {
  'content-type': 'text/javascript; charset=utf-8',
  // Short, so a new build reaches sites within minutes.
  'cache-control': 'public, max-age=300',
  'x-content-type-options': 'nosniff',
  // Pages that isolate themselves (COEP) may still load it.
  'cross-origin-resource-policy': 'cross-origin',
};

export const createWidgetRoute = () => {
  let bundle: Promise<Uint8Array> | undefined;
  const load = () => (bundle ??= buildWidget().catch((err: unknown) => {
    bundle = undefined;
    throw err;
  }));
  return {
    /** Whether this request is for the widget script. */
    matches: (method: string, pathname: string) => pathname === '/widget.js' && (method === 'GET' || method === 'HEAD'),
    async serve(method: string, res: http.ServerResponse): Promise<void> {
      const bytes = await load();
      res.writeHead(200, { ...HEADERS, 'content-length': String(bytes.byteLength) });
      res.end(method === 'HEAD' ? undefined : bytes);
    },
  };
};
