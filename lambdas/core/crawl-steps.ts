/**
 * Naming the parts of a website crawl: a crawl is a run of parts, and a document
 * names the part due next, so a stale or repeated message is recognised. Shared by
 * the crawl itself and by re-ingesting, which starts a new run.
 */
import { newId } from './ids.ts';
import type { CrawlStep } from './ports.ts';

/** `<run>:<part>`, as the document's `crawlStep` holds it. */
export const crawlStepKey = (step: CrawlStep): string => `${step.run}:${step.part}`;

/** The first part of a new crawl. */
export const firstCrawlStep = (now: Date): CrawlStep => ({ run: newId(now.getTime()), part: 0 });
