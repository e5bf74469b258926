import { describe, expect, it } from 'vitest';
import { segmentsToMerge } from '../../lambdas/core/bot-index.ts';
import { MAX_DEAD_RUNS, MERGE_FACTOR } from '../../lambdas/core/limits.ts';
import type { IndexHead, SegmentRef } from '../../lambdas/core/records.ts';

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
  it('leaves an index alone while no size tier is full', () => {
    const segments = Array.from({ length: MERGE_FACTOR - 1 }, (_, i) => seg(`s${i}`, 10));
    expect(segmentsToMerge(head([...segments, seg('one', 2), seg('big', 10_000)]), LOCAL)).toEqual([]);
  });

  it('merges the segments of the smallest full tier, never the big ones', () => {
    const small = Array.from({ length: MERGE_FACTOR }, (_, i) => seg(`s${i}`, 2 + (i % 3)));
    const middle = Array.from({ length: MERGE_FACTOR }, (_, i) => seg(`m${i}`, 100 + i));
    const chosen = segmentsToMerge(head([seg('big', 10_000), ...middle, ...small]), LOCAL);
    expect(chosen.map((s) => s.id).sort()).toEqual(small.map((s) => s.id).sort());
  });

  it('rewrites each chunk a few times only, however many documents arrive one by one', () => {
    let segments: SegmentRef[] = [];
    let written = 0;
    for (let d = 0; d < 5_000; d++) {
      segments = [...segments, seg(`d${d}`, 2)];
      written += 2;
      for (let chosen = segmentsToMerge(head(segments), LOCAL); chosen.length > 0; chosen = segmentsToMerge(head(segments), LOCAL)) {
        const ids = new Set(chosen.map((s) => s.id));
        const merged = chosen.reduce((sum, s) => sum + s.chunks, 0);
        segments = [...segments.filter((s) => !ids.has(s.id)), seg(`m${d}-${segments.length}`, merged)];
        written += merged;
      }
    }
    // 10,000 chunks written: under six writes each (one per tier), at most 7 segments a tier.
    expect(written / 10_000).toBeLessThan(6);
    expect(segments.length).toBeLessThan(5 * (MERGE_FACTOR - 1));
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
    const segments = [...Array.from({ length: MERGE_FACTOR }, (_, i) => seg(`l${i}`, 5)), seg('o1', 5, OPENAI), seg('o2', 5, OPENAI)];
    expect(segmentsToMerge(head(segments), LOCAL).every((s) => s.embeddedWith === LOCAL)).toBe(true);
    expect(segmentsToMerge(head(segments), LOCAL).length).toBeGreaterThan(0);
    expect(segmentsToMerge(head(segments), OPENAI)).toEqual([]);
  });
});
