// The SSRF guard against real sockets, on loopback only. Every refused target
// here is refused before a connection is attempted: loopback targets have a
// live server that counts connections, and undici's `beforeConnect` channel
// shows that no socket was even started for literal addresses.
import diagnosticsChannel from 'node:diagnostics_channel';
import http from 'node:http';
import type { AddressInfo, LookupFunction } from 'node:net';
import { inspect } from 'node:util';
import Anthropic from '@anthropic-ai/sdk';
import OpenAI from 'openai';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { BlockedDestinationError, createGuardedFetch, guardLookup, LOCAL_ADDRESS_HINT } from '../../lambdas/adapters/net/guarded-fetch.ts';
import type { GuardedFetchOptions } from '../../lambdas/adapters/net/guarded-fetch.ts';

// ---------------------------------------------------------------- fixtures

interface SeenRequest {
  readonly method: string;
  readonly path: string;
  readonly headers: http.IncomingHttpHeaders;
  readonly body: string;
}

interface LoopbackServer {
  readonly port: number;
  /** `127.0.0.1:port` or `[::1]:port`: the form `allowHosts` takes. */
  readonly hostPort: string;
  readonly origin: string;
  readonly connections: () => number;
  readonly requests: SeenRequest[];
  reset(): void;
  close(): Promise<void>;
}

type Handler = (request: SeenRequest, response: http.ServerResponse) => void;

async function startServer(handler: Handler, host = '127.0.0.1'): Promise<LoopbackServer> {
  let connections = 0;
  const requests: SeenRequest[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const seen = { method: req.method ?? '', path: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks).toString('utf8') };
      requests.push(seen);
      handler(seen, res);
    });
  });
  server.on('connection', () => { connections += 1; });
  await new Promise<void>((resolve) => server.listen(0, host, resolve));
  const { port } = server.address() as AddressInfo;
  const hostPort = host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
  return {
    port,
    hostPort,
    origin: `http://${hostPort}`,
    connections: () => connections,
    requests,
    reset: () => { connections = 0; requests.length = 0; },
    close: () => new Promise<void>((resolve) => { server.closeAllConnections(); server.close(() => resolve()); }),
  };
}

/** A DNS that knows only the names it is given: nothing ever reaches a real resolver. */
function fakeDns(table: Record<string, readonly string[]>): { lookup: LookupFunction; asked: string[] } {
  const asked: string[] = [];
  const lookup: LookupFunction = (hostname, options, callback) => {
    asked.push(hostname);
    const records = (table[hostname] ?? []).map((address) => ({ address, family: address.includes(':') ? 6 : 4 }));
    setImmediate(() => {
      const [first] = records;
      if (first === undefined) callback(Object.assign(new Error(`fake DNS: ${hostname} not found`), { code: 'ENOTFOUND' }), '');
      else if (options.all === true) callback(null, records);
      else callback(null, first.address, first.family);
    });
  };
  return { lookup, asked };
}

async function refusal(promise: Promise<unknown>): Promise<BlockedDestinationError> {
  const error = await promise.then(() => undefined, (reason: unknown) => reason);
  expect(error).toBeInstanceOf(BlockedDestinationError);
  return error as BlockedDestinationError;
}

const GENERIC_MESSAGE = 'This address is not allowed: Parley only connects to public internet hosts';

// Every socket undici (ours or Node's bundled copy) starts announces itself here first.
const connectAttempts: string[] = [];
const onBeforeConnect = (message: unknown): void => {
  const { connectParams } = message as { connectParams: { hostname: string; port: string } };
  connectAttempts.push(`${connectParams.hostname}:${connectParams.port}`);
};

let target: LoopbackServer; // 127.0.0.1, answers "hello"
let target6: LoopbackServer; // ::1, answers "hello"
let other: LoopbackServer; // a second origin, for redirects that leave the first
beforeAll(async () => {
  diagnosticsChannel.subscribe('undici:client:beforeConnect', onBeforeConnect);
  const hello: Handler = (_req, res) => res.end('hello');
  [target, target6, other] = await Promise.all([startServer(hello), startServer(hello, '::1'), startServer(hello)]);
});
afterAll(async () => {
  diagnosticsChannel.unsubscribe('undici:client:beforeConnect', onBeforeConnect);
  await Promise.all([target.close(), target6.close(), other.close()]);
});
beforeEach(() => {
  connectAttempts.length = 0;
  for (const server of [target, target6, other]) server.reset();
});

