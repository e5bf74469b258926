/**
 * The local API server on 127.0.0.1, in the place of CloudFront and the
 * function URLs: a path goes to the function whose behaviour takes it (the same
 * `apiBehaviours` CloudFront is built from) as a function URL event, and the
 * function matches its route, checks sign-in and answers 404/405 itself. Like
 * CloudFront it adds the edge proof and the viewer's address, unless told to
 * act as a bare function URL (`cloudFront: false`). Streamed handlers stream.
 */
import http from 'node:http';
import { Writable } from 'node:stream';
import type { APIGatewayProxyResultV2 } from 'aws-lambda';
import * as z from 'zod';
import { EDGE_SECRET_HEADER, VIEWER_ADDRESS_HEADER } from '../../lambdas/http/client-address.ts';
import { apiBehaviours, behaviourFor, type FunctionName } from '../../lambdas/http/routes.ts';
import { createAdminRoute } from './admin-bundle.ts';
import { toApiEvent } from './api-events.ts';
import { runAsFunction } from '../../lambdas/adapters/aws/call-log.ts';
import { isStreamingHandler, lambdaContext, type LocalResponseStream, type ResponsePrelude } from './lambda-runtime.ts';
import type { LocalIdentity } from './local-identity.ts';
import { createWidgetRoute } from './widget-bundle.ts';

/** Lambda's limit for a synchronous request payload. */
const MAX_REQUEST_BYTES = 6 * 1024 * 1024;

type Handler = (event: unknown, contextOrStream: unknown, context?: unknown) => Promise<unknown>;

export interface ApiServerOptions {
  readonly handlers: Readonly<Record<FunctionName, unknown>>;
  readonly identity: LocalIdentity;
  /**
   * What CloudFront adds to every API request on AWS (`x-parley-edge-secret`); without it the
   * server passes requests on as a bare function URL would, and the functions refuse them.
   */
  readonly edgeSecret?: string | undefined;
  readonly onError: (message: string, err: unknown) => void;
  /** The local S3 front door's origin: the panel's upload relay forwards there and nowhere else. */
  readonly uploadOrigin?: string | undefined;
  /** Why the API cannot answer now (DynamoDB Local is restarting): its requests get 503 with this reason. */
  readonly unavailable?: () => string | undefined;
  /** The same, asked again when a request failed (500): the database may have died during it. */
  readonly checkAfterFailure?: () => Promise<string | undefined>;
}

const sendJson = (res: http.ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) => {
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store', 'x-content-type-options': 'nosniff', ...headers });
  res.end(JSON.stringify(body));
};

const sendError = (res: http.ServerResponse, status: number, code: string, message: string, headers: Record<string, string> = {}) =>
  sendJson(res, status, { error: { code, message } }, headers);

class TooLarge extends Error {}

/** How far past the limit a chunked body is read (and dropped) so its 413 can be delivered. */
const DRAIN_FACTOR = 4;

const readBody = (req: http.IncomingMessage, limit: number): Promise<Buffer> =>
  new Promise((resolve, reject) => {
    const declared = Number(req.headers['content-length'] ?? 0);
    if (declared > limit) return reject(new TooLarge());
    const parts: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      // A body without a length (chunked) is found too large only on the way: stop keeping it but
      // read it to its end, so the 413 reaches a client that is still sending instead of a reset
      // connection. One that goes on far beyond the limit is cut off.
      if (size <= limit) parts.push(chunk);
      else if (size > limit * DRAIN_FACTOR) {
        req.destroy();
        reject(new TooLarge());
      }
    });
    req.on('end', () => (size > limit ? reject(new TooLarge()) : resolve(Buffer.concat(parts))));
    req.on('error', reject);
  });

/** Writes a handler's streamed response to the HTTP response, prelude first. */
class HttpResponseWriter extends Writable implements LocalResponseStream {
  private prelude: ResponsePrelude = {};
  private readonly res: http.ServerResponse;

  constructor(res: http.ServerResponse) {
    super();
    this.res = res;
    // A visitor who goes away cancels the stream, and with it the work behind it.
    res.on('close', () => {
      if (!res.writableFinished) this.destroy(new Error('client disconnected'));
    });
  }

  setPrelude(prelude: ResponsePrelude): void {
    this.prelude = prelude;
  }

  private start(): void {
    if (this.res.headersSent) return;
    const headers: Record<string, string | string[]> = { ...(this.prelude.headers ?? {}) };
    if (this.prelude.cookies?.length) headers['set-cookie'] = this.prelude.cookies;
    this.res.writeHead(this.prelude.statusCode ?? 200, headers);
    this.res.flushHeaders();
  }

  override _write(chunk: Buffer, _enc: BufferEncoding, done: (err?: Error | null) => void): void {
    this.start();
    if (chunk.length === 0 || this.res.write(chunk)) done();
    else this.res.once('drain', () => done());
  }

  override _final(done: (err?: Error | null) => void): void {
    this.start();
    this.res.end(() => done());
  }
}

