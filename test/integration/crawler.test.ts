// The website crawler against a small site on a loopback server, through the
// real guarded fetch. The fetch is wrapped to record every URL the crawler
// asks for, so "never contacted the off-site host" means it never even tried.
import http from 'node:http';
import { gzipSync } from 'node:zlib';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createGuardedFetch } from '../../lambdas/adapters/net/guarded-fetch.ts';
import type { GuardedFetch } from '../../lambdas/adapters/net/guarded-fetch.ts';
import { crawlSite, SKIP, USER_AGENT } from '../../lambdas/adapters/web/crawler.ts';
import type { CrawlProgress } from '../../lambdas/adapters/web/crawler.ts';

const page = (title: string, body: string, head = ''): string =>
  `<!doctype html><html><head><title>${title}</title>${head}</head><body>${body}</body></html>`;

let server: http.Server;
let origin = '';
let hostPort = '';
let robotsStatus = 200;
let robotsText = '';
const served: Array<{ path: string; userAgent: string | undefined }> = [];

function site(path: string, res: http.ServerResponse): void {
  const html = (body: string) => {
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    res.end(body);
  };
  switch (path) {
    case '/robots.txt':
      res.writeHead(robotsStatus, { 'content-type': 'text/plain' });
      res.end(robotsStatus === 200 ? robotsText : 'unavailable');
      return;
    case '/sitemap.xml':
      res.writeHead(200, { 'content-type': 'application/xml' });
      res.end(`<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
        <url><loc>${origin}/</loc></url><url><loc>${origin}/about</loc></url>
        <url><loc>${origin}/private/secret</loc></url><url><loc>${origin}/orphan</loc></url>
        <url><loc>http://other.test/from-sitemap</loc></url></urlset>`);
      return;
    case '/index.xml':
      res.writeHead(200, { 'content-type': 'application/xml' });
      res.end(`<sitemapindex><sitemap><loc>${origin}/sitemap.xml</loc></sitemap><sitemap><loc>http://other.test/s.xml</loc></sitemap></sitemapindex>`);
      return;
    case '/':
      html(page('Home', `<a href="/about">About</a> <a href="docs?utm_source=mail&amp;v=1#top">Docs</a>
        <a href="http://other.test/">Elsewhere</a> <a href="/file.bin">Binary</a> <a href="/big">Big</a>
        <a href="/hidden">Hidden</a> <a href="/go-away">Away</a> <a href="/private/secret">Secret</a>
        <a href="/moved">Moved</a> <a href="mailto:someone@example.test">Mail</a>`));
      return;
    case '/about':
      html(page('About us', '<a href="/">Home</a> <a href="/docs?v=1&utm_medium=x">Docs</a>'));
      return;
    case '/docs?v=1':
      html(page('Docs', '<a href="/nofollow-page">More</a>', `<link rel="canonical" href="${origin}/docs?v=1">`));
      return;
    case '/nofollow-page':
      html(page('Not followed', '<a href="/never-followed">Never</a>', '<meta name="robots" content="nofollow">'));
      return;
    case '/never-followed':
      html(page('Never', ''));
      return;
    case '/sitemap-pages.xml.gz':
      res.writeHead(200, { 'content-type': 'application/gzip' });
      res.end(gzipSync(`<urlset><url><loc>${origin}/latin1</loc></url></urlset>`));
      return;
    case '/latin1':
      res.writeHead(200, { 'content-type': 'text/html; charset=ISO-8859-1' });
      res.end(Buffer.from(page('Café crème', '<p>Crème brûlée à volonté.</p>'), 'latin1'));
      return;
    case '/orphan':
      html(page('Only in the sitemap', ''));
      return;
    case '/moved-here':
      html(page('Moved here', ''));
      return;
    case '/hidden':
      html(page('Hidden', '<a href="/from-hidden">Followed</a>', '<meta name="ROBOTS" content="noindex, follow">'));
      return;
    case '/from-hidden':
      html(page('Linked from a noindex page', ''));
      return;
    case '/file.bin':
      res.writeHead(200, { 'content-type': 'application/octet-stream' });
      res.end(Buffer.alloc(100));
      return;
    case '/big':
      // No content-length: the limit must be enforced while streaming.
      res.writeHead(200, { 'content-type': 'text/html' });
      res.write(`<html><body>${'x'.repeat(3000)}`);
      res.end(`${'y'.repeat(3000)}</body></html>`);
      return;
    case '/go-away':
      res.writeHead(302, { location: 'http://other.test/landing' });
      res.end();
      return;
    case '/moved':
      res.writeHead(301, { location: '/moved-here?utm_campaign=z' });
      res.end();
      return;
    default:
      res.writeHead(404, { 'content-type': 'text/html' });
      res.end('not found');
  }
}

