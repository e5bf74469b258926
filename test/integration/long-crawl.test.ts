// Long crawls in parts. 200 pages at a 5 s crawl delay (the most pages a website
// source keeps, at the longest Crawl-delay the crawler honours) is 1,000 s of
// pauses alone, over three times the ingest function's 5-minute timeout. Here time
// runs 62.5 times faster (SCALE): the function's timeout is 4.8 s and the delay 80 ms,
// so the same crawl must run in parts, each queuing the next, and still finish.
// Then the work is killed half-way, and a document ends finished or failed, never
// stuck in "processing".
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { INGEST_MAX_RECEIVE_COUNT, INGEST_TIMEOUT_SECONDS, MAX_CRAWL_PAGES, PROCESSING_DEADLINE_MINUTES } from '../../lambdas/core/limits.ts';
import type { CrawlStep } from '../../lambdas/core/ports.ts';
import { PROCESSING_STOPPED } from '../../lambdas/core/processing-deadline.ts';
import { tenantForSystem } from '../../lambdas/core/tenancy.ts';
import { newOwner, usePlatform, type Owner } from './fixtures/platform.ts';

/** Real time over test time. */
const SCALE = 62.5;
const TIMEOUT_MS = (INGEST_TIMEOUT_SECONDS * 1000) / SCALE;
const DELAY_MS = 5_000 / SCALE;
/** A whole crawl here takes 200 x DELAY_MS and then some; every attempt killed takes 5 timeouts. */
const LONG_TEST_MS = 180_000;

interface WebsiteDoc { docId: string; status: string; error?: string; pageCount?: number; crawl?: { fetched: number; queued: number; skipped: number }; crawlStep?: string }

let server: http.Server;
let origin = '';
const requests: Array<{ path: string; at: number }> = [];
/** Paths whose next request is held (the function working on it is "killed"), and the held sockets. */
const holdNext = new Set<string>();
const held: Socket[] = [];

const page = (n: number) => n === 0
  ? `<!doctype html><html><head><title>Home</title></head><body><h1>Home</h1><p>The index of all pages.</p>${
    Array.from({ length: MAX_CRAWL_PAGES - 1 }, (_, i) => `<a href="/p/${i + 1}">Page ${i + 1}</a>`).join(' ')}</body></html>`
  : `<!doctype html><html><head><title>Page ${n}</title></head><body><h1>Page ${n}</h1><p>Shelf ${n} holds volume number ${n * 7}.</p></body></html>`;