const writeResult = (res: http.ServerResponse, result: APIGatewayProxyResultV2) => {
  if (typeof result === 'string' || result === undefined || result === null) {
    sendJson(res, 200, result ?? null);
    return;
  }
  const headers: Record<string, string | string[]> = {};
  for (const [k, v] of Object.entries(result.headers ?? {})) headers[k] = String(v);
  if (result.cookies?.length) headers['set-cookie'] = result.cookies;
  res.writeHead(result.statusCode ?? 200, headers);
  res.end(result.body ? Buffer.from(result.body, result.isBase64Encoded ? 'base64' : 'utf8') : undefined);
};

const signInBody = z.object({ email: z.email().max(254) }).strict();

const LOCAL_NOTICE = 'Local sign-in is for development on this machine only. On AWS, Cognito signs users in.';

const isLoopback = (address: string | undefined): boolean =>
  !!address && (address === '::1' || address.startsWith('127.') || address === '::ffff:127.0.0.1' || address.startsWith('::ffff:127.'));

const isLoopbackHost = (host: string | undefined, port: number | undefined): boolean =>
  !!host && port !== undefined && [`127.0.0.1:${port}`, `localhost:${port}`, `[::1]:${port}`].includes(host.toLowerCase());

export const createApiServer = (opts: ApiServerOptions): http.Server => {
  const widget = createWidgetRoute();
  const admin = createAdminRoute(opts.uploadOrigin);
  const handle = async (req: http.IncomingMessage, res: http.ServerResponse) => {
    // Only requests addressed to this machine's loopback name: a web page cannot reach the
    // local platform by rebinding its own domain to 127.0.0.1 (DNS rebinding).
    if (!isLoopbackHost(req.headers.host, req.socket.localPort)) {
      return sendError(res, 403, 'forbidden', 'This local server answers only requests addressed to 127.0.0.1 or localhost.');
    }
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const method = req.method ?? 'GET';

    // The widget script, served like CloudFront serves it on AWS.
    if (widget.matches(method, url.pathname)) return widget.serve(method, res);
    if (admin.matches(method, url.pathname)) return admin.serve(req, res, url);

    const down = opts.unavailable?.();
    if (down !== undefined) {
      req.resume();
      return sendError(res, 503, 'unavailable', down, { 'retry-after': '5' });
    }

    if (url.pathname === '/local/sign-in' && method === 'POST') {
      if (!isLoopback(req.socket.remoteAddress)) return sendError(res, 403, 'forbidden', LOCAL_NOTICE);
      let parsed;
      try {
        parsed = signInBody.safeParse(JSON.parse((await readBody(req, 16 * 1024)).toString('utf8') || '{}'));
      } catch {
        return sendError(res, 400, 'invalid_request', 'The request body is not valid JSON.');
      }
      if (!parsed.success) return sendError(res, 400, 'invalid_request', 'email: enter a valid e-mail address');
      const session = await opts.identity.signIn(parsed.data.email);
      return sendJson(res, 200, { ...session, tokenType: 'Bearer', notice: LOCAL_NOTICE });
    }

    const behaviour = behaviourFor(apiBehaviours, url.pathname);
    if (!behaviour) return sendError(res, 404, 'not_found', 'No such route.');

    let body: Buffer;
    try {
      body = await readBody(req, MAX_REQUEST_BYTES);
    } catch (err) {
      if (err instanceof TooLarge) return sendError(res, 413, 'payload_too_large', 'The request is too large.', { connection: 'close' });
      throw err;
    }

    const sourceIp = req.socket.remoteAddress ?? '127.0.0.1';
    // As CloudFront's origin header and viewer-request function do: any copy the client sent is replaced.
    const headers = opts.edgeSecret ? { ...req.headers, [EDGE_SECRET_HEADER]: opts.edgeSecret, [VIEWER_ADDRESS_HEADER]: sourceIp } : req.headers;
    const event = toApiEvent({ method, url, headers, body, sourceIp, routeKey: '$default' });
    const handler = opts.handlers[behaviour.fn] as Handler;
    const context = lambdaContext(behaviour.fn);
    // AWS calls made while the handler runs are that function's (see adapters/aws/call-log.ts).
    if (isStreamingHandler(handler)) {
      const stream = new HttpResponseWriter(res);
      await runAsFunction(behaviour.fn, () => handler(event, stream, context)).catch((err: unknown) => {
        if (!stream.destroyed) throw err;
      });
      return;
    }
    const result = (await runAsFunction(behaviour.fn, () => handler(event, context))) as APIGatewayProxyResultV2;
    const failed = typeof result === 'object' && (result.statusCode ?? 200) >= 500 ? await opts.checkAfterFailure?.() : undefined;
    if (failed !== undefined) return sendError(res, 503, 'unavailable', failed, { 'retry-after': '5' });
    writeResult(res, result);
  };

  return http.createServer((req, res) => {
    handle(req, res).catch(async (err: unknown) => {
      const down = await opts.checkAfterFailure?.();
      if (down === undefined) opts.onError('local platform request failed', err);
      if (res.headersSent) res.destroy();
      else if (down !== undefined) sendError(res, 503, 'unavailable', down, { 'retry-after': '5' });
      else sendError(res, 500, 'internal', 'Something went wrong on our side. Please try again.');
    });
  });
};
