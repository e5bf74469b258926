import { describe, expect, it } from 'vitest';
import { segmentsToMerge } from '../../lambdas/core/bot-index.ts';
import { MAX_DEAD_RUNS, MAX_INDEX_SEGMENTS } from '../../lambdas/core/limits.ts';
import type { IndexHead, SegmentRef } from '../../lambdas/core/model.ts';

const LOCAL = 'parley-hashed-lexical-v1@512';
const OPENAI = 'text-embedding-3-small@512';
const seg = (id: string, chunks: number, embeddedWith = LOCAL): SegmentRef => ({ id, parts: 1, chunks, embeddedWith });
/** A head whose segments hold `deadChunks` entries of dead runs, 10 chunks a run, of `model`. */
const head = (segments: SegmentRef[], deadChunks = 0, model = LOCAL): IndexHead => ({
  generation: 1,
  segments,
  dead: new Map(Array.from({ length: Math.ceil(deadChunks / 10) }, (_, i) => [`run${i}`, { chunks: Math.min(10, deadChunks - 10 * i), embeddedWith: model }])),
  documents: segments.length,
  chunks: segments.reduce((sum, s) => sum + s.chunks, 0) - deadChunks,
});

describe('which segments compaction merges', () => {
  it('leaves a small index alone', () => {
    const segments = Array.from({ length: MAX_INDEX_SEGMENTS }, (_, i) => seg(`s${i}`, 10));
    expect(segmentsToMerge(head(segments), LOCAL)).toEqual([]);
  });

  it('past the limit, merges the smallest segments and leaves the big one', () => {
    const segments = [seg('big', 10_000), ...Array.from({ length: MAX_INDEX_SEGMENTS }, (_, i) => seg(`s${i}`, 10 + i))];
    const chosen = segmentsToMerge(head(segments), LOCAL);
    expect(chosen.map((s) => s.id)).not.toContain('big');
    expect(chosen).toHaveLength(segments.length - MAX_INDEX_SEGMENTS / 2);
    expect(chosen.map((s) => s.chunks)).toEqual([...chosen.map((s) => s.chunks)].sort((a, b) => a - b));
  });

  it('merges everything once too much of it is superseded', () => {
    // 1,000 stored entries, 400 of them dead; then 200.
    const segments = [seg('a', 500), seg('b', 500)];
    expect(segmentsToMerge(head(segments, 400), LOCAL).map((s) => s.id)).toEqual(['a', 'b']);
    expect(segmentsToMerge(head(segments, 200), LOCAL)).toEqual([]);
    // Dead entries of another model do not count against this one.
    expect(segmentsToMerge(head(segments, 400, OPENAI), LOCAL)).toEqual([]);
  });

  it('merges a model’s segments once it has too many dead runs, however small', () => {
    const segments = [seg('a', 100_000)];
    expect(segmentsToMerge(head(segments, 10 * (MAX_DEAD_RUNS + 1)), LOCAL).map((s) => s.id)).toEqual(['a']);
    expect(segmentsToMerge(head(segments, 10 * MAX_DEAD_RUNS), LOCAL)).toEqual([]);
  });

  it('counts each embedding model apart, and never merges across them', () => {
    const segments = [...Array.from({ length: MAX_INDEX_SEGMENTS + 1 }, (_, i) => seg(`l${i}`, 5)), seg('o1', 5, OPENAI), seg('o2', 5, OPENAI)];
    expect(segmentsToMerge(head(segments), LOCAL).every((s) => s.embeddedWith === LOCAL)).toBe(true);
    expect(segmentsToMerge(head(segments), LOCAL).length).toBeGreaterThan(0);
    expect(segmentsToMerge(head(segments), OPENAI)).toEqual([]);
  });
});
