// Website sources end to end: the admin API queues a crawl, the ingest handler
// crawls a small site on loopback through the guarded fetch (allowlisted by the
// operator setting), progress shows on the document, passages cite their page,
// and re-ingest crawls again.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tenantForSystem } from '../../lambdas/core/tenancy.ts';
import { ask, newOwner, usePlatform, type Owner } from './fixtures/platform.ts';

interface WebsiteDoc {
  docId: string;
  status: string;
  error?: string;
  chunkCount: number;
  pageCount?: number;
  source: string;
  crawl?: { fetched: number; queued: number; skipped: number };
}

let server: http.Server;
let origin = '';
let openingHours = 'We are open from nine to five on weekdays.';
let slowMs = 0;
const requested: string[] = [];

const page = (title: string, body: string) =>
  `<!doctype html><html><head><title>${title}</title><script>var secret = "script text";</script></head>` +
  `<body><nav><a href="/">Home</a> <a href="/hours">Hours</a> <a href="/returns">Returns</a> <a href="/private">Private</a></nav>` +
  `<main>${body}</main></body></html>`;

beforeAll(async () => {
  server = http.createServer((req, res) => {
    requested.push(req.url ?? '');
    const html = (body: string) => {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
      res.end(body);
    };
    const answer = () => {
      switch (req.url) {
        case '/robots.txt':
          res.writeHead(200, { 'content-type': 'text/plain' });
          return res.end('User-agent: *\nDisallow: /private\n');
        case '/':
          return html(page('Corner Bakery', '<h1>Corner Bakery</h1><p>Sourdough baked every morning in our stone oven.</p>'));
        case '/hours':
          return html(page('Opening hours', `<h1>Opening hours</h1><p>${openingHours}</p>`));
        case '/returns':
          return html(page('Returns', '<h1>Returns</h1><p>Unopened cakes may be returned within two days for a refund.</p>'));
        case '/private':
          return html(page('Private', '<p>The staff door code is 4242.</p>'));
        default:
          res.writeHead(404).end();
      }
    };
    if (req.url === '/returns' && slowMs) setTimeout(answer, slowMs);
    else answer();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

describe('a website source', () => {
  const platform = usePlatform({ env: () => ({ PARLEY_EGRESS_ALLOW_HOSTS: new URL(origin).host, PARLEY_CRAWL_DELAY_MS: '0' }) });

  const addSite = async (owner: Owner, url: string, maxPages?: number) => {
    const res = await owner.request<{ document: WebsiteDoc }>('POST', `/v1/bots/${owner.botId}/sources`, { kind: 'website', url, ...(maxPages ? { maxPages } : {}) });
    expect(res.status).toBe(201);
    return res.body.document;
  };
  const documentOf = async (owner: Owner, docId: string) =>
    (await owner.request<{ document: WebsiteDoc }>('GET', `/v1/bots/${owner.botId}/documents/${docId}`)).body.document;

  it('is crawled politely, shows its progress, and its passages cite their page', async () => {
    const owner = await newOwner(platform());
    slowMs = 1_500;
    requested.length = 0;
    const added = await addSite(owner, `${origin}/`);
    expect(added).toMatchObject({ source: 'website', status: 'processing' });

    // While the slow page is being fetched, the pages so far show on the document.
    let seen: WebsiteDoc | undefined;
    for (let i = 0; i < 40 && !seen; i++) {
      await new Promise((r) => setTimeout(r, 100));
      const doc = await documentOf(owner, added.docId);
      if (doc.status === 'processing' && (doc.crawl?.fetched ?? 0) > 0) seen = doc;
    }
    slowMs = 0;
    expect(seen?.crawl?.fetched).toBeGreaterThan(0);
    await platform().ingest.idle();

    const doc = await documentOf(owner, added.docId);
    expect(doc).toMatchObject({ status: 'ready', pageCount: 3, crawl: { fetched: 3, queued: 0, skipped: 1 } });
    expect(requested[0]).toBe('/robots.txt');
    expect(requested).not.toContain('/private');

    const reply = await ask(platform(), owner.publicId, 'When can I return a cake for a refund?');
    expect(reply.sources[0]).toMatchObject({ url: `${origin}/returns`, document: new URL(origin).host, section: 'Returns' });
    expect(reply.answer).toContain('returned within two days');
    const chunks = await platform().deps.chunks.listForBot(tenantForSystem(owner.accountId), owner.botId);
    const all = chunks.map((c) => c.text).join('\n');
    expect(all).not.toContain('4242');
    expect(all).not.toContain('script text');
    expect(new Set(chunks.map((c) => c.url))).toEqual(new Set([`${origin}/`, `${origin}/hours`, `${origin}/returns`]));
  });

  it('is crawled again on demand, and only the new content answers', async () => {
    const owner = await newOwner(platform());
    const added = await addSite(owner, `${origin}/`);
    await platform().ingest.idle();
    expect((await ask(platform(), owner.publicId, 'What are your opening hours?')).answer).toContain('nine to five');

    openingHours = 'From December we open at seven in the morning, every day.';
    try {
      const again = await owner.request('POST', `/v1/bots/${owner.botId}/documents/${added.docId}/reingest`);
      expect(again.status).toBe(202);
      await platform().ingest.idle();
      expect((await documentOf(owner, added.docId)).status).toBe('ready');
      const reply = await ask(platform(), owner.publicId, 'What are your opening hours?');
      expect(reply.answer).toContain('seven in the morning');
      expect(reply.answer).not.toContain('nine to five');
    } finally {
      openingHours = 'We are open from nine to five on weekdays.';
    }
  });

  it('keeps at most the pages the owner allows', async () => {
    const owner = await newOwner(platform());
    const added = await addSite(owner, `${origin}/`, 1);
    await platform().ingest.idle();
    expect(await documentOf(owner, added.docId)).toMatchObject({ status: 'ready', pageCount: 1 });
  });

  it('fails with the reason when nothing can be read, and refuses what is not a website', async () => {
    const owner = await newOwner(platform());
    // A private address the operator did not allow: the guard refuses it before connecting.
    const blocked = await addSite(owner, 'http://10.1.2.3/');
    // A site that answers 404 everywhere but robots.txt.
    const missing = await addSite(owner, `${origin}/nowhere`);
    await platform().ingest.idle();
    const b = await documentOf(owner, blocked.docId);
    expect(b.status).toBe('failed');
    expect(b.error).toMatch(/No pages could be read from http:\/\/10\.1\.2\.3\/.*not allowed/);
    // Locally the refusal says how to try a site without the internet.
    expect(b.error).toContain('PARLEY_EGRESS_ALLOW_HOSTS=localhost:8080 npm start');
    expect((await documentOf(owner, missing.docId)).error).toMatch(/answered 404/);

    for (const body of [
      { kind: 'website', url: 'ftp://example.com/' },
      { kind: 'website', url: 'https://user:pass@example.com/' },
      { kind: 'website', url: 'not a url' },
      { kind: 'website', url: 'https://example.com/', maxPages: 0 },
      { kind: 'website', url: 'https://example.com/', maxPages: 5_000 },
      { kind: 'website' },
    ]) {
      const res = await owner.request<{ error: { message: string } }>('POST', `/v1/bots/${owner.botId}/sources`, body);
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(res.body.error.message).toBeTruthy();
    }
  });

  it("cannot be added to another account's bot", async () => {
    const owner = await newOwner(platform());
    const other = await newOwner(platform());
    const res = await other.request('POST', `/v1/bots/${owner.botId}/sources`, { kind: 'website', url: `${origin}/` });
    expect(res.status).toBe(404);
  });
});