const noConnections = (): void => {
  expect(connectAttempts).toEqual([]);
  expect([target.connections(), target6.connections(), other.connections()]).toEqual([0, 0, 0]);
};

const guarded = (options: Partial<GuardedFetchOptions> = {}) => createGuardedFetch({ requireHttps: false, ...options });

// ---------------------------------------------------------------- tests

describe('guarded fetch: names resolving to refused addresses', () => {
  it('refuses a name that resolves to 127.0.0.1, at lookup, and the listening server never sees a connection', async () => {
    const dns = fakeDns({ 'evil.test': ['127.0.0.1'] });

    const error = await refusal(guarded({ lookup: dns.lookup })(`http://evil.test:${target.port}/`));

    expect(error).toMatchObject({ reason: 'address', addressKind: 'loopback', message: GENERIC_MESSAGE });
    expect(dns.asked).toEqual(['evil.test']); // refused at connect time, by the resolver the socket uses
    expect(target.connections()).toBe(0);
  });

  it('refuses an IPv6 answer that maps to IPv4 loopback', async () => {
    const dns = fakeDns({ 'mapped.test': ['::ffff:127.0.0.1'] });

    const error = await refusal(guarded({ lookup: dns.lookup })(`http://mapped.test:${target.port}/`));

    expect(error.addressKind).toBe('ipv4Mapped:loopback');
    expect(target.connections()).toBe(0);
  });

  it('reaches an allowlisted name, resolved by the injected lookup', async () => {
    const dns = fakeDns({ 'model.internal.test': ['127.0.0.1'] });
    const fetch = guarded({ lookup: dns.lookup, allowHosts: [`model.internal.test:${target.port}`] });

    const response = await fetch(`http://model.internal.test:${target.port}/ok`);

    expect(await response.text()).toBe('hello');
    expect(target.requests.map((r) => r.path)).toEqual(['/ok']);
  });
});

// The resolver check on its own, with no socket: a broken guard here would otherwise dial a public address.
describe('guard lookup', () => {
  const dns = fakeDns({ 'public.test': ['93.184.216.34', '2606:4700::1111'], 'mixed.test': ['93.184.216.34', '10.0.0.1'] });
  const lookupWith = (all: boolean, name = 'public.test') =>
    new Promise<unknown[]>((resolve) => {
      guardLookup(dns.lookup)(name, { all }, (err, address, family) => resolve([err, address, family]));
    });

  it('refuses a name when any one of its addresses is refused, even if another is public', async () => {
    const [error] = await lookupWith(false, 'mixed.test');

    expect(error).toBeInstanceOf(BlockedDestinationError);
    expect(error).toMatchObject({ reason: 'address', addressKind: 'private' });
  });

  it('passes every address through when all are public and all were asked for', async () => {
    expect(await lookupWith(true)).toEqual([null, [{ address: '93.184.216.34', family: 4 }, { address: '2606:4700::1111', family: 6 }], undefined]);
  });

  it('answers the first address when one was asked for', async () => {
    expect(await lookupWith(false)).toEqual([null, '93.184.216.34', 4]);
  });
});

describe('guarded fetch: literal addresses are refused without connecting', () => {
  const cases = (): Array<readonly [string, string]> => [
    [`http://127.0.0.1:${target.port}/`, 'loopback'],
    [`http://[::1]:${target6.port}/`, 'loopback'],
    [`http://[::ffff:127.0.0.1]:${target.port}/`, 'ipv4Mapped:loopback'],
    [`http://2130706433:${target.port}/`, 'loopback'],
    [`http://017700000001:${target.port}/`, 'loopback'],
    [`http://0x7f000001:${target.port}/`, 'loopback'],
    [`http://127.1:${target.port}/`, 'loopback'],
    [`http://0.0.0.0:${target.port}/`, 'unspecified'],
    [`http://[::]:${target6.port}/`, 'unspecified'],
    ['http://169.254.169.254/latest/meta-data/', 'linkLocal'],
    ['http://[fd00:ec2::254]/latest/meta-data/', 'uniqueLocal'],
    ['http://100.64.0.1/', 'carrierGradeNat'],
    ['http://10.0.0.1/', 'private'],
    ['http://[fe80::1]/', 'linkLocal'],
  ];

  it('refuses each form with the generic message, and no socket is started', async () => {
    const fetch = guarded();
    for (const [url, kind] of cases()) {
      const error = await refusal(fetch(url));
      expect({ url, reason: error.reason, kind: error.addressKind, message: error.message }).toEqual({ url, reason: 'address', kind, message: GENERIC_MESSAGE });
    }
    noConnections();
  });
});

