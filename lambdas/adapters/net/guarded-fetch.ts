/**
 * The one module that may send requests to owner-supplied URLs (custom
 * OpenAI-compatible endpoints, later website sources). Other Lambda code
 * reaches the network only through AWS SDK and provider SDK clients, and a
 * provider client pointed at an owner-supplied base URL must be given this
 * fetch. `test/unit/egress-boundary.test.ts` keeps every other module from
 * opening sockets or calling the global fetch.
 *
 * Server-side request forgery is stopped at two points:
 * - before each request (the first and every redirect hop): scheme, https,
 *   credentials, operator allowlist, and IP-literal hosts;
 * - at connect time, inside undici's connector: the host name is resolved and
 *   refused if any resolved address is. The check runs on the very addresses
 *   the socket then uses, so a DNS answer that changes between a check and the
 *   connection (rebinding) cannot slip a private address through.
 *
 * undici itself (~700 KB bundled) is loaded on the first request, not at cold
 * start: most invocations never call a provider or a website, and the bundler
 * puts a dynamic import in a chunk of its own.
 */
import dns from 'node:dns';
import { isIP } from 'node:net';
import type { LookupFunction } from 'node:net';
import type * as Undici from 'undici';
import { AppError } from '../../core/errors.ts';
import { checkAddress } from './address-policy.ts';
import { loadOnce } from '../../shared/load-once.ts';

/** Why a destination was refused: for logs and tests. */
export type BlockReason = 'address' | 'scheme' | 'insecure' | 'credentials' | 'redirects' | 'invalid-url';

const MESSAGES: Record<BlockReason, string> = {
  address: 'This address is not allowed: Parley only connects to public internet hosts',
  scheme: 'This address is not allowed: use an http(s) URL',
  insecure: 'This address is not allowed: use an https URL',
  credentials: 'This address is not allowed: remove the user name and password from the URL',
  redirects: 'This address is not allowed: it redirects too many times',
  'invalid-url': 'This address is not allowed: it is not a valid URL',
};

/**
 * The local platform's hint on an address refusal: how to try a website (or a model
 * server) on this machine or network without the internet. On AWS owners see the
 * refusal alone; allowing hosts there is the operator's decision.
 */
export const LOCAL_ADDRESS_HINT =
  'To try a site on this machine locally, start Parley with its host:port in PARLEY_EGRESS_ALLOW_HOSTS, e.g. PARLEY_EGRESS_ALLOW_HOSTS=localhost:8080 npm start for http://localhost:8080/';

/**
 * A refused destination. The message is safe to show the owner: it never names
 * the host's resolved address or repeats anything the upstream sent. An
 * `invalid_request` {@link AppError}, so it answers 400 if it reaches a handler.
 */
export class BlockedDestinationError extends AppError {
  /** What was refused. Not part of the message. */
  readonly reason: BlockReason;
  /** For `reason: 'address'`, the refused range (for example `loopback`); for logs only, never for owners. */
  readonly addressKind: string | undefined;

  constructor(reason: BlockReason, addressKind?: string, hint?: string) {
    super('invalid_request', hint ? `${MESSAGES[reason]}. ${hint}` : MESSAGES[reason]);
    this.name = 'BlockedDestinationError';
    this.reason = reason;
    this.addressKind = addressKind;
  }
}

/** The refusal behind an error, if any: fetch and the SDKs wrap it as their error's `cause`. */
export const blockedDestinationOf = (error: unknown): BlockedDestinationError | undefined => {
  const blocked = error instanceof BlockedDestinationError ? error : (error as { cause?: unknown } | null)?.cause;
  return blocked instanceof BlockedDestinationError ? blocked : undefined;
};

/** The shape of `fetch` that the `openai` and `@anthropic-ai/sdk` clients accept as their `fetch` option. */
export type GuardedFetch = (input: string | URL | Request, init?: RequestInit) => Promise<Response>;

/** Options of {@link createGuardedFetch}. */
export interface GuardedFetchOptions {
  /**
   * Operator allowlist of `host` (any port) or `host:port` entries, for example
   * a self-hosted model in the operator's own network. Allowlisted hosts skip
   * the address check (tests reach loopback fakes this way); nothing else does.
   * @default []
   */
  readonly allowHosts?: readonly string[];
  /** Refuse plain `http:` everywhere, allowlisted hosts included (true on AWS). */
  readonly requireHttps: boolean;
  /** Redirects followed per request, each one checked like the first URL. @default 3 */
  readonly maxRedirects?: number;
  /** Budget for the whole exchange: every hop, and reading the response body. @default 30_000 */
  readonly timeoutMs?: number;
  /** Name resolution, same signature as `dns.lookup`; tests inject one. @default dns.lookup */
  readonly lookup?: LookupFunction;
  /**
   * A sentence added to the message of an address refusal (the local platform says how to
   * allow a host on this machine). It must not name the refused address.
   * @default undefined, the message alone
   */
  readonly addressHint?: string;
}

