/**
 * A segment's lexical index split by term hash into buckets, each a lexical blob
 * (lexical-index.ts) of its terms alone with no chunk lengths, so that a query
 * reads the buckets of its own terms and not every posting. The chunk lengths
 * and the term count of each bucket are kept apart (in the segment's meta
 * section); `composeLexical` joins them with the buckets loaded into one
 * `LexicalSegment`, whose slots run bucket by bucket.
 */
import { lexicalColumns, openLexicalSegment, packLexicalColumns, type LexicalSegment } from './lexical-index.ts';

/**
 * How many buckets a segment gets. A cold query reads, of each segment, one bucket a
 * term: the term's own postings and about `bytes / count` of others'. Every bucket costs
 * besides, whatever the terms: some 32 bytes every cold query reads (its entry in the
 * segment's directory, its term count in the meta section), and some 5 µs to unseal when
 * the segment is opened whole (off the first answer's path, after it), counted as 64 bytes
 * more. The count that makes `QUERY_TERMS · bytes / count + BUCKET_COST · count` least is
 * √(QUERY_TERMS · bytes / BUCKET_COST), taken to the nearest power of two: 1,024 buckets of
 * 12 KB for a segment of 13 MB (64k chunks), 512 of 3.5 KB for one of 1.8 MB (8k chunks).
 * Buckets are not made smaller than `LEAST_BUCKET_BYTES` on average (128 of 3 KB for a
 * segment of 400 KB, 1k chunks). The count is stored with the segment (`SegmentRef.buckets`,
 * the meta section's term counts), so segments stored with another count still open.
 * test/bench/bucket-reads.ts measures the bytes a cold query reads and the cost of
 * opening, for this rule and others.
 */
const QUERY_TERMS = 8;
/** What a bucket costs whatever the query's terms, in bytes a cold query reads (its unsealing counted as bytes too). */
const BUCKET_COST = 96;
const LEAST_BUCKET_BYTES = 2 * 1024;
const MAX_BUCKETS = 4096;

/** Buckets for a lexical blob of `bytes`: a power of two near √(bytes / 12), of 2 KB or more on average, 4,096 at most. */
export const bucketCountFor = (bytes: number): number => {
  const balanced = Math.round(Math.log2(Math.sqrt((QUERY_TERMS * bytes) / BUCKET_COST)));
  const least = Math.floor(Math.log2(bytes / LEAST_BUCKET_BYTES));
  return Math.min(MAX_BUCKETS, 2 ** Math.max(0, Math.min(balanced, least)));
};

/** The bucket of a term hash, of `buckets`: the high bits of a multiplicative mix. */
export const bucketOf = (hash: number, buckets: number): number => Math.floor(((Math.imul(hash, 0x9e3779b1) >>> 0) / 2 ** 32) * buckets);

/** Splits a lexical blob into `buckets` blobs by term hash, postings copied as they are; and its lengths. */
export const splitLexical = (blob: Uint8Array, buckets: number): { lengths: Uint32Array; total: number; buckets: Uint8Array[] } => {
  const { total, hashes, dfs, offsets, lengths, postings } = lexicalColumns(blob);
  const slots: number[][] = Array.from({ length: buckets }, () => []);
  for (let s = 0; s < hashes.length; s++) slots[bucketOf(hashes[s]!, buckets)]!.push(s);
  const out = slots.map((list) => {
    const own = { hashes: new Uint32Array(list.length), dfs: new Uint32Array(list.length), offsets: new Uint32Array(list.length + 1) };
    list.forEach((s, t) => {
      own.hashes[t] = hashes[s]!;
      own.dfs[t] = dfs[s]!;
      own.offsets[t + 1] = own.offsets[t]! + offsets[s + 1]! - offsets[s]!;
    });
    const bytes = new Uint8Array(own.offsets[list.length]!);
    list.forEach((s, t) => bytes.set(postings.subarray(offsets[s], offsets[s + 1]), own.offsets[t]));
    return packLexicalColumns({ ...own, total: 0, lengths: new Uint32Array(0), postings: bytes });
  });
  return { lengths: Uint32Array.from(lengths), total, buckets: out };
};

/** Terms in a bucket blob, to check it against the count the meta section gives. */
export const bucketTermCount = (bucket: Uint8Array): number => lexicalColumns(bucket).hashes.length;

/**
 * One lexical segment of chunk `lengths` (`total` terms) and buckets of `termCounts[b]`
 * terms each, those loaded given (`buckets[b]` undefined when not): looking up a term
 * whose bucket is not loaded throws, so a caller must load the buckets of its terms.
 */
export const composeLexical = (
  lengths: Uint32Array,
  total: number,
  termCounts: readonly number[],
  buckets: ReadonlyArray<Uint8Array | undefined>,
): LexicalSegment => {
  const starts = new Uint32Array(termCounts.length + 1);
  termCounts.forEach((n, b) => (starts[b + 1] = starts[b]! + n));
  // Every bucket given is checked now (its columns and term count), and opened when first
  // used: a segment of many buckets opens in little time and holds little besides its bytes.
  buckets.forEach((bytes, b) => {
    if (!bytes) return;
    const held = lexicalColumns(bytes).hashes.length;
    if (held !== termCounts[b]) throw new Error(`lexical index: term bucket ${b} holds ${held} terms, the segment says ${termCounts[b]}`);
  });
  const opened: Array<LexicalSegment | undefined> = termCounts.map(() => undefined);
  const bucket = (b: number): LexicalSegment => {
    const seg = opened[b];
    if (seg) return seg;
    const bytes = buckets[b];
    if (!bytes) throw new Error(`lexical index: term bucket ${b} is not loaded`);
    return (opened[b] = openLexicalSegment(bytes));
  };
  /** The bucket holding a slot: the last whose start is at or below it. */
  const locate = (slot: number): [LexicalSegment, number] => {
    let lo = 0, hi = termCounts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >>> 1;
      if (starts[mid]! <= slot) lo = mid;
      else hi = mid - 1;
    }
    return [bucket(lo), slot - starts[lo]!];
  };
  const slot = (hash: number) => {
    const b = bucketOf(hash, termCounts.length);
    const s = bucket(b).slot(hash);
    return s < 0 ? -1 : starts[b]! + s;
  };
  return {
    chunkCount: lengths.length,
    termCount: starts[termCounts.length]!,
    totalLength: total,
    lengths,
    slot,
    hashOf: (s) => {
      const [seg, at] = locate(s);
      return seg.hashOf(at);
    },
    df: (hash) => bucket(bucketOf(hash, termCounts.length)).df(hash),
    forEachPosting(s, visit) {
      const [seg, at] = locate(s);
      seg.forEachPosting(at, visit);
    },
    accumulate(s, idf, k1, norms, ones, scores, touched, count) {
      const [seg, at] = locate(s);
      return seg.accumulate(at, idf, k1, norms, ones, scores, touched, count);
    },
    probe(s, idf, k1, norms, ones, scores, candidates, m) {
      const [seg, at] = locate(s);
      seg.probe(at, idf, k1, norms, ones, scores, candidates, m);
    },
  };
};