describe('guarded fetch: redirects are checked hop by hop', () => {
  let redirector: LoopbackServer;
  const dns = fakeDns({ 'localhost.test': ['127.0.0.1'] });
  beforeAll(async () => {
    redirector = await startServer((req, res) => {
      if (req.path === '/loop') return void res.writeHead(302, { location: '/loop' }).end();
      const to = new URL(req.path, 'http://x').searchParams.get('to');
      if (to === null) res.end(`landed with ${req.method} ${req.body}`);
      else res.writeHead(Number(new URL(req.path, 'http://x').searchParams.get('status') ?? 302), { location: to }).end();
    });
  });
  afterAll(() => redirector.close());
  beforeEach(() => redirector.reset());

  const fetchVia = (options: Partial<GuardedFetchOptions> = {}) =>
    guarded({ lookup: dns.lookup, allowHosts: [redirector.hostPort], ...options });
  const hop = (to: string, status = 302): string => `${redirector.origin}/go?status=${status}&to=${encodeURIComponent(to)}`;

  it('refuses a redirect to http://10.0.0.1/ without connecting to it', async () => {
    const error = await refusal(fetchVia()(hop('http://10.0.0.1/')));

    expect(error).toMatchObject({ reason: 'address', addressKind: 'private', message: GENERIC_MESSAGE });
    expect(redirector.requests).toHaveLength(1);
    expect(connectAttempts.filter((attempt) => !attempt.endsWith(`:${redirector.port}`))).toEqual([]);
  });

  it('refuses a redirect to a loopback origin that is not allowlisted', async () => {
    const error = await refusal(fetchVia()(hop(`${other.origin}/`)));

    expect(error.addressKind).toBe('loopback');
    expect(other.connections()).toBe(0);
  });

  it('refuses a redirect to a name that resolves to loopback, at connect time', async () => {
    const error = await refusal(fetchVia()(hop(`http://localhost.test:${other.port}/`)));

    expect(error.addressKind).toBe('loopback');
    expect(dns.asked).toContain('localhost.test');
    expect(other.connections()).toBe(0);
  });

  it('refuses a redirect to another scheme, or to a URL with credentials', async () => {
    expect((await refusal(fetchVia()(hop('file:///etc/passwd')))).reason).toBe('scheme');
    expect((await refusal(fetchVia()(hop(`http://user:secret@${redirector.hostPort}/`)))).reason).toBe('credentials');
  });

  it('follows an allowlisted 302 to another path end to end', async () => {
    const response = await fetchVia()(hop('/final'));

    expect(response.status).toBe(200);
    expect(await response.text()).toBe('landed with GET ');
    expect(redirector.requests.map((r) => r.path)).toEqual([`/go?status=302&to=${encodeURIComponent('/final')}`, '/final']);
  });

  it('turns a POST into a GET without body on 303, and resends it on 307', async () => {
    const post = { method: 'POST', body: 'question', headers: { 'content-type': 'text/plain' } };

    expect(await (await fetchVia()(hop('/after-303', 303), post)).text()).toBe('landed with GET ');
    expect(redirector.requests[1]?.headers['content-type']).toBeUndefined();
    expect(await (await fetchVia()(hop('/after-307', 307), post)).text()).toBe('landed with POST question');
  });

  it('drops credentials when a redirect leaves the origin, and keeps them on the same origin', async () => {
    const fetch = fetchVia({ allowHosts: [redirector.hostPort, other.hostPort] });
    const headers = { authorization: 'Bearer sk-test-owner-key', 'x-api-key': 'sk-ant-owner-key', 'x-trace': 'kept' };

    await (await fetch(hop('/same-origin'), { headers })).text();
    await (await fetch(hop(`${other.origin}/elsewhere`), { headers })).text();

    expect(redirector.requests[1]?.headers).toMatchObject({ authorization: 'Bearer sk-test-owner-key', 'x-api-key': 'sk-ant-owner-key' });
    expect(other.requests[0]?.headers).toMatchObject({ 'x-trace': 'kept' });
    expect(other.requests[0]?.headers.authorization).toBeUndefined();
    expect(other.requests[0]?.headers['x-api-key']).toBeUndefined();
  });

  it('accepts a Request object, body included', async () => {
    const response = await fetchVia()(new Request(`${redirector.origin}/direct`, { method: 'PUT', body: 'from a Request' }));

    expect(await response.text()).toBe('landed with PUT from a Request');
  });

  it('stops after maxRedirects', async () => {
    const error = await refusal(fetchVia({ maxRedirects: 2 })(`${redirector.origin}/loop`));

    expect(error.reason).toBe('redirects');
    expect(redirector.requests).toHaveLength(3); // the first request and two redirects
  });

  it('hands the redirect back untouched when the caller asks for manual redirects', async () => {
    const response = await fetchVia()(hop('http://10.0.0.1/'), { redirect: 'manual' });

    expect(response.status).toBe(302);
    expect(response.headers.get('location')).toBe('http://10.0.0.1/');
  });
});