const REDIRECT_STATUSES = new Set([301, 302, 303, 307, 308]);
// Dropped when a redirect leaves the origin, so an owner's provider key never follows it elsewhere.
const CREDENTIAL_HEADERS = ['authorization', 'proxy-authorization', 'cookie', 'x-api-key', 'api-key'];
const BODY_HEADERS = ['content-type', 'content-length', 'content-encoding', 'content-language', 'content-location'];

/**
 * Builds the guarded fetch. Build it once per process (it owns a connection
 * pool) and hand it to SDK clients: `new OpenAI({ baseURL, fetch: guardedFetch })`.
 * Refusals reject with {@link BlockedDestinationError}, before any connection
 * to the refused address is attempted.
 */
export function createGuardedFetch(options: GuardedFetchOptions): GuardedFetch {
  const { requireHttps, maxRedirects = 3, timeoutMs = 30_000 } = options;
  const allowlist = parseAllowlist(options.allowHosts ?? []);
  const lookup: LookupFunction = options.lookup ?? dns.lookup;
  const isAllowlisted = (hostname: string, port: string, protocol: string): boolean =>
    allowlist.some((entry) => entry.hostname === hostname && (entry.port === undefined || entry.port === (port || defaultPort(protocol))));

  // The connection pool, built with undici on the first request.
  const client = loadOnce(async () => {
    const { Agent, buildConnector, fetch } = await loadUndici();
    const openConnector = buildConnector({ lookup, timeout: timeoutMs });
    const guardedConnector = buildConnector({ lookup: guardLookup(lookup), timeout: timeoutMs });
    const agent = new Agent({
      // Every new socket passes here, whatever the URL check before it decided.
      connect(connectOptions, callback) {
        const { hostname, port, protocol } = connectOptions; // undici strips IPv6 brackets
        const family = isIP(hostname);
        if (isAllowlisted(family === 6 ? `[${hostname}]` : hostname, port, protocol)) {
          openConnector(connectOptions, callback);
          return;
        }
        // Node skips the lookup for IP literals, so judge them here.
        const verdict = family === 0 ? undefined : checkAddress(hostname);
        if (verdict !== undefined && !verdict.allowed) {
          queueMicrotask(() => callback(new BlockedDestinationError('address', verdict.kind), null));
          return;
        }
        guardedConnector(connectOptions, callback);
      },
    });
    return { agent, fetch };
  });

  function checkDestination(url: URL): void {
    if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new BlockedDestinationError('scheme');
    if (requireHttps && url.protocol !== 'https:') throw new BlockedDestinationError('insecure');
    if (url.username !== '' || url.password !== '') throw new BlockedDestinationError('credentials');
    if (isAllowlisted(url.hostname, url.port, url.protocol)) return;
    // The URL parser has already turned 2130706433, 0x7f000001 and friends into dotted quads.
    const literal = url.hostname.startsWith('[') ? url.hostname.slice(1, -1) : url.hostname;
    if (isIP(literal) === 0) return; // a name: judged at connect time, on the addresses it resolves to
    const verdict = checkAddress(literal);
    if (!verdict.allowed) throw new BlockedDestinationError('address', verdict.kind);
  }

  const withHint = (error: unknown): unknown =>
    options.addressHint && error instanceof BlockedDestinationError && error.reason === 'address'
      ? new BlockedDestinationError('address', error.addressKind, options.addressHint)
      : error;

  return async function guardedFetch(input, init) {
    try {
      return await follow(input, init);
    } catch (error) {
      throw withHint(error);
    }
  };

  async function follow(input: string | URL | Request, init: RequestInit | undefined): Promise<Response> {
    const start = toUrlAndInit(input, init);
    const mode = start.init.redirect ?? 'follow';
    const timeout = AbortSignal.timeout(timeoutMs);
    const signal = start.init.signal ? AbortSignal.any([start.init.signal, timeout]) : timeout;
    let url = start.url;
    let request = start.init;
    for (let hop = 0; ; hop += 1) {
      checkDestination(url);
      const response = await send(url, request, signal);
      const location = REDIRECT_STATUSES.has(response.status) ? response.headers.get('location') : null;
      if (location === null || mode === 'manual') return response;
      await response.body?.cancel();
      if (mode === 'error') throw new TypeError('The server answered with a redirect');
      if (hop >= maxRedirects) throw new BlockedDestinationError('redirects');
      const next = parseUrl(location, url);
      request = redirectedInit(request, response.status, url, next);
      url = next;
    }
  }

  async function send(url: URL, init: RequestInit, signal: AbortSignal): Promise<Response> {
    const { agent, fetch: undiciFetch } = await client();
    try {
      // Our dispatcher and manual redirects always win over whatever the caller passed.
      // The cast only bridges @types/node's copy of the fetch types and undici 8's (same shapes, different iterator typings).
      const undiciInit = { ...init, signal, redirect: 'manual', dispatcher: agent } as Undici.RequestInit;
      return await undiciFetch(url, undiciInit);
    } catch (error) {
      // undici wraps connector errors in "TypeError: fetch failed"; surface our own refusal instead.
      throw findBlocked(error) ?? error;
    }
  }
}

