/**
 * Website sources: an owner gives a start page or a sitemap; the ingest function
 * crawls the site politely (the `SiteCrawler` port: robots.txt, same site only,
 * page and byte limits, every request through the egress guard), shows progress
 * on the document, and indexes every kept page as one document whose passages
 * cite their page's address. Re-ingesting the document crawls the site again.
 *
 * A crawl outlives one function invocation (200 pages at a 5 s crawl delay is
 * 17 minutes): it runs in parts within the invocation's time, each part queuing
 * the next, until it is done or reaches `MAX_CRAWL_MINUTES`.
 */
import { requireRole } from './roles.ts';
import { audited, documentAuditDetail, type AuditSource } from './audit.ts';
import { getBot } from './bot-lookup.ts';
import { AppError } from './errors.ts';
import { newId } from './ids.ts';
import { failWith, indexParsed, type DocumentRef, type IngestOutcome } from './ingestion.ts';
import { DEFAULT_CRAWL_PAGES, MAX_CRAWL_MINUTES, MAX_CRAWL_PAGES } from './limits.ts';
import { crawlStepKey, firstCrawlStep } from './crawl-steps.ts';
import { objectNameFor } from './document-paths.ts';
import { checkRoomForDocument } from './documents.ts';
import type { Block, CrawlProgress, DocumentRecord, ParsedDocument } from './records.ts';
import type { CrawledPage, CrawlStep, Deps } from './ports.ts';
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

/** Adds a website source and queues its first crawl; recorded in the audit log. */
export const addWebsiteSource = (deps: Pick<Deps, 'audit' | 'bots' | 'clock' | 'documents' | 'index' | 'ingestTrigger'>, tenant: TenantContext, botId: string, input: WebsiteSourceInput, source: AuditSource): Promise<DocumentRecord> =>
  audited(deps, tenant, source, 'document.source', { target: botId }, () => storeWebsiteSource(deps, tenant, botId, input),
    (document) => ({ detail: documentAuditDetail(document) }));

const storeWebsiteSource = async (deps: Pick<Deps, 'bots' | 'clock' | 'documents' | 'index' | 'ingestTrigger'>, tenant: TenantContext, botId: string, input: WebsiteSourceInput): Promise<DocumentRecord> => {
  requireRole(tenant, 'admin');
  await getBot(deps, tenant, botId);
  const url = websiteAddress(input.url);
  await checkRoomForDocument(deps, tenant, botId);
  const maxPages = input.maxPages ?? DEFAULT_CRAWL_PAGES;
  if (!Number.isInteger(maxPages) || maxPages < 1 || maxPages > MAX_CRAWL_PAGES) {
    throw new AppError('invalid_request', `A website source may keep between 1 and ${MAX_CRAWL_PAGES} pages.`, { field: 'maxPages' });
  }
  const now = deps.clock.now();
  const step = firstCrawlStep(now);
  const name = `${url.host}${url.pathname === '/' ? '' : url.pathname}`;
  const document: DocumentRecord = {
    docId: newId(now.getTime()),
    botId,
    name,
    contentType: 'text/html',
    source: 'website',
    site: { url: url.href, maxPages },
    crawl: { fetched: 0, queued: 0, skipped: 0 },
    crawlStep: crawlStepKey(step),
    size: 0,
    status: 'processing',
    processingSince: now.toISOString(),
    chunkCount: 0,
    objectName: objectNameFor(name),
    createdAt: now.toISOString(),
    updatedAt: now.toISOString(),
  };
  await deps.documents.create(tenant, document);
  await deps.ingestTrigger.requestCrawl(tenant, botId, document.docId, step);
  return document;
};