describe('guarded fetch: the local hint', () => {
  it('adds the hint to address refusals, literal or resolved, and to nothing else', async () => {
    const dns = fakeDns({ 'evil.test': ['127.0.0.1'] });
    const fetch = guarded({ lookup: dns.lookup, addressHint: LOCAL_ADDRESS_HINT });

    for (const url of [`${target.origin}/`, `http://evil.test:${target.port}/`, 'http://10.1.2.3/']) {
      const error = await refusal(fetch(url));
      expect({ url, message: error.message }).toEqual({ url, message: `${GENERIC_MESSAGE}. ${LOCAL_ADDRESS_HINT}` });
      expect(error.reason).toBe('address');
      expect(error.message).not.toMatch(/127\.0\.0\.1|10\.1\.2\.3|evil/);
    }
    expect((await refusal(fetch('ftp://example.com/'))).message).toBe('This address is not allowed: use an http(s) URL');
    expect(LOCAL_ADDRESS_HINT).toMatch(/PARLEY_EGRESS_ALLOW_HOSTS=localhost:8080 npm start/);
    expect(target.connections()).toBe(0);
  });

  it('says nothing more without one (AWS)', async () => {
    expect((await refusal(guarded()(`${target.origin}/`))).message).toBe(GENERIC_MESSAGE);
  });
});

describe('guarded fetch: schemes, credentials, https and time', () => {
  it('refuses plain http when https is required, allowlisted host or not, without connecting', async () => {
    const fetch = guarded({ requireHttps: true, allowHosts: [target.hostPort] });

    expect((await refusal(fetch(`${target.origin}/`))).reason).toBe('insecure');
    expect((await refusal(fetch('http://example.com/'))).reason).toBe('insecure');
    noConnections();
  });

  it('refuses other schemes and credentials in the URL', async () => {
    const fetch = guarded({ allowHosts: [target.hostPort] });

    for (const url of ['file:///etc/passwd', 'ftp://example.com/', 'data:text/plain,hi', 'gopher://example.com/']) {
      expect({ url, reason: (await refusal(fetch(url))).reason }).toEqual({ url, reason: 'scheme' });
    }
    expect((await refusal(fetch(`http://user:pass@${target.hostPort}/`))).reason).toBe('credentials');
    expect((await refusal(fetch('not a url'))).reason).toBe('invalid-url');
    noConnections();
  });

  it('gives up after timeoutMs', async () => {
    const silent = await startServer(() => undefined); // never answers
    try {
      const started = Date.now();
      const error = await guarded({ allowHosts: [silent.hostPort], timeoutMs: 150 })(`${silent.origin}/`).then(() => undefined, (reason: unknown) => reason);

      expect(error).toMatchObject({ name: 'TimeoutError' });
      // Its own 150 ms and not the 30 s default, however busy the machine: a bound on which timeout fired, not on speed.
      const waited = Date.now() - started;
      expect(waited).toBeGreaterThanOrEqual(140);
      expect(waited).toBeLessThan(10_000);
    } finally {
      await silent.close();
    }
  });

  it('rejects a malformed allowlist entry when built', () => {
    expect(() => guarded({ allowHosts: ['http://example.com/path'] })).toThrow(/allowHosts/);
  });
});

