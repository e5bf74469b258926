/**
 * Website sources: an owner gives a start page or a sitemap; the ingest function
 * crawls the site politely (the `SiteCrawler` port: robots.txt, same site only,
 * page and byte limits, every request through the egress guard), shows progress
 * on the document, and indexes every kept page as one document whose passages
 * cite their page's address. Re-ingesting the document crawls the site again.
 */
import { requireRole } from './accounts.ts';
import { getBot } from './bots.ts';
import { AppError } from './errors.ts';
import { newId } from './ids.ts';
import { failWith, indexParsed, type DocumentRef, type IngestOutcome } from './ingestion.ts';
import { DEFAULT_CRAWL_PAGES, MAX_CRAWL_PAGES } from './limits.ts';
import { checkRoomForDocument, objectNameFor } from './documents.ts';
import type { Block, CrawlProgress, DocumentRecord, ParsedDocument } from './model.ts';
import type { CrawledPage, Deps } from './ports.ts';
import { tenantForSystem, type TenantContext } from './tenancy.ts';
import { createHash } from 'node:crypto';
import { UnreadableDocument } from './errors.ts';

export interface WebsiteSourceInput {
  readonly url: string;
  readonly maxPages?: number | undefined;
}

/** Progress is written at most this often while a crawl runs. */
const PROGRESS_INTERVAL_MS = 1_000;

/** An http(s) address without credentials, as the crawl will request it. */
export const websiteAddress = (value: string): URL => {
  const url = URL.parse(value.trim());
  if (!url || (url.protocol !== 'http:' && url.protocol !== 'https:') || !url.hostname) {
    throw new AppError('invalid_request', `"${value}" is not a website address such as https://www.example.com/help`, { field: 'url' });
  }
  if (url.username || url.password) {
    throw new AppError('invalid_request', 'Remove the user name and password from the website address.', { field: 'url' });
  }
  url.hash = '';
  return url;
};

/** Adds a website source and queues its first crawl. */
export const addWebsiteSource = async (deps: Deps, tenant: TenantContext, botId: string, input: WebsiteSourceInput): Promise<DocumentRecord> => {
  requireRole(tenant, 'admin');
  await getBot(deps, tenant, botId);
  const url = websiteAddress(input.url);
  await checkRoomForDocument(deps, tenant, botId);
  const maxPages = input.maxPages ?? DEFAULT_CRAWL_PAGES;
  if (!Number.isInteger(maxPages) || maxPages < 1 || maxPages > MAX_CRAWL_PAGES) {
    throw new AppError('invalid_request', `A website source may keep between 1 and ${MAX_CRAWL_PAGES} pages.`, { field: 'maxPages' });
  }
  const now = deps.clock.now();
  const name = `${url.host}${url.pathname === '/' ? '' : url.pathname}`;
  const document: DocumentRecord = {
    docId: newId(now.getTime()),
    botId,
    name,
    contentType: 'text/html',
    source: 'website',
    site: { url: url.href, maxPages },
    crawl: { fetched: 0, queued: 0, skipped: 0 },
    size: 0,
    status: 'processing',
    processingSince: now.toISOString(),
    chunkCount: 0,
    objectName: objectNameFor(name),
    createdAt: now.toISOString(),
    updatedAt: now.toISOString(),
  };
  await deps.documents.create(tenant, document);
  await deps.ingestTrigger.requestCrawl(tenant, botId, document.docId);
  return document;
};

/** Crawled pages as one document: each page's blocks carry its address, under its title. */
export const combinePages = async (deps: Deps, title: string, pages: readonly CrawledPage[]): Promise<ParsedDocument> => {
  let text = '';
  const blocks: Block[] = [];
  for (const page of pages) {
    let parsed: ParsedDocument;
    try {
      parsed = await deps.parser.parse(new TextEncoder().encode(page.html), 'text/html', page.url);
    } catch (err) {
      if (err instanceof UnreadableDocument) continue;
      throw err;
    }
    if (parsed.blocks.length === 0) continue;
    if (text) text += '\n\n';
    const offset = text.length;
    text += parsed.text;
    const pageTitle = page.title ?? parsed.title;
    for (const b of parsed.blocks) {
      const headings = pageTitle && b.headings[0] !== pageTitle ? [pageTitle, ...b.headings] : b.headings;
      blocks.push({ text: b.text, start: b.start + offset, end: b.end + offset, headings, url: page.url, kind: b.kind });
    }
  }
  return { title, text, blocks };
};

const skippedSummary = (skipped: ReadonlyArray<{ url: string; reason: string }>): string =>
  skipped.length ? ` ${skipped[0]!.url}: ${skipped[0]!.reason}.` : '';

/** Crawls a website source (a queued crawl message) and indexes what it kept. */
export const crawlWebsiteSource = async (deps: Deps, ref: DocumentRef): Promise<IngestOutcome> => {
  const tenant = tenantForSystem(ref.accountId);
  const doc = await deps.documents.get(tenant, ref.botId, ref.docId);
  if (!doc?.site) return { outcome: 'ignored', reason: 'no such website source' };
  const fail = failWith(deps, tenant, doc);
  const zero: CrawlProgress = { fetched: 0, queued: 0, skipped: 0 };
  const started = deps.clock.now().toISOString();
  if (!(await deps.documents.update(tenant, doc.botId, doc.docId, { status: 'processing', processingSince: started, crawl: zero, updatedAt: started }))) {
    return { outcome: 'ignored', reason: 'document deleted' };
  }

  // Progress writes are chained and throttled, and drained before the final update.
  let writes = Promise.resolve();
  let lastWrite = 0;
  const onProgress = (progress: CrawlProgress) => {
    const now = Date.now();
    if (now - lastWrite < PROGRESS_INTERVAL_MS) return;
    lastWrite = now;
    writes = writes.then(async () => {
      await deps.documents.update(tenant, doc.botId, doc.docId, { crawl: progress });
    }).catch(() => undefined);
  };
  let result: Awaited<ReturnType<Deps['crawler']['crawl']>>;
  try {
    result = await deps.crawler.crawl(doc.site.url, { maxPages: doc.site.maxPages, onProgress });
  } catch (err) {
    await writes;
    if (err instanceof AppError && err.code === 'invalid_request') return fail(err.message);
    throw err;
  }
  await writes;
  const crawl: CrawlProgress = { fetched: result.pages.length, queued: 0, skipped: result.skipped.length };
  if (result.pages.length === 0) {
    await deps.documents.update(tenant, doc.botId, doc.docId, { crawl });
    return fail(`No pages could be read from ${doc.site.url}.${skippedSummary(result.skipped)}`);
  }
  const parsed = await combinePages(deps, doc.name, result.pages);
  const sha256 = createHash('sha256').update(parsed.text).digest('hex');
  return indexParsed(deps, tenant, doc, parsed, { sha256, fail, extra: { crawl, pageCount: result.pages.length } });
};
