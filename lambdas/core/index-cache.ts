/**
 * Opened index segments kept warm between queries, bounded by bytes across all
 * bots and evicted least recently used first. Segments are immutable, so an
 * entry never goes stale: a new generation only adds or drops segments. A
 * segment larger than the whole budget is used for its query and not kept, so
 * one very large bot cannot push every other bot out, nor the function over
 * its memory.
 */
import { INDEX_CACHE_BYTES } from './limits.ts';
import type { OpenedSegment } from './index-segment.ts';

export interface SegmentCache {
  get(key: string): OpenedSegment | undefined;
  set(key: string, segment: OpenedSegment): void;
  readonly size: number;
  readonly bytes: number;
  clear(): void;
}

export const createSegmentCache = (budget = INDEX_CACHE_BYTES): SegmentCache => {
  // A Map iterates in insertion order: re-inserting on use keeps the oldest first. Each entry
  // keeps the bytes it was counted at: a segment grows when it makes its sign scanner (on its
  // first dense query, after it was cached), and the next use counts the growth.
  const entries = new Map<string, { segment: OpenedSegment; counted: number }>();
  let bytes = 0;
  const evictOverBudget = () => {
    for (const [k, e] of entries) {
      if (bytes <= budget) break;
      entries.delete(k);
      bytes -= e.counted;
    }
  };
  const recount = (entry: { segment: OpenedSegment; counted: number }) => {
    const now = entry.segment.bytes;
    bytes += now - entry.counted;
    entry.counted = now;
  };
  return {
    get(key) {
      const hit = entries.get(key);
      if (!hit) return undefined;
      entries.delete(key);
      entries.set(key, hit);
      if (hit.segment.bytes !== hit.counted) {
        recount(hit);
        evictOverBudget();
      }
      return hit.segment;
    },
    set(key, segment) {
      if (segment.bytes > budget) return;
      const old = entries.get(key);
      if (old) {
        bytes -= old.counted;
        entries.delete(key);
      }
      entries.set(key, { segment, counted: segment.bytes });
      bytes += segment.bytes;
      evictOverBudget();
    },
    get size() {
      return entries.size;
    },
    get bytes() {
      for (const e of entries.values()) recount(e);
      evictOverBudget();
      return bytes;
    },
    clear() {
      entries.clear();
      bytes = 0;
    },
  };
};

/** This function instance's cache. */
export const segmentCache = createSegmentCache();