beforeAll(async () => {
  server = http.createServer((req, res) => {
    served.push({ path: req.url ?? '', userAgent: req.headers['user-agent'] });
    site(req.url ?? '', res);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  hostPort = `127.0.0.1:${port}`;
  origin = `http://${hostPort}`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

beforeEach(() => {
  served.length = 0;
  robotsStatus = 200;
  robotsText = `User-agent: *\nDisallow: /private\nCrawl-delay: 1\nSitemap: ${origin}/sitemap.xml\n`;
});

function harness(): { fetch: GuardedFetch; requested: string[]; sleeps: number[]; sleep: (ms: number) => Promise<void> } {
  const guarded = createGuardedFetch({ allowHosts: [hostPort], requireHttps: false });
  const requested: string[] = [];
  const sleeps: number[] = [];
  return {
    requested,
    sleeps,
    sleep: (ms) => {
      sleeps.push(ms);
      return Promise.resolve();
    },
    fetch: (input, init) => {
      requested.push(String(input instanceof Request ? input.url : input));
      return guarded(input, init);
    },
  };
}

const paths = (urls: readonly string[]): string[] => urls.map((url) => url.slice(origin.length));

describe('crawlSite', () => {
  it('reads gzipped sitemaps and pages in their declared character set', async () => {
    robotsText = '';
    const h = harness();
    const result = await crawlSite({ start: `${origin}/sitemap-pages.xml.gz`, fetch: h.fetch, sleep: h.sleep });
    expect(result.pages.map((p) => p.url)).toEqual([`${origin}/latin1`]);
    expect(result.pages[0]!.title).toBe('Café crème');
    expect(result.pages[0]!.html).toContain('Crème brûlée à volonté.');
  });

  it('keeps exactly the allowed same-site HTML pages and says why the others were skipped', async () => {
    const h = harness();
    const progress: CrawlProgress[] = [];
    const result = await crawlSite({
      start: `${origin}/`,
      fetch: h.fetch,
      sleep: h.sleep,
      delayMs: 100,
      maxPageBytes: 4000,
      onProgress: (p) => progress.push(p),
    });

    expect(result.pages.map((p) => [p.url.slice(origin.length), p.title])).toEqual([
      ['/', 'Home'],
      ['/about', 'About us'],
      ['/orphan', 'Only in the sitemap'],
      ['/docs?v=1', 'Docs'],
      ['/moved-here', 'Moved here'],
      ['/nofollow-page', 'Not followed'],
      ['/from-hidden', 'Linked from a noindex page'],
    ]);
    expect(result.pages[0]?.html).toContain('<title>Home</title>');
    expect(result.skipped.map((s) => [s.url.slice(origin.length), s.reason]).sort()).toEqual([
      ['/big', SKIP.tooLarge],
      ['/file.bin', SKIP.notHtml],
      ['/go-away', SKIP.offSite],
      ['/hidden', SKIP.noindex],
      ['/private/secret', SKIP.robots],
    ]);

    // Never tried off-site, never fetched a disallowed or nofollow'd page, each page once.
    expect(h.requested.every((url) => url.startsWith(`${origin}/`))).toBe(true);
    expect(h.requested[0]).toBe(`${origin}/robots.txt`);
    expect(h.requested[1]).toBe(`${origin}/sitemap.xml`);
    expect(paths(h.requested)).not.toContain('/private/secret');
    expect(paths(h.requested)).not.toContain('/never-followed');
    expect(new Set(h.requested).size).toBe(h.requested.length);
    expect(served.map((s) => s.path)).toEqual(paths(h.requested));
    expect(served.every((s) => s.userAgent === USER_AGENT)).toBe(true);

    // One pause before every request but the first; Crawl-delay 1 s beats delayMs 100.
    expect(h.sleeps).toEqual(Array.from({ length: h.requested.length - 1 }, () => 1000));

    expect(progress.length).toBeGreaterThan(0);
    expect(progress.at(-1)).toEqual({ fetched: 11, queued: 0, skipped: 5 });
    expect(progress.map((p) => p.fetched)).toEqual([...progress.map((p) => p.fetched)].sort((a, b) => a - b));
  });

  it('uses delayMs when it is larger, and caps the Crawl-delay at 5 s', async () => {
    robotsText = 'User-agent: *\nCrawl-delay: 1\n';
    const slow = harness();
    await crawlSite({ start: `${origin}/about`, fetch: slow.fetch, sleep: slow.sleep, delayMs: 2000, maxPages: 1 });
    expect(new Set(slow.sleeps)).toEqual(new Set([2000]));

    robotsText = 'User-agent: ParleyBot\nCrawl-delay: 60\n';
    const capped = harness();
    await crawlSite({ start: `${origin}/about`, fetch: capped.fetch, sleep: capped.sleep, delayMs: 10, maxPages: 1 });
    expect(new Set(capped.sleeps)).toEqual(new Set([5000]));
  });

  it('stops at maxPages and records the URLs it did not get to', async () => {
    const h = harness();
    const result = await crawlSite({ start: `${origin}/`, fetch: h.fetch, sleep: h.sleep, maxPages: 2 });
    expect(paths(result.pages.map((p) => p.url))).toEqual(['/', '/about']);
    expect(result.skipped.find((s) => s.url === `${origin}/orphan`)?.reason).toBe(SKIP.pageLimit);
    expect(paths(h.requested)).toEqual(['/robots.txt', '/sitemap.xml', '/', '/about']);
  });

  it('stops at maxTotalBytes', async () => {
    const h = harness();
    const result = await crawlSite({ start: `${origin}/`, fetch: h.fetch, sleep: h.sleep, maxTotalBytes: 1500 });
    const kept = result.pages.reduce((sum, p) => sum + Buffer.byteLength(p.html), 0);
    expect(result.pages.length).toBeGreaterThan(0);
    expect(kept).toBeLessThanOrEqual(1500);
    expect(result.pages.length).toBeLessThan(7);
    expect(result.skipped.some((s) => s.reason === SKIP.totalLimit)).toBe(true);
  });

  it('stops when robots.txt answers 5xx, and allows everything when it is missing', async () => {
    robotsStatus = 503;
    const broken = harness();
    const stopped = await crawlSite({ start: `${origin}/`, fetch: broken.fetch, sleep: broken.sleep });
    expect(stopped).toEqual({ pages: [], skipped: [{ url: `${origin}/`, reason: SKIP.robotsUnreadable }] });
    expect(paths(broken.requested)).toEqual(['/robots.txt']);

    robotsStatus = 404;
    const open = harness();
    const result = await crawlSite({ start: `${origin}/`, fetch: open.fetch, sleep: open.sleep });
    expect(paths(result.pages.map((p) => p.url))).toContain('/');
    expect(paths(open.requested)).toContain('/private/secret'); // no robots rules: fetched (and 404s)
    expect(result.skipped.find((s) => s.url === `${origin}/private/secret`)?.reason).toBe('the server answered 404');
  });

  it('takes a sitemap start URL (an index, one level deep) as the seed list', async () => {
    const h = harness();
    const result = await crawlSite({ start: `${origin}/index.xml`, fetch: h.fetch, sleep: h.sleep, maxPages: 3 });
    expect(paths(h.requested).slice(0, 3)).toEqual(['/robots.txt', '/index.xml', '/sitemap.xml']);
    expect(paths(result.pages.map((p) => p.url))).toEqual(['/', '/about', '/orphan']);
    expect(h.requested.every((url) => url.startsWith(`${origin}/`))).toBe(true);
  });

  /** A harness whose sleeps move a virtual clock instead of waiting. */
  const timed = () => {
    const h = harness();
    let t = 1_000_000;
    return { ...h, now: () => t, sleep: (ms: number) => { h.sleeps.push(ms); t += ms; return Promise.resolve(); } };
  };

  it('pauses before a request that would start past stopAt, and goes on from its saved state as if it never stopped', async () => {
    const whole = timed();
    const once = await crawlSite({ start: `${origin}/`, fetch: whole.fetch, sleep: whole.sleep, now: whole.now });

    const parted = timed();
    let parts = 0;
    let result = await crawlSite({ start: `${origin}/`, fetch: parted.fetch, sleep: parted.sleep, now: parted.now, stopAt: parted.now() + 3_500 });
    while (result.paused) {
      parts += 1;
      // What a part leaves must survive being stored as JSON.
      const resume = JSON.parse(JSON.stringify(result.paused)) as typeof result.paused;
      expect(resume.queue.length + resume.sitemaps.length).toBeGreaterThan(0);
      result = await crawlSite({ start: `${origin}/`, fetch: parted.fetch, sleep: parted.sleep, now: parted.now, resume, stopAt: parted.now() + 3_500 });
    }
    expect(parts).toBeGreaterThanOrEqual(3);
    expect(result.pages).toEqual(once.pages);
    expect(result.skipped).toEqual(once.skipped);
    // The same requests in the same order, robots.txt once, and the Crawl-delay kept between parts.
    expect(parted.requested).toEqual(whole.requested);
    expect(parted.sleeps).toEqual(whole.sleeps);
  });

  it('keeps what it has when the whole crawl reaches maxDurationMs, across parts', async () => {
    const h = timed();
    const first = await crawlSite({ start: `${origin}/`, fetch: h.fetch, sleep: h.sleep, now: h.now, stopAt: h.now() + 2_500, maxDurationMs: 4_500 });
    expect(first.paused).toBeDefined();
    const result = await crawlSite({ start: `${origin}/`, fetch: h.fetch, sleep: h.sleep, now: h.now, resume: first.paused, maxDurationMs: 4_500 });
    expect(result.paused).toBeUndefined();
    expect(result.pages.length).toBeGreaterThan(0);
    expect(result.pages.length).toBeLessThan(7);
    expect(result.skipped.some((s) => s.reason === SKIP.timeLimit)).toBe(true);
    expect(h.requested.length).toBeLessThanOrEqual(6); // robots.txt, the sitemap and pages, one a second for 4.5 s
  });

  it('refuses a start URL that is not http(s), and stops on abort', async () => {
    const h = harness();
    await expect(crawlSite({ start: 'ftp://example.test/', fetch: h.fetch })).rejects.toThrow(/http/);
    const controller = new AbortController();
    controller.abort(new Error('cancelled'));
    await expect(crawlSite({ start: `${origin}/`, fetch: h.fetch, sleep: h.sleep, signal: controller.signal })).rejects.toThrow('cancelled');
    expect(h.requested).toEqual([]);
  });
});