beforeAll(async () => {
  server = http.createServer((req, res) => {
    const path = req.url ?? '';
    requests.push({ path, at: performance.now() });
    if (holdNext.delete(path) || path.startsWith('/stuck')) {
      held.push(req.socket);
      return;
    }
    if (path === '/robots.txt') return res.writeHead(200, { 'content-type': 'text/plain' }).end('User-agent: *\nAllow: /\n');
    const n = path === '/' ? 0 : /^\/p\/(\d+)$/.exec(path)?.[1];
    if (n === undefined) return res.writeHead(404).end();
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(page(Number(n)));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  for (const socket of held) socket.destroy();
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

describe('a long crawl', () => {
  const platform = usePlatform({
    env: () => ({ PARLEY_EGRESS_ALLOW_HOSTS: new URL(origin).host, PARLEY_CRAWL_DELAY_MS: String(DELAY_MS) }),
    ingest: { timeoutMs: TIMEOUT_MS, retryDelayMs: 100 },
  });

  const addSite = async (owner: Owner, url: string) => {
    const res = await owner.request<{ document: WebsiteDoc }>('POST', `/v1/bots/${owner.botId}/sources`, { kind: 'website', url, maxPages: MAX_CRAWL_PAGES });
    expect(res.status).toBe(201);
    return res.body.document;
  };
  const documentOf = async (owner: Owner, docId: string) =>
    (await owner.request<{ document: WebsiteDoc }>('GET', `/v1/bots/${owner.botId}/documents/${docId}`)).body.document;
  /** The crawl parts queued as follow-ups (part 1 and later). */
  const followUps = () => {
    const spy = vi.spyOn(platform().deps.ingestTrigger, 'requestCrawl');
    return { spy, steps: () => spy.mock.calls.map((call) => call[3]).filter((step: CrawlStep) => step.part > 0) };
  };

  it(`of ${MAX_CRAWL_PAGES} pages at a 5 s delay (1/${SCALE} time) finishes in parts, each within the function's timeout`, async () => {
    const owner = await newOwner(platform());
    const { spy, steps } = followUps();
    requests.length = 0;
    const started = performance.now();
    const added = await addSite(owner, `${origin}/`);
    await platform().ingest.idle();
    const took = performance.now() - started;
    const parts = steps();
    spy.mockRestore();

    const doc = await documentOf(owner, added.docId);
    expect(doc).toMatchObject({ status: 'ready', pageCount: MAX_CRAWL_PAGES, crawl: { fetched: MAX_CRAWL_PAGES, queued: 0, skipped: 0 } });
    // More than one function's worth of pauses: it could only finish in parts.
    expect(MAX_CRAWL_PAGES * DELAY_MS).toBeGreaterThan(TIMEOUT_MS);
    expect(parts.length).toBeGreaterThanOrEqual(Math.floor((MAX_CRAWL_PAGES * DELAY_MS) / TIMEOUT_MS));
    expect(parts.map((s) => s.part)).toEqual(parts.map((_, i) => i + 1));
    expect(platform().ingest.deadLetters).toEqual([]);
    // Polite across parts: robots.txt once, every request at least the delay after the one before.
    const paths = requests.map((r) => r.path);
    expect(paths.filter((p) => p === '/robots.txt')).toHaveLength(1);
    expect(new Set(paths).size).toBe(paths.length);
    const gaps = requests.slice(1).map((r, i) => r.at - requests[i]!.at);
    expect(Math.min(...gaps)).toBeGreaterThanOrEqual(DELAY_MS - 1);
    const chunks = await platform().deps.chunks.listForBot(tenantForSystem(owner.accountId), owner.botId);
    expect(new Set(chunks.map((c) => c.url)).size).toBe(MAX_CRAWL_PAGES);
    // Nothing of the crawl's saved state is left once it is done.
    expect(await platform().deps.objects.get(tenantForSystem(owner.accountId), `bots/${owner.botId}/docs/${doc.docId}/crawl/${doc.crawlStep!.split(':')[0]}/1.bin`, 1 << 20)).toBeNull();
    console.info(`long crawl: ${MAX_CRAWL_PAGES} pages x ${DELAY_MS} ms in ${parts.length + 1} parts of at most ${TIMEOUT_MS} ms, ${Math.round(took)} ms in all`);

    // A repeated or stale part (SQS delivers at least once) changes nothing and fetches nothing.
    const before = requests.length;
    platform().ingest.sendBody(JSON.stringify({ parley: 'crawl', accountId: owner.accountId, botId: owner.botId, docId: doc.docId, ...parts[0] }));
    await platform().ingest.idle();
    expect(requests.length).toBe(before);
    expect(await documentOf(owner, doc.docId)).toEqual(doc);
  }, LONG_TEST_MS);

  it('goes on from its saved state when a part is killed half-way, and finishes', async () => {
    const owner = await newOwner(platform());
    requests.length = 0;
    // The function working on page 60 never hears back: Lambda stops it at its timeout.
    holdNext.add('/p/60');
    const added = await addSite(owner, `${origin}/`);
    await platform().ingest.idle();
    expect(held.length).toBeGreaterThan(0);
    const doc = await documentOf(owner, added.docId);
    expect(doc).toMatchObject({ status: 'ready', pageCount: MAX_CRAWL_PAGES });
    // The part was done again from the state saved before it: page 60 asked for twice, robots.txt once.
    const paths = requests.map((r) => r.path);
    expect(paths.filter((p) => p === '/p/60')).toHaveLength(2);
    expect(paths.filter((p) => p === '/robots.txt')).toHaveLength(1);
    // The killed part, were it to wake up, is stale: its socket closes and nothing changes.
    held.splice(0).forEach((socket) => socket.destroy());
    await new Promise((resolve) => setTimeout(resolve, TIMEOUT_MS));
    expect(await documentOf(owner, added.docId)).toMatchObject({ status: 'ready', pageCount: MAX_CRAWL_PAGES, crawlStep: doc.crawlStep });
  }, LONG_TEST_MS);

  // Locally a "killed" invocation lives on, waiting on its request, until the guarded fetch
  // gives up after 30 s; the five attempts here (5 x 4.8 s) end before any of them wakes.
  it('is failed at the processing deadline when every attempt is killed', async () => {
    const owner = await newOwner(platform());
    requests.length = 0;
    const added = await addSite(owner, `${origin}/stuck/`);
    await platform().ingest.idle();
    // Every delivery ran out of time without a word (no failure could be recorded): the
    // message is dead-lettered, and the document still says processing.
    expect(requests.filter((r) => r.path === '/stuck/')).toHaveLength(INGEST_MAX_RECEIVE_COUNT);
    expect(platform().ingest.deadLetters.length).toBeGreaterThan(0);
    const stuck = await documentOf(owner, added.docId);
    expect(stuck.status).toBe('processing');

    const later = new Date(Date.now() + PROCESSING_DEADLINE_MINUTES * 60_000);
    const clock = vi.spyOn(platform().deps.clock, 'now').mockReturnValue(later);
    try {
      expect(await documentOf(owner, added.docId)).toMatchObject({ status: 'failed', error: PROCESSING_STOPPED });
    } finally {
      clock.mockRestore();
    }
  }, LONG_TEST_MS);

  it('cannot be read by another account, even while it runs', async () => {
    const owner = await newOwner(platform());
    const other = await newOwner(platform());
    const added = await addSite(owner, `${origin}/p/1`);
    expect((await other.request('GET', `/v1/bots/${owner.botId}/documents/${added.docId}`)).status).toBe(404);
    await platform().ingest.idle();
    expect((await other.request('GET', `/v1/bots/${owner.botId}/documents/${added.docId}`)).status).toBe(404);
  });
});