// Its `default`: undici is CommonJS, and once bundled into a chunk of its own it exports only
// `default` (its module.exports), which is also what Node gives for it unbundled.
const loadUndici = loadOnce(async () => (await import('undici')).default);

/**
 * Wraps a `dns.lookup`-style function so that it fails with
 * {@link BlockedDestinationError} when any resolved address is refused, and
 * otherwise answers in the form its caller asked for (one address or all).
 * Exported for tests; {@link createGuardedFetch} uses it for every connection.
 */
export function guardLookup(lookup: LookupFunction): LookupFunction {
  return function guardedLookup(hostname, lookupOptions, callback) {
    lookup(hostname, { ...lookupOptions, all: true }, (error, result, resultFamily) => {
      if (error) {
        callback(error, '');
        return;
      }
      const addresses: dns.LookupAddress[] =
        typeof result === 'string' ? [{ address: result, family: resultFamily ?? isIP(result) }] : result;
      // Refuse if ANY answer is refused: otherwise the socket may pick the bad one (Happy Eyeballs, retries).
      for (const { address } of addresses) {
        const verdict = checkAddress(address);
        if (!verdict.allowed) {
          callback(new BlockedDestinationError('address', verdict.kind), '');
          return;
        }
      }
      const [first] = addresses;
      if (first === undefined) callback(Object.assign(new Error('No address found'), { code: 'ENOTFOUND' }), '');
      else if (lookupOptions.all === true) callback(null, addresses);
      else callback(null, first.address, first.family);
    });
  };
}

interface AllowlistEntry {
  readonly hostname: string;
  readonly port: string | undefined;
}

function parseAllowlist(entries: readonly string[]): AllowlistEntry[] {
  return entries.map((entry) => {
    // Parse as both schemes: each one hides its own default port ("host:80" reads as port "" under http).
    const asHttp = URL.parse(`http://${entry}`);
    const asHttps = URL.parse(`https://${entry}`);
    const hostOnly = asHttp !== null && asHttp.pathname === '/' && asHttp.search === '' && asHttp.hash === '' && asHttp.username === '';
    if (!hostOnly || asHttps === null || entry.includes('/')) {
      throw new Error(`Invalid allowHosts entry "${entry}": expected host or host:port`);
    }
    const port = asHttp.port || asHttps.port;
    return { hostname: asHttp.hostname, port: port === '' ? undefined : port };
  });
}

function defaultPort(protocol: string): string {
  return protocol === 'https:' ? '443' : '80';
}

function parseUrl(text: string, base?: URL): URL {
  const url = URL.parse(text, base?.href);
  if (url === null) throw new BlockedDestinationError('invalid-url');
  return url;
}

function toUrlAndInit(input: string | URL | Request, init: RequestInit | undefined): { url: URL; init: RequestInit } {
  if (typeof input === 'string' || input instanceof URL) return { url: parseUrl(String(input)), init: { ...init } };
  const fromRequest: RequestInit = {
    method: input.method,
    headers: input.headers,
    signal: input.signal,
    ...(input.body === null ? {} : { body: input.body, duplex: 'half' }),
  };
  return { url: parseUrl(input.url), init: { ...fromRequest, ...init } };
}

/** The request for the next hop, as the Fetch standard rewrites it. */
function redirectedInit(init: RequestInit, status: number, from: URL, to: URL): RequestInit {
  const headers = new Headers(init.headers);
  const method = (init.method ?? 'GET').toUpperCase();
  let next: RequestInit = { ...init, headers };
  if ((status === 303 && method !== 'GET' && method !== 'HEAD') || ((status === 301 || status === 302) && method === 'POST')) {
    next = { ...next, method: 'GET', body: null };
    for (const name of BODY_HEADERS) headers.delete(name);
  } else if (!isReplayable(init.body)) {
    throw new TypeError('Cannot resend a streamed request body to a redirect target');
  }
  if (from.origin !== to.origin) for (const name of CREDENTIAL_HEADERS) headers.delete(name);
  return next;
}

function isReplayable(body: RequestInit['body']): boolean {
  return body === undefined || body === null || typeof body === 'string' || body instanceof ArrayBuffer ||
    ArrayBuffer.isView(body) || body instanceof Blob || body instanceof URLSearchParams || body instanceof FormData;
}

function findBlocked(error: unknown): BlockedDestinationError | undefined {
  for (let current = error, depth = 0; current instanceof Error && depth < 5; current = current.cause, depth += 1) {
    if (current instanceof BlockedDestinationError) return current;
  }
  return undefined;
}
