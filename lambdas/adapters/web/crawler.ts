/**
 * Crawls one website for a website source: same scheme, host and port as the
 * start URL, robots.txt first, sitemap URLs and the start page as seeds, then
 * breadth-first over `<a href>` links. One request at a time with a pause
 * between requests, every one through the guarded fetch it is given (never
 * anything else: see `test/unit/egress-boundary.test.ts`). Redirects are
 * followed here, not by the fetch, so that an off-site target is never even
 * requested.
 */
import { gunzipSync } from 'node:zlib';
import { invalid } from '../../core/errors.ts';
import { blockedDestinationOf, type GuardedFetch } from '../net/guarded-fetch.ts';
import { scanMarkup } from '../parsers/markup.ts';
import { parseRobots } from './robots.ts';
import type { RobotsRules } from './robots.ts';

export const USER_AGENT = 'ParleyBot/1.0 (+https://parley.example/bot)';

export interface CrawlProgress {
  readonly fetched: number;
  readonly queued: number;
  readonly skipped: number;
}

export interface CrawlOptions {
  /** A page or a sitemap (`.xml`, `.xml.gz`) URL; http or https. */
  readonly start: string;
  readonly fetch: GuardedFetch;
  /** Pages kept. @default 50 */
  readonly maxPages?: number;
  /** Body bytes per response. @default 2 MB */
  readonly maxPageBytes?: number;
  /** Body bytes over the whole crawl, robots.txt and sitemaps included. @default 20 MB */
  readonly maxTotalBytes?: number;
  /** Pause between requests; a larger robots Crawl-delay wins, capped at 5 s. @default 500 */
  readonly delayMs?: number;
  readonly sleep?: (ms: number) => Promise<void>;
  readonly onProgress?: (progress: CrawlProgress) => void;
  readonly signal?: AbortSignal;
  /** Where an earlier part of this crawl stopped (its `paused` state). */
  readonly resume?: CrawlState | undefined;
  /** Epoch ms: no request begins at or after it; the crawl returns `paused` instead. */
  readonly stopAt?: number | undefined;
  /** Longest the whole crawl may take, across parts; then it keeps what it has. */
  readonly maxDurationMs?: number | undefined;
  /** The clock `stopAt` and `maxDurationMs` are read on. @default Date.now */
  readonly now?: () => number;
}

export interface CrawledPage {
  readonly url: string;
  readonly title?: string;
  readonly html: string;
}

export interface SkippedUrl {
  readonly url: string;
  readonly reason: string;
}

export interface CrawlResult {
  readonly pages: CrawledPage[];
  readonly skipped: SkippedUrl[];
  /** Set when the crawl stopped at `stopAt` before it finished: resume from it. */
  readonly paused?: CrawlState;
}

const MAX_REDIRECTS = 5;
const MAX_CRAWL_DELAY_MS = 5_000;
const MAX_SITEMAP_URLS = 10_000;
/** Sitemaps read per crawl (a sitemap index may name thousands). */
const MAX_SITEMAPS = 50;
/** Addresses a crawl keeps track of; links past it are not followed. */
const MAX_KNOWN_URLS = 20_000;

export const SKIP = {
  robots: 'disallowed by robots.txt',
  robotsUnreadable: "the site's robots.txt could not be read",
  offSite: 'redirects to another site',
  redirects: 'too many redirects',
  notHtml: 'not an HTML page',
  tooLarge: 'page is larger than the size limit',
  noindex: 'the page asks not to be indexed (noindex)',
  duplicate: 'same page as another address (canonical)',
  pageLimit: 'page limit reached',
  totalLimit: 'total size limit reached',
  timeLimit: 'time limit reached',
} as const;

const httpStatus = (status: number): string => `the server answered ${status}`;

/** The egress guard's own words when it refused the address. */
const blockedReason = (error: unknown): string | undefined => blockedDestinationOf(error)?.message;

class TooLarge extends Error {}

