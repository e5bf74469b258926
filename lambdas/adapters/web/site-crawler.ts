/** The `SiteCrawler` port: `crawlSite` through the egress-guarded fetch, its paused state as JSON. */
import { invalid } from '../../core/errors.ts';
import type { SiteCrawler } from '../../core/ports.ts';
import type { GuardedFetch } from '../net/guarded-fetch.ts';
import { crawlSite, type CrawlState } from './crawler.ts';

/** A paused state this crawler wrote (sealed, so only a version check is needed). */
const stateOf = (text: string): CrawlState => {
  const state = JSON.parse(text) as Partial<CrawlState>;
  if (state.version !== 1) throw invalid('The crawl could not go on: its saved progress is from another version of Parley. Process it again.');
  return state as CrawlState;
};

export const createSiteCrawler = (fetch: GuardedFetch, options: { delayMs?: number } = {}): SiteCrawler => ({
  async crawl(start, { maxPages, onProgress, resume, budgetMs, maxDurationMs }) {
    const result = await crawlSite({
      start,
      fetch,
      maxPages,
      ...(options.delayMs !== undefined ? { delayMs: options.delayMs } : {}),
      ...(onProgress ? { onProgress } : {}),
      ...(resume !== undefined ? { resume: stateOf(resume) } : {}),
      ...(budgetMs !== undefined ? { stopAt: Date.now() + budgetMs } : {}),
      maxDurationMs,
    });
    return { pages: result.pages, skipped: result.skipped, ...(result.paused ? { paused: JSON.stringify(result.paused) } : {}) };
  },
});
