import { deflateSync, inflateSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { searchDense, searchSigns } from '../../lambdas/core/dense-search.ts';
import { newId } from '../../lambdas/core/ids.ts';
import { buildSegment, entryOf, openSegment } from '../../lambdas/core/index-segment.ts';
import { bucketOf, composeLexical, splitLexical } from '../../lambdas/core/lexical-buckets.ts';
import { buildLexicalSegment, openLexicalSegment, searchLexical, termHash, termIdf } from '../../lambdas/core/lexical-index.ts';
import type { SegmentRef } from '../../lambdas/core/records.ts';
import { bucketsForQuery, coldSegment, openMeta, openSections, SECTION, sectionsOf } from '../../lambdas/core/segment-sections.ts';
import { createSignOnlyScanner, createSignScanner, prepareSignQuery, signBytes } from '../../lambdas/core/sign-scan.ts';
import { openCodes } from '../../lambdas/core/vector-codes.ts';

/** Seeded, so that every run checks the same data. */
const rng = (seed: number) => () => {
  seed = (seed + 0x6d2b79f5) | 0;
  let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
  t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
  return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32;
};
const random = rng(7);
const word = () => `w${Math.floor(Math.exp(random() * Math.log(3000))).toString(36)}`;
const unit = (dims: number) => {
  const v = Float32Array.from({ length: dims }, () => random() * 2 - 1);
  const norm = Math.hypot(...v);
  return v.map((x) => x / norm);
};

const N = 300;
const docs = [newId(), newId(), newId()];
const runs = docs.map(() => newId());
const entries = Array.from({ length: N }, (_, i) => ({ docId: docs[i % 3]!, run: runs[i % 3]!, seq: Math.floor(i / 3) }));
const texts = entries.map(() => Array.from({ length: 40 }, word).join(' '));
const vectors = entries.map(() => unit(64));
const packed = buildSegment(entries, vectors, texts);
const { sections, buckets } = sectionsOf(packed);
const ref: SegmentRef = { id: 'SEG1', parts: 0, chunks: N, embeddedWith: 'dense@64', sections: { meta: 1, signs: 1, codes: 1 }, buckets };
const allBuckets = new Map(Array.from({ length: buckets }, (_, b) => [b, sections.get(SECTION.bucket(b))!]));
const queries = ['w1 w2 w3', `${texts[5]!.split(' ').slice(0, 6).join(' ')}`, 'w1 nowhere', texts[77]!.split(' ').slice(3, 9).join(' ')];

describe('an index segment in sections (layout 2)', () => {
  const v1 = openSegment({ ...ref, parts: 1 }, packed);

  it('round-trips: opened whole from its sections it holds what the packed segment holds and answers alike', () => {
    expect([...sections.keys()].sort()).toEqual([SECTION.codes, SECTION.meta, SECTION.signs, ...Array.from({ length: buckets }, (_, b) => SECTION.bucket(b))].sort());
    const seg = openSections(ref, openMeta(ref, sections.get(SECTION.meta)!), sections.get(SECTION.codes)!, allBuckets);
    expect(Array.from({ length: N }, (_, i) => entryOf(seg, i))).toEqual(entries);
    expect(Buffer.from(seg.codes.codes).equals(Buffer.from(v1.codes.codes))).toBe(true);
    expect(seg.lexical.totalLength).toBe(v1.lexical.totalLength);
    expect(seg.lexical.termCount).toBe(v1.lexical.termCount);
    for (const q of queries) {
      expect(searchLexical([seg.lexical], q, 10)).toEqual(searchLexical([v1.lexical], q, 10));
      expect(termIdf([seg.lexical], q)).toEqual(termIdf([v1.lexical], q));
    }
    expect(searchDense([seg], vectors[9]!, 5, { pool: 60 })).toEqual(searchDense([v1], vectors[9]!, 5, { pool: 60 }));
  });

  it('keeps one copy of the codes once its sign scanner is made: the scanner’s, and answers alike', () => {
    const meta = openMeta(ref, sections.get(SECTION.meta)!);
    const seg = openSections(ref, meta, sections.get(SECTION.codes)!, allBuckets);
    const own = seg.codes.codes;
    const before = seg.bytes;
    const scanner = seg.signs();
    expect(scanner.codes).toBeDefined();
    expect(seg.codes.codes).toBe(scanner.codes);
    expect(Buffer.from(seg.codes.codes).equals(Buffer.from(own))).toBe(true);
    // The section's codes no longer count: only their scales (copied when opened) do.
    expect(seg.bytes).toBe(before - sections.get(SECTION.codes)!.byteLength + 4 * N + scanner.bytes);
    expect(searchDense([seg], vectors[9]!, 5, { pool: 60 })).toEqual(searchDense([v1], vectors[9]!, 5, { pool: 60 }));
  });

  it('answers a cold query from meta, sign bits and the query’s term buckets alone, as the whole segment does', () => {
    const query = queries[1]!;
    const wanted = bucketsForQuery(query, buckets);
    const cold = coldSegment(ref, openMeta(ref, sections.get(SECTION.meta)!), sections.get(SECTION.signs)!, new Map(wanted.map((b) => [b, allBuckets.get(b)!])));
    expect(cold.codes).toBeUndefined();
    expect(searchLexical([cold.lexical], query, 10)).toEqual(searchLexical([v1.lexical], query, 10));
    // The stored sign bits are the ones the whole segment derives from its codes.
    const q = prepareSignQuery(vectors[40]!);
    expect([...cold.signs().scan(q)]).toEqual([...v1.signs().scan(q)]);
    expect(cold.signs().int4).toBeUndefined();
    const pool = searchSigns([cold], vectors[40]!, 30);
    expect(pool).toHaveLength(30);
    expect(pool[0]).toMatchObject({ segment: 0, chunk: 40 });
    expect(pool.map((h) => h.score)).toEqual([...pool.map((h) => h.score)].sort((a, b) => b - a));
  });

  it('says so when a query needs a term bucket that was not loaded', () => {
    const meta = openMeta(ref, sections.get(SECTION.meta)!);
    const cold = coldSegment(ref, meta, sections.get(SECTION.signs)!, new Map());
    expect(() => searchLexical([cold.lexical], 'w1', 5)).toThrow(/lexical index: term bucket \d+ is not loaded/);
  });

  it('refuses a damaged or truncated section with a clear error, never a wrong answer', () => {
    const meta = sections.get(SECTION.meta)!;
    expect(() => openMeta(ref, meta.subarray(0, meta.length - 9))).toThrow(/meta section is damaged or truncated/);
    // Intact deflate, wrong content: columns cut short.
    const raw = new Uint8Array(inflateSync(meta));
    expect(() => openMeta(ref, new Uint8Array(deflateSync(raw.subarray(0, raw.length - 4))))).toThrow(/meta section is truncated/);
    expect(() => openMeta({ ...ref, chunks: N + 1 }, meta)).toThrow(/does not match the segment/);
    const codes = sections.get(SECTION.codes)!;
    expect(() => openSections(ref, openMeta(ref, meta), codes.subarray(0, codes.length - 1), allBuckets)).toThrow(/vector codes: wrong length/);
    const signs = sections.get(SECTION.signs)!;
    expect(() => coldSegment(ref, openMeta(ref, meta), signs.subarray(16), allBuckets)).toThrow(/sign bytes for 300 codes/);
    const fewer = new Map(allBuckets);
    fewer.delete(0);
    expect(() => openSections(ref, openMeta(ref, meta), codes, fewer)).toThrow(/term bucket 0 is missing/);
    const bucket = allBuckets.get(0)!;
    expect(() => openSections(ref, openMeta(ref, meta), codes, new Map([...allBuckets, [0, bucket.subarray(0, bucket.length - 1)]]))).toThrow(/lexical index: wrong length/);
  });

  it('still opens a segment stored whole (layout 1)', () => {
    expect(entryOf(v1, 4)).toEqual(entries[4]);
    expect(searchLexical([v1.lexical], queries[0]!, 3).length).toBeGreaterThan(0);
  });
});

describe('lexical buckets', () => {
  const blob = buildLexicalSegment(texts);
  const whole = openLexicalSegment(blob);

  it('split by term hash and joined again answer every query exactly as the whole blob', () => {
    for (const count of [1, 2, 8, 64]) {
      const split = splitLexical(blob, count);
      expect(split.buckets).toHaveLength(count);
      const terms = split.buckets.map((b) => openLexicalSegment(b).termCount);
      const joined = composeLexical(split.lengths, split.total, terms, split.buckets);
      expect(joined.termCount).toBe(whole.termCount);
      for (const q of [...queries, texts[200]!]) expect(searchLexical([joined], q, 20)).toEqual(searchLexical([whole], q, 20));
      // Every term sits in the bucket its hash says.
      split.buckets.forEach((b, at) => {
        const seg = openLexicalSegment(b);
        for (let s = 0; s < seg.termCount; s++) expect(bucketOf(seg.hashOf(s), count)).toBe(at);
      });
    }
  });

  it('refuses a bucket whose term count is not the one the segment records', () => {
    const split = splitLexical(blob, 4);
    const terms = split.buckets.map((b) => openLexicalSegment(b).termCount);
    terms[2]! += 1;
    expect(() => composeLexical(split.lengths, split.total, terms, split.buckets)).toThrow(/term bucket 2 holds/);
  });

  it('puts a term in the same bucket whatever segment holds it', () => {
    expect(bucketsForQuery('w1 w1 w2', 16)).toEqual([...new Set([bucketOf(termHash('w1'), 16), bucketOf(termHash('w2'), 16)])].sort((a, b) => a - b));
  });
});

describe('sign bits stored apart', () => {
  it('score as the scanner made from the codes does', () => {
    const codes = openCodes(sections.get(SECTION.codes)!);
    const fromCodes = createSignScanner(codes);
    const fromSigns = createSignOnlyScanner(signBytes(codes), codes.count, codes.dims);
    for (const v of vectors.slice(0, 5)) {
      const q = prepareSignQuery(v);
      expect([...fromSigns.scan(q)]).toEqual([...fromCodes.scan(q)]);
    }
  });
});
