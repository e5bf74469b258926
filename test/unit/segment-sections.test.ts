import { deflateSync, inflateSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { searchDense, searchSigns } from '../../lambdas/core/dense-search.ts';
import { newId } from '../../lambdas/core/ids.ts';
import { buildSegment, entryOf, openSegment } from '../../lambdas/core/index-segment.ts';
import { bucketCountFor, bucketOf, composeLexical, splitLexical } from '../../lambdas/core/lexical-buckets.ts';
import { buildLexicalSegment, mergeLexical, openLexicalSegment, searchLexical, termHash, termIdf } from '../../lambdas/core/lexical-index.ts';
import type { SegmentRef } from '../../lambdas/core/records.ts';
import { bucketsForQuery, coldSegment, openMeta, openSections, SECTION, sectionsOf } from '../../lambdas/core/segment-sections.ts';
import { createSignOnlyScanner, createSignScanner, prepareSignQuery, signBytes } from '../../lambdas/core/sign-scan.ts';
import { terms as termsOf } from '../../lambdas/core/text.ts';
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

const unpackedLexicalBytes = buildLexicalSegment(texts).byteLength;

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

  it('opens a segment stored with another bucket count (as counts were chosen before), cold and whole, and answers alike', () => {
    const before = Math.min(1024, 2 ** Math.max(0, Math.ceil(Math.log2(unpackedLexicalBytes / (64 * 1024)))));
    expect(before).not.toBe(buckets);
    for (const count of [before, 2, 16]) {
      const stored = sectionsOf(packed, count);
      expect(stored.buckets).toBe(count);
      const old: SegmentRef = { ...ref, buckets: count };
      const meta = openMeta(old, stored.sections.get(SECTION.meta)!);
      expect(meta.terms).toHaveLength(count);
      const every = new Map(Array.from({ length: count }, (_, b) => [b, stored.sections.get(SECTION.bucket(b))!]));
      const whole = openSections(old, meta, stored.sections.get(SECTION.codes)!, every);
      for (const q of queries) {
        expect(searchLexical([whole.lexical], q, 10)).toEqual(searchLexical([v1.lexical], q, 10));
        const cold = coldSegment(old, meta, stored.sections.get(SECTION.signs)!, new Map(bucketsForQuery(q, count).map((b) => [b, every.get(b)!])));
        expect(searchLexical([cold.lexical], q, 10)).toEqual(searchLexical([v1.lexical], q, 10));
      }
      // The count the head keeps must be the one stored.
      expect(() => openMeta({ ...ref, buckets: count * 2 }, stored.sections.get(SECTION.meta)!)).toThrow(/term buckets, the index says/);
    }
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
    for (const count of [1, 2, 8, 64, 4096]) {
      const split = splitLexical(blob, count);
      expect(split.buckets).toHaveLength(count);
      const terms = split.buckets.map((b) => openLexicalSegment(b).termCount);
      const joined = composeLexical(split.lengths, split.total, terms, split.buckets);
      expect(joined.termCount).toBe(whole.termCount);
      for (const q of [...queries, texts[200]!]) expect(searchLexical([joined], q, 20)).toEqual(searchLexical([whole], q, 20));
      // Read slot by slot (as compaction reads it), it gives back the whole blob.
      const merged = mergeLexical(Array.from({ length: joined.chunkCount }, (_, chunk) => ({ lexical: joined, chunk })));
      expect(Buffer.from(merged).equals(Buffer.from(blob))).toBe(true);
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

  it('chooses a power of two buckets, more for more bytes, of 2 KB or more on average, 4,096 at most', () => {
    let last = 0;
    for (let bytes = 0; bytes < 2e9; bytes = Math.ceil(bytes * 1.3) + 100) {
      const count = bucketCountFor(bytes);
      expect(Number.isInteger(Math.log2(count)), `${count} buckets for ${bytes} bytes`).toBe(true);
      expect(count).toBeGreaterThanOrEqual(last);
      expect(count).toBeLessThanOrEqual(4096);
      if (count > 1) expect(bytes / count).toBeGreaterThanOrEqual(2048);
      last = count;
    }
    expect(bucketCountFor(0)).toBe(1);
    expect(bucketCountFor(1e9)).toBe(4096);
    // A segment of 64k chunks (13 MB of lexical index): 1,024 buckets, not the 256 of 64 KB chosen before.
    expect(bucketCountFor(12_906_525)).toBe(1024);
  });

  it('makes a cold query read a small share of a segment’s postings: its terms’ buckets', () => {
    // 1,000 chunks of 180 words of a Zipf vocabulary of 20,000 (as the retrieval benchmark's), queries of 8 words.
    const zipf = () => `w${Math.floor(Math.exp(random() * Math.log(20_000)) - 1).toString(36)}`;
    const chunks = Array.from({ length: 1000 }, () => Array.from({ length: 180 }, zipf).join(' '));
    const big = buildLexicalSegment(chunks);
    const count = bucketCountFor(big.byteLength);
    const split = splitLexical(big, count);
    let read = 0;
    const asked = Array.from({ length: 40 }, () => chunks[Math.floor(random() * chunks.length)]!.split(' ').slice(0, 8).join(' '));
    for (const q of asked) {
      const wanted = bucketsForQuery(q, count);
      for (const b of wanted) read += split.buckets[b]!.byteLength;
      // The buckets read hold every term of the query.
      const loaded = split.buckets.map((bytes, b) => (wanted.includes(b) ? bytes : undefined));
      const cold = composeLexical(split.lengths, split.total, split.buckets.map((b) => openLexicalSegment(b).termCount), loaded);
      for (const t of termsOf(q)) expect(cold.df(termHash(t))).toBeGreaterThan(0);
    }
    // 7 % with 128 buckets of 3 KB; 61 % with the 8 buckets of 64 KB chosen before.
    expect(read / asked.length / big.byteLength).toBeLessThan(0.15);
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

  it('keep each scan’s scores when segments of other sizes scan after it (one shared memory, grown)', () => {
    const small = openCodes(sections.get(SECTION.codes)!);
    const bigVectors = Array.from({ length: 5_000 }, () => unit(64));
    const bigEntries = bigVectors.map((_, i) => ({ docId: docs[0]!, run: runs[0]!, seq: i }));
    const big = openCodes(sectionsOf(buildSegment(bigEntries, bigVectors, bigEntries.map(() => 'w1'))).sections.get(SECTION.codes)!);
    const q = prepareSignQuery(vectors[3]!);
    const want = { small: [...createSignScanner(small).scan(q)], big: [...createSignScanner(big).scan(q)] };
    const fromSigns = { small: createSignOnlyScanner(signBytes(small), small.count, small.dims), big: createSignOnlyScanner(signBytes(big), big.count, big.dims) };
    // The smaller first, then the larger (the memory grows), then the smaller again.
    const first = fromSigns.small.scan(q);
    const second = fromSigns.big.scan(q);
    const third = fromSigns.small.scan(q);
    expect([...first]).toEqual(want.small);
    expect([...second]).toEqual(want.big);
    expect([...third]).toEqual(want.small);
    // A scanner of stored bits holds only them.
    expect(fromSigns.big.bytes).toBe(signBytes(big).byteLength);
  });
});
