/** The `SiteCrawler` port: `crawlSite` through the egress-guarded fetch. */
import type { SiteCrawler } from '../../core/ports.ts';
import type { GuardedFetch } from '../net/guarded-fetch.ts';
import { crawlSite } from './crawler.ts';

export const createSiteCrawler = (fetch: GuardedFetch, options: { delayMs?: number } = {}): SiteCrawler => ({
  crawl: (start, { maxPages, onProgress }) =>
    crawlSite({ start, fetch, maxPages, ...(options.delayMs !== undefined ? { delayMs: options.delayMs } : {}), ...(onProgress ? { onProgress } : {}) }),
});