/** Crawled pages as one document: each page's blocks carry its address, under its title. */
export const combinePages = async (deps: Pick<Deps, 'parser'>, title: string, pages: readonly CrawledPage[]): Promise<ParsedDocument> => {
  let text = '';
  const blocks: Block[] = [];
  for (const page of pages) {
    let parsed: ParsedDocument;
    try {
      // The crawler has decoded the page already: its bytes are now UTF-8 whatever its <meta charset> says.
      parsed = await deps.parser.parse(new TextEncoder().encode(page.html), 'text/html; charset=utf-8', page.url);
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

/**
 * Share of an invocation's remaining time a crawl part may spend starting requests.
 * The rest is for the last request, saving the crawl's state, and, in the part where
 * the crawl finishes, indexing its pages (at least 40% of the function's timeout).
 */
export const CRAWL_PART_SHARE = 0.6;
/** Largest saved crawl state read back: the crawl's pages (at most 20 MB) as JSON, with room to spare. */
const MAX_CRAWL_STATE_BYTES = 64 * 1024 * 1024;

/** Where a crawl's saved states live (sealed), one per part, until the crawl ends. */
const crawlStateFolder = (doc: Pick<DocumentRecord, 'botId' | 'docId'>, run: string): string => `bots/${doc.botId}/docs/${doc.docId}/crawl/${run}/`;
const crawlStatePath = (doc: Pick<DocumentRecord, 'botId' | 'docId'>, step: CrawlStep): string => `${crawlStateFolder(doc, step.run)}${step.part}.bin`;

const STALE_PART = { outcome: 'ignored', reason: 'a stale or repeated part of a crawl' } as const;

/** The ports crawlWebsiteSource uses, directly and through what it calls. */
export type CrawlWebsiteSourceDeps = Pick<Deps, 'accounts' | 'bots' | 'chunks' | 'cipher' | 'clock' | 'crawler' | 'documents' | 'embedders' | 'events' | 'index' | 'ingestTrigger' | 'keys' | 'meter' | 'objects' | 'parser' | 'platformKeys' | 'region' | 'residency' | 'secrets'>;

/**
 * Runs one part of a website source's crawl (a queued crawl message). The crawl goes
 * on for `remainingMs` x `CRAWL_PART_SHARE`; unfinished, it saves its state sealed
 * under the document, moves the document to the next part (only if it is still at
 * this one: a stale or repeated message changes nothing) and queues that part.
 * Finished, it indexes what it kept. `step` absent: a message from before crawls had
 * parts, which starts a crawl of its own.
 */
export const crawlWebsiteSource = async (
  deps: CrawlWebsiteSourceDeps,
  ref: DocumentRef,
  step: CrawlStep | undefined,
  time: { readonly remainingMs: number },
): Promise<IngestOutcome> => {
  const tenant = tenantForSystem(ref.accountId);
  let doc = await deps.documents.get(tenant, ref.botId, ref.docId);
  if (!doc?.site) return { outcome: 'ignored', reason: 'no such website source' };
  const site = doc.site;
  if (!step) {
    step = firstCrawlStep(deps.clock.now());
    const started = deps.clock.now().toISOString();
    const patch = { status: 'processing', processingSince: started, updatedAt: started, crawlStep: crawlStepKey(step) } as const;
    if (!(await deps.documents.update(tenant, doc.botId, doc.docId, patch))) return { outcome: 'ignored', reason: 'document deleted' };
    doc = { ...doc, ...patch };
  }
  if (doc.status !== 'processing' || doc.crawlStep !== crawlStepKey(step)) return STALE_PART;
  const fail = failWith(deps, tenant, doc);
  const run = step.run;
  const failAndForget = async (reason: string) => {
    const outcome = await fail(reason);
    await deps.objects.deletePrefix(tenant, crawlStateFolder(doc, run));
    return outcome;
  };

  let resume: string | undefined;
  if (step.part === 0) {
    await deps.documents.update(tenant, doc.botId, doc.docId, { crawl: { fetched: 0, queued: 0, skipped: 0 } });
  } else {
    const sealed = await deps.objects.get(tenant, crawlStatePath(doc, step), MAX_CRAWL_STATE_BYTES);
    if (!sealed) return failAndForget('The crawl could not go on: its saved progress is missing. Process it again.');
    resume = new TextDecoder().decode(await deps.cipher.open(tenant, 'crawl', sealed));
  }

  // Progress writes are chained and throttled, and drained before the part's last update.
  let writes = Promise.resolve();
  let lastWrite = 0;
  let latest: CrawlProgress | undefined;
  const onProgress = (progress: CrawlProgress) => {
    latest = progress;
    const now = Date.now();
    if (now - lastWrite < PROGRESS_INTERVAL_MS) return;
    lastWrite = now;
    writes = writes.then(async () => {
      await deps.documents.update(tenant, doc.botId, doc.docId, { crawl: progress });
    }).catch(() => undefined);
  };
  let result: Awaited<ReturnType<Deps['crawler']['crawl']>>;
  try {
    result = await deps.crawler.crawl(site.url, {
      maxPages: site.maxPages,
      onProgress,
      resume,
      budgetMs: Math.max(0, time.remainingMs * CRAWL_PART_SHARE),
      maxDurationMs: MAX_CRAWL_MINUTES * 60_000,
    });
  } catch (err) {
    await writes;
    if (err instanceof AppError && err.code === 'invalid_request') return failAndForget(err.message);
    throw err;
  }
  await writes;

  if (result.paused !== undefined) {
    const next: CrawlStep = { run, part: step.part + 1 };
    await deps.objects.put(tenant, crawlStatePath(doc, next), await deps.cipher.seal(tenant, 'crawl', new TextEncoder().encode(result.paused)), 'application/octet-stream');
    const moved = await deps.documents.update(tenant, doc.botId, doc.docId, { crawlStep: crawlStepKey(next), ...(latest ? { crawl: latest } : {}) }, { ifCrawlStep: crawlStepKey(step) });
    if (!moved) return STALE_PART;
    await deps.ingestTrigger.requestCrawl(tenant, doc.botId, doc.docId, next);
    return { outcome: 'continued', part: next.part };
  }

  const crawl: CrawlProgress = { fetched: result.pages.length, queued: 0, skipped: result.skipped.length };
  if (result.pages.length === 0) {
    await deps.documents.update(tenant, doc.botId, doc.docId, { crawl });
    return failAndForget(`No pages could be read from ${site.url}.${skippedSummary(result.skipped)}`);
  }
  const parsed = await combinePages(deps, doc.name, result.pages);
  const sha256 = createHash('sha256').update(parsed.text).digest('hex');
  const outcome = await indexParsed(deps, tenant, doc, parsed, { sha256, fail, extra: { crawl, pageCount: result.pages.length } });
  await deps.objects.deletePrefix(tenant, crawlStateFolder(doc, run));
  return outcome;
};
