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
  // A Map iterates in insertion order: re-inserting on use keeps the oldest first.
  const entries = new Map<string, OpenedSegment>();
  let bytes = 0;
  return {
    get(key) {
      const hit = entries.get(key);
      if (hit) {
        entries.delete(key);
        entries.set(key, hit);
      }
      return hit;
    },
    set(key, segment) {
      if (segment.bytes > budget) return;
      const old = entries.get(key);
      if (old) {
        bytes -= old.bytes;
        entries.delete(key);
      }
      entries.set(key, segment);
      bytes += segment.bytes;
      for (const [k, s] of entries) {
        if (bytes <= budget) break;
        entries.delete(k);
        bytes -= s.bytes;
      }
    },
    get size() {
      return entries.size;
    },
    get bytes() {
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