/** The charset a `Content-Type` names, else a `<meta charset>` in the first 2 KB, else UTF-8. */
export function decodeText(bytes: Uint8Array, contentType: string | null): string {
  const declared = /charset\s*=\s*["']?([\w.:-]+)/i.exec(contentType ?? '')?.[1]
    ?? /<meta[^>]+charset\s*=\s*["']?([\w.:-]+)/i.exec(Buffer.from(bytes.subarray(0, 2048)).toString('latin1'))?.[1];
  try {
    return new TextDecoder(declared ?? 'utf-8').decode(bytes);
  } catch {
    // An unknown label: UTF-8 with replacement characters is the web's default.
    return new TextDecoder('utf-8').decode(bytes);
  }
}

/**
 * Where a crawl stands between two parts: everything it needs to go on (robots.txt's
 * text, the sitemaps and pages still to fetch, what it has seen and kept) and what it
 * has so far. Plain JSON; tenant data (URLs, pages), to be stored sealed.
 */
export interface CrawlState {
  readonly version: 1;
  readonly start: string;
  /** When the crawl began (epoch ms): `maxDurationMs` counts from here, across parts. */
  readonly startedAt: number;
  /** robots.txt as read ('' when the site has none). */
  readonly robots: string;
  readonly pause: number;
  readonly sitemaps: Array<{ url: string; depth: number }>;
  readonly sitemapsRead: number;
  readonly queue: string[];
  readonly seen: string[];
  readonly kept: string[];
  readonly pages: CrawledPage[];
  readonly skipped: SkippedUrl[];
  readonly requests: number;
  readonly pageFetches: number;
  readonly totalBytes: number;
}

/**
 * Crawls the site at `start`, or goes on from `resume`. Stops early, returning its
 * state as `paused`, before a request that would begin at or after `stopAt`.
 * Throws `invalid_request` for a start URL that is not http(s), and the signal's
 * reason on abort.
 */
export async function crawlSite(options: CrawlOptions): Promise<CrawlResult> {
  const {
    fetch: guardedFetch,
    maxPages = 50,
    maxPageBytes = 2 * 1024 * 1024,
    maxTotalBytes = 20 * 1024 * 1024,
    delayMs = 500,
    sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)),
    now = Date.now,
    onProgress,
    signal,
    resume,
    stopAt,
    maxDurationMs,
  } = options;
  const start = normalise(resume?.start ?? options.start);
  if (!start) throw invalid('The website address must be an http(s) URL');
  const origin = new URL(start).origin;
  const sameSite = (url: string): boolean => URL.parse(url)?.origin === origin;

  const startedAt = resume?.startedAt ?? now();
  const pages: CrawledPage[] = [...(resume?.pages ?? [])];
  const skipped: SkippedUrl[] = [...(resume?.skipped ?? [])];
  const sitemaps: Array<{ url: string; depth: number }> = [...(resume?.sitemaps ?? [])];
  const queue: string[] = [...(resume?.queue ?? [])];
  const seen = new Set<string>(resume?.seen);
  const kept = new Set<string>(resume?.kept);
  let sitemapsRead = resume?.sitemapsRead ?? 0;
  let requests = resume?.requests ?? 0;
  let pageFetches = resume?.pageFetches ?? 0;
  let totalBytes = resume?.totalBytes ?? 0;
  let pause = resume?.pause ?? delayMs;
  let robotsText = resume?.robots ?? '';
  let stopReason: string | undefined;

  const enqueue = (url: string | undefined): void => {
    if (url === undefined || !sameSite(url) || seen.has(url) || seen.size >= MAX_KNOWN_URLS) return;
    seen.add(url);
    queue.push(url);
  };
  const skip = (url: string, reason: string): void => {
    skipped.push({ url, reason });
  };

  let robots: RobotsRules | undefined = resume ? parseRobots(robotsText) : undefined;

  /** One request, after the pause, following same-site redirects itself. */
  const get = async (url: string): Promise<{ response: Response; url: string } | { skip: string }> => {
    let current = url;
    for (let hop = 0; hop <= MAX_REDIRECTS; hop += 1) {
      signal?.throwIfAborted();
      if (requests > 0) await sleep(pause);
      signal?.throwIfAborted();
      requests += 1;
      const response = await guardedFetch(current, {
        redirect: 'manual',
        headers: { 'user-agent': USER_AGENT, accept: 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.5' },
        ...(signal ? { signal } : {}),
      });
      if (response.url && URL.parse(response.url)?.origin !== origin) {
        await response.body?.cancel();
        return { skip: SKIP.offSite };
      }
      const location = response.status >= 300 && response.status < 400 ? response.headers.get('location') : null;
      if (location === null) return { response, url: current };
      await response.body?.cancel();
      const next = normalise(location, current);
      if (!next || !sameSite(next)) return { skip: SKIP.offSite };
      if (robots && !robots.isAllowed(pathOf(next))) return { skip: SKIP.robots };
      current = next;
    }
    return { skip: SKIP.redirects };
  };

  /** The body's bytes, or TooLarge once it passes the per-response or total budget. */
  const readBytes = async (response: Response): Promise<Buffer> => {
    const declared = Number(response.headers.get('content-length'));
    if (Number.isFinite(declared) && declared > maxPageBytes) {
      await response.body?.cancel();
      throw new TooLarge(SKIP.tooLarge);
    }
    if (!response.body) return Buffer.alloc(0);
    const reader = (response.body as ReadableStream<Uint8Array>).getReader();
    const chunks: Uint8Array[] = [];
    let size = 0;
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      size += value.byteLength;
      if (size > maxPageBytes || totalBytes + size > maxTotalBytes) {
        await reader.cancel();
        throw new TooLarge(size > maxPageBytes ? SKIP.tooLarge : SKIP.totalLimit);
      }
      chunks.push(value);
    }
    totalBytes += size;
    return Buffer.concat(chunks);
  };

  /** The body as text, decoded with its declared or sniffed character set. */
  const readBody = async (response: Response): Promise<string> => decodeText(await readBytes(response), response.headers.get('content-type'));

  /** A sitemap, gunzipped when it is a `.gz` file, within the page size budget. */
  const readSitemap = async (response: Response, url: string): Promise<string> => {
    const bytes = await readBytes(response);
    const gzipped = bytes[0] === 0x1f && bytes[1] === 0x8b;
    if (!gzipped) return decodeText(bytes, response.headers.get('content-type'));
    if (!/\.gz$/i.test(new URL(url).pathname) && !/gzip/i.test(response.headers.get('content-type') ?? '')) return '';
    try {
      return gunzipSync(bytes, { maxOutputLength: maxPageBytes * 10 }).toString('utf8');
    } catch {
      return '';
    }
  };

  if (!resume) {
    // robots.txt first: 4xx allows everything, 5xx or no answer stops the crawl.
    try {
      const answer = await get(`${origin}/robots.txt`);
      if ('skip' in answer) robots = parseRobots('');
      else if (answer.response.status >= 500) stopReason = SKIP.robotsUnreadable;
      else if (answer.response.status >= 400) {
        await answer.response.body?.cancel();
        robots = parseRobots('');
      } else {
        robotsText = await readBody(answer.response);
        robots = parseRobots(robotsText);
      }
    } catch (error) {
      if (signal?.aborted) throw error;
      stopReason = blockedReason(error) ?? SKIP.robotsUnreadable;
    }
    if (!robots || stopReason) {
      skip(start, stopReason ?? SKIP.robotsUnreadable);
      return { pages, skipped };
    }
    if (robots.crawlDelaySeconds !== undefined) {
      pause = Math.max(delayMs, Math.min(robots.crawlDelaySeconds * 1000, MAX_CRAWL_DELAY_MS));
    }
    // Seeds: a sitemap start URL alone, else the start page and every sitemap we know of.
    if (/\.xml(\.gz)?$/i.test(new URL(start).pathname)) {
      sitemaps.push({ url: start, depth: 0 });
    } else {
      enqueue(start);
      const sitemapUrls = new Set([`${origin}/sitemap.xml`]);
      for (const entry of robots.sitemaps) {
        const url = normalise(entry, origin);
        if (url) sitemapUrls.add(url);
      }
      for (const url of sitemapUrls) sitemaps.push({ url, depth: 0 });
    }
  }
  const rules = robots!;

  /** Reads one sitemap: its pages join the queue, an index's sitemaps (one level deep) the sitemaps. */
  const readOneSitemap = async ({ url, depth }: { url: string; depth: number }): Promise<void> => {
    if (!sameSite(url) || !rules.isAllowed(pathOf(url)) || sitemapsRead >= MAX_SITEMAPS) return;
    sitemapsRead += 1;
    let text: string;
    try {
      const answer = await get(url);
      if ('skip' in answer) return;
      if (answer.response.status !== 200) {
        await answer.response.body?.cancel();
        return;
      }
      text = await readSitemap(answer.response, url);
    } catch (error) {
      if (signal?.aborted) throw error;
      return;
    }
    const { locs, isIndex } = parseSitemap(text);
    const children: Array<{ url: string; depth: number }> = [];
    for (const loc of locs.slice(0, MAX_SITEMAP_URLS)) {
      const target = normalise(loc, url);
      if (!target) continue;
      if (isIndex) {
        if (depth === 0) children.push({ url: target, depth: 1 });
      } else enqueue(target);
    }
    // An index's sitemaps are read next, in their order, before any other.
    sitemaps.unshift(...children);
  };

  /** Fetches one page of the queue: kept, or skipped with the reason. */
  const fetchOnePage = async (url: string): Promise<'go on' | 'stop'> => {
    if (!rules.isAllowed(pathOf(url))) {
      skip(url, SKIP.robots);
      return 'go on';
    }
    try {
      pageFetches += 1;
      const answer = await get(url);
      if ('skip' in answer) {
        skip(url, answer.skip);
        return 'go on';
      }
      const { response } = answer;
      if (answer.url !== url) seen.add(answer.url);
      if (response.status !== 200) {
        await response.body?.cancel();
        skip(url, httpStatus(response.status));
        return 'go on';
      }
      const type = (response.headers.get('content-type') ?? '').split(';')[0]!.trim().toLowerCase();
      if (type !== 'text/html' && type !== 'application/xhtml+xml') {
        await response.body?.cancel();
        skip(url, SKIP.notHtml);
        return 'go on';
      }
      const html = await readBody(response);
      const page = inspectHtml(html, answer.url);
      if (!page.nofollow) for (const link of page.links) enqueue(link);
      if (page.noindex) {
        skip(url, SKIP.noindex);
        return 'go on';
      }
      const canonical = page.canonical !== undefined && sameSite(page.canonical) ? page.canonical : answer.url;
      if (kept.has(canonical) || kept.has(answer.url)) {
        skip(url, SKIP.duplicate);
        return 'go on';
      }
      kept.add(canonical);
      kept.add(answer.url);
      seen.add(canonical);
      pages.push({ url: canonical, ...(page.title ? { title: page.title } : {}), html });
    } catch (error) {
      if (signal?.aborted) throw error;
      if (error instanceof TooLarge) {
        skip(url, error.message);
        if (error.message === SKIP.totalLimit) {
          stopReason = SKIP.totalLimit;
          return 'stop';
        }
      } else {
        skip(url, blockedReason(error) ?? 'the page could not be fetched');
      }
    }
    return 'go on';
  };

  const report = (): void => onProgress?.({ fetched: pageFetches, queued: queue.length, skipped: skipped.length });
  const state = (): CrawlState => ({
    version: 1, start, startedAt, robots: robotsText, pause, sitemaps, sitemapsRead, queue, seen: [...seen], kept: [...kept],
    pages, skipped, requests, pageFetches, totalBytes,
  });

  while (sitemaps.length || queue.length) {
    if (queue.length && pages.length >= maxPages) {
      stopReason = SKIP.pageLimit;
      break;
    }
    if (totalBytes >= maxTotalBytes) {
      stopReason = SKIP.totalLimit;
      break;
    }
    if (maxDurationMs !== undefined && now() - startedAt >= maxDurationMs) {
      stopReason = SKIP.timeLimit;
      break;
    }
    // The next request would start at or after the end of this part's time: go on in the next part.
    if (stopAt !== undefined && now() + pause >= stopAt) {
      report();
      return { pages, skipped, paused: state() };
    }
    if (sitemaps.length) {
      await readOneSitemap(sitemaps.shift()!);
      continue;
    }
    const outcome = await fetchOnePage(queue.shift()!);
    report();
    if (outcome === 'stop') break;
  }
  if (stopReason) for (const url of queue.splice(0)) skip(url, stopReason);
  report();
  return { pages, skipped };
}