describe('guarded fetch: driven by the real provider SDKs', () => {
  let provider: LoopbackServer;
  beforeAll(async () => {
    provider = await startServer((req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      const anthropicModel = { id: 'claude-on-prem', type: 'model', display_name: 'On-prem', created_at: '2025-01-01T00:00:00Z' };
      res.end(JSON.stringify(req.headers['anthropic-version'] === undefined
        ? { object: 'list', data: [{ id: 'self-hosted-llm', object: 'model', created: 0, owned_by: 'owner' }] }
        : { data: [anthropicModel], has_more: false, first_id: anthropicModel.id, last_id: anthropicModel.id }));
    });
  });
  afterAll(() => provider.close());
  beforeEach(() => provider.reset());

  const openai = (baseURL: string, options: Partial<GuardedFetchOptions> = {}): OpenAI =>
    new OpenAI({ apiKey: 'sk-test', baseURL, fetch: guarded(options), maxRetries: 0 });

  it('is refused for a blocked base URL, and the server never sees a connection', async () => {
    const error = await openai(`${provider.origin}/v1`).models.list().then(() => undefined, (reason: unknown) => reason);

    expect(error).toBeInstanceOf(OpenAI.APIConnectionError);
    expect((error as Error).cause).toBeInstanceOf(BlockedDestinationError);
    expect(provider.connections()).toBe(0);
  });

  it('is refused for a base URL whose name resolves to loopback', async () => {
    const dns = fakeDns({ 'llm.evil.test': ['127.0.0.1'] });

    const error = await openai(`http://llm.evil.test:${provider.port}/v1`, { lookup: dns.lookup }).models.list().then(() => undefined, (reason: unknown) => reason);

    expect((error as Error).cause).toMatchObject({ reason: 'address', addressKind: 'loopback' });
    expect(provider.connections()).toBe(0);
  });

  it('works through an allowlisted loopback server', async () => {
    const page = await openai(`${provider.origin}/v1`, { allowHosts: [provider.hostPort] }).models.list();

    expect(page.data.map((model) => model.id)).toEqual(['self-hosted-llm']);
    expect(provider.requests).toMatchObject([{ method: 'GET', path: '/v1/models', headers: { authorization: 'Bearer sk-test' } }]);
  });

  it('serves the anthropic SDK too: refused when blocked, working when allowlisted', async () => {
    const anthropic = (options: Partial<GuardedFetchOptions> = {}): Anthropic =>
      new Anthropic({ apiKey: 'sk-ant-test', baseURL: provider.origin, fetch: guarded(options), maxRetries: 0 });

    const error = await anthropic().models.list().then(() => undefined, (reason: unknown) => reason);
    expect((error as Error).cause).toBeInstanceOf(BlockedDestinationError);
    expect(provider.connections()).toBe(0);

    const page = await anthropic({ allowHosts: [provider.hostPort] }).models.list();
    expect(page.data.map((model) => model.id)).toEqual(['claude-on-prem']);
    expect(provider.requests).toMatchObject([{ path: '/v1/models', headers: { 'anthropic-version': expect.any(String) as string } }]);
  });
});

describe('guarded fetch: what the error tells the owner', () => {
  it('never contains the resolved address, the host name or anything upstream', async () => {
    const dns = fakeDns({ 'internal.evil.test': ['127.8.9.10'] }); // loopback, so even a broken guard dials nothing outside

    const error = await refusal(guarded({ lookup: dns.lookup })('http://internal.evil.test/secret'));

    expect(error.message).toBe(GENERIC_MESSAGE);
    for (const text of [error.message, String(error), inspect(error, { depth: 5 }), JSON.stringify(error)]) {
      expect(text).not.toContain('127.8.9.10');
      expect(text).not.toContain('internal.evil.test');
    }
    expect(error).toMatchObject({ code: 'invalid_request', status: 400, details: undefined });
  });
});

afterEach(() => {
  // Safety net: no test may start a socket to anything but loopback (fake `.test` names are refused before connecting).
  const hosts = connectAttempts.map((attempt) => attempt.slice(0, attempt.lastIndexOf(':')));
  expect(hosts.filter((host) => host !== '127.0.0.1' && host !== '::1' && !host.endsWith('.test'))).toEqual([]);
});
