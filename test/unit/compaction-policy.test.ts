import { describe, expect, it } from 'vitest';
import { segmentsToMerge } from '../../lambdas/core/bot-index.ts';
import { MAX_INDEX_SEGMENTS } from '../../lambdas/core/limits.ts';
import type { IndexHead, SegmentRef } from '../../lambdas/core/model.ts';

const LOCAL = 'parley-hashed-lexical-v1@512';
const OPENAI = 'text-embedding-3-small@512';
const seg = (id: string, chunks: number, embeddedWith = LOCAL): SegmentRef => ({ id, parts: 1, chunks, embeddedWith });
const head = (segments: SegmentRef[], liveChunks: number[]): IndexHead => ({
  generation: 1,
  segments,
  live: new Map(liveChunks.map((chunks, i) => [`doc${i}`, { run: `run${i}`, chunks }])),
});

describe('which segments compaction merges', () => {
  it('leaves a small index alone', () => {
    const segments = Array.from({ length: MAX_INDEX_SEGMENTS }, (_, i) => seg(`s${i}`, 10));
    expect(segmentsToMerge(head(segments, segments.map(() => 10)), LOCAL)).toEqual([]);
  });

  it('past the limit, merges the smallest segments and leaves the big one', () => {
    const segments = [seg('big', 10_000), ...Array.from({ length: MAX_INDEX_SEGMENTS }, (_, i) => seg(`s${i}`, 10 + i))];
    const chosen = segmentsToMerge(head(segments, segments.map((s) => s.chunks)), LOCAL);
    expect(chosen.map((s) => s.id)).not.toContain('big');
    expect(chosen).toHaveLength(segments.length - MAX_INDEX_SEGMENTS / 2);
    expect(chosen.map((s) => s.chunks)).toEqual([...chosen.map((s) => s.chunks)].sort((a, b) => a - b));
  });

  it('merges everything once too much of it is superseded', () => {
    // 1,000 stored entries, 600 of them live: 40% dead.
    const segments = [seg('a', 500), seg('b', 500)];
    expect(segmentsToMerge(head(segments, [300, 300]), LOCAL).map((s) => s.id)).toEqual(['a', 'b']);
    expect(segmentsToMerge(head(segments, [400, 400]), LOCAL)).toEqual([]);
  });

  it('counts each embedding model apart, and never merges across them', () => {
    const segments = [...Array.from({ length: MAX_INDEX_SEGMENTS + 1 }, (_, i) => seg(`l${i}`, 5)), seg('o1', 5, OPENAI), seg('o2', 5, OPENAI)];
    const live = segments.map((s) => s.chunks);
    expect(segmentsToMerge(head(segments, live), LOCAL).every((s) => s.embeddedWith === LOCAL)).toBe(true);
    expect(segmentsToMerge(head(segments, live), LOCAL).length).toBeGreaterThan(0);
    expect(segmentsToMerge(head(segments, live), OPENAI)).toEqual([]);
  });
});