/** Absolute http(s) URL without fragment or `utm_*` parameters, or undefined. */
export function normalise(href: string, base?: string): string | undefined {
  const url = URL.parse(href.trim(), base);
  if (!url || (url.protocol !== 'http:' && url.protocol !== 'https:')) return undefined;
  url.hash = '';
  for (const name of [...url.searchParams.keys()]) if (name.toLowerCase().startsWith('utm_')) url.searchParams.delete(name);
  if (url.search === '?') url.search = '';
  return url.href;
}

const pathOf = (url: string): string => {
  const parsed = new URL(url);
  return parsed.pathname + parsed.search;
};

interface HtmlFacts {
  readonly title: string | undefined;
  readonly links: string[];
  readonly canonical: string | undefined;
  readonly noindex: boolean;
  readonly nofollow: boolean;
}

/** Links, canonical URL, title and robots meta directives of a page. */
export function inspectHtml(html: string, pageUrl: string): HtmlFacts {
  const hrefs: string[] = [];
  let base = pageUrl;
  let canonicalHref: string | undefined;
  let noindex = false;
  let nofollow = false;
  let title = '';
  let inTitle = false;
  let titleDone = false;
  scanMarkup(html, 'html', {
    open(name, attributes) {
      if (name === 'a') {
        const href = attributes.get('href');
        const rel = (attributes.get('rel') ?? '').toLowerCase().split(/\s+/);
        if (href !== undefined && !rel.includes('nofollow')) hrefs.push(href);
      } else if (name === 'base') {
        const href = attributes.get('href');
        const resolved = href === undefined ? undefined : URL.parse(href, pageUrl);
        if (resolved) base = resolved.href;
      } else if (name === 'link') {
        const rel = (attributes.get('rel') ?? '').toLowerCase().split(/\s+/);
        if (rel.includes('canonical') && canonicalHref === undefined) canonicalHref = attributes.get('href');
      } else if (name === 'meta') {
        const metaName = (attributes.get('name') ?? '').toLowerCase();
        if (metaName === 'robots' || metaName === 'parleybot') {
          const directives = (attributes.get('content') ?? '').toLowerCase().split(/[\s,]+/);
          if (directives.includes('noindex') || directives.includes('none')) noindex = true;
          if (directives.includes('nofollow') || directives.includes('none')) nofollow = true;
        }
      } else if (name === 'title' && !titleDone) {
        inTitle = true;
      }
    },
    close(name) {
      if (name === 'title' && inTitle) {
        inTitle = false;
        titleDone = true;
      }
    },
    text(value) {
      if (inTitle) title += value;
    },
  });
  const links = hrefs.map((href) => normalise(href, base)).filter((url): url is string => url !== undefined);
  const canonical = canonicalHref === undefined ? undefined : normalise(canonicalHref, base);
  return { title: title.replace(/\s+/g, ' ').trim() || undefined, links, canonical, noindex, nofollow };
}

/** `<loc>` values of a urlset or a sitemapindex (`isIndex`), namespace prefixes ignored. */
export function parseSitemap(xml: string): { locs: string[]; isIndex: boolean } {
  const locs: string[] = [];
  let isIndex = false;
  let inLoc = false;
  let text = '';
  const local = (name: string): string => name.slice(name.indexOf(':') + 1).toLowerCase();
  scanMarkup(xml, 'xml', {
    open(name) {
      const tag = local(name);
      if (tag === 'sitemapindex') isIndex = true;
      if (tag === 'loc') {
        inLoc = true;
        text = '';
      }
    },
    close(name) {
      if (local(name) === 'loc' && inLoc) {
        inLoc = false;
        if (text.trim()) locs.push(text.trim());
      }
    },
    text(value) {
      if (inLoc) text += value;
    },
  });
  return { locs, isIndex };
}
