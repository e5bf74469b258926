/**
 * Index segments in layout 2: stored as sections that are read apart, so that the
 * first query after a cold start reads only the small ones.
 * - `meta`: the JSON header `{"v":2,"runs":[…],"n":…,"dims":…,"total":…,"terms":[…]}`
 *   (`terms`: the term count of each lexical bucket; `total`: terms over all chunks),
 *   then u32[n] entry run index, u32[n] entry seq and u32[n] chunk length (terms),
 *   deflated (runs of one value and counting seqs shrink to little).
 * - `signs`: the codes' sign bits, transposed as the sign scanner reads them (sign-scan.ts).
 * - `codes`: the codes blob (vector-codes.ts).
 * - `terms-<b>`: lexical bucket b (lexical-buckets.ts).
 * A cold query reads meta, signs and its terms' buckets; the codes and the other
 * buckets follow for the queries after it.
 */
import { deflateSync, inflateSync } from 'node:zlib';
import { bucketCountFor, bucketOf, bucketTermCount, composeLexical, splitLexical } from './lexical-buckets.ts';
import { termHash } from './lexical-index.ts';
import { createSignOnlyScanner, createSignScanner, signBytes, type SignScanner } from './sign-scan.ts';
import { terms } from './text.ts';
import { openCodes } from './vector-codes.ts';
import { unpackSegment, type OpenedSegment, type SearchSegment } from './index-segment.ts';
import type { SegmentRef } from './records.ts';

const LAYOUT = 2;

export const SECTION = { meta: 'meta', signs: 'signs', codes: 'codes', bucket: (b: number) => `terms-${b}` } as const;

/**
 * A segment's sections, for storage: built from its packed (layout 1) bytes, as built or merged;
 * its lexical index in `bucketCountFor` buckets unless told how many (segments stored earlier have other counts).
 */
export const sectionsOf = (packed: Uint8Array, bucketCount?: number): { sections: Map<string, Uint8Array>; buckets: number; chunks: number } => {
  const { runs, runOf, seqs, codes, lexical } = unpackSegment(packed);
  const n = runOf.length;
  const buckets = bucketCount ?? bucketCountFor(lexical.length);
  const split = splitLexical(lexical, buckets);
  if (split.lengths.length !== n) throw new Error(`index segment: ${split.lengths.length} chunk lengths for ${n} entries`);
  const opened = openCodes(codes);
  const header = new TextEncoder().encode(JSON.stringify({ v: LAYOUT, runs, n, dims: opened.dims, total: split.total, terms: split.buckets.map(bucketTermCount) }));
  const at = (4 + header.length + 3) & ~3;
  const meta = new Uint8Array(at + 12 * n);
  new DataView(meta.buffer).setUint32(0, header.length, true);
  meta.set(header, 4);
  const columns = new Uint32Array(meta.buffer, at, 3 * n);
  columns.set(runOf, 0);
  columns.set(seqs, n);
  columns.set(split.lengths, 2 * n);
  const sections = new Map<string, Uint8Array>([
    [SECTION.meta, new Uint8Array(deflateSync(meta))],
    [SECTION.signs, signBytes(opened)],
    [SECTION.codes, codes],
  ]);
  split.buckets.forEach((bytes, b) => sections.set(SECTION.bucket(b), bytes));
  return { sections, buckets, chunks: n };
};

/** A segment's meta section, opened. */
export interface SegmentMeta {
  readonly runs: ReadonlyArray<{ readonly docId: string; readonly run: string }>;
  readonly runOf: Uint32Array;
  readonly seqs: Uint32Array;
  readonly lengths: Uint32Array;
  readonly dims: number;
  readonly total: number;
  readonly terms: readonly number[];
  readonly bytes: number;
}

export const openMeta = (ref: SegmentRef, sealedOpen: Uint8Array): SegmentMeta => {
  let bytes: Uint8Array;
  try {
    bytes = new Uint8Array(inflateSync(sealedOpen));
  } catch {
    throw new Error(`index segment ${ref.id}: its meta section is damaged or truncated`);
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const length = bytes.length >= 4 ? view.getUint32(0, true) : Infinity;
  if (4 + length > bytes.length) throw new Error(`index segment ${ref.id}: its meta section is truncated`);
  const header = JSON.parse(new TextDecoder().decode(bytes.subarray(4, 4 + length))) as { v: number; runs: string[]; n: number; dims: number; total: number; terms: number[] };
  if (header.v !== LAYOUT) throw new Error(`index segment ${ref.id}: unknown meta version ${header.v}`);
  const at = (4 + length + 3) & ~3;
  const n = header.n;
  if (bytes.length !== at + 12 * n || n !== ref.chunks) throw new Error(`index segment ${ref.id}: its meta section is truncated or does not match the segment`);
  if (header.terms.length !== (ref.buckets ?? 0)) throw new Error(`index segment ${ref.id}: ${header.terms.length} term buckets, the index says ${ref.buckets}`);
  const column = (k: number) => new Uint32Array(bytes.buffer, bytes.byteOffset + at + 4 * k * n, n);
  return {
    runs: header.runs.map((key) => {
      const [docId, run] = key.split('#') as [string, string];
      return { docId, run };
    }),
    runOf: column(0),
    seqs: column(1),
    lengths: column(2),
    dims: header.dims,
    total: header.total,
    terms: header.terms,
    bytes: bytes.byteLength,
  };
};

/** The term buckets a query's terms fall in, for a segment of `buckets`. */
export const bucketsForQuery = (query: string, buckets: number): number[] =>
  [...new Set(terms(query).map((t) => bucketOf(termHash(t), buckets)))].sort((a, b) => a - b);

const bucketList = (meta: SegmentMeta, loaded: ReadonlyMap<number, Uint8Array>) => meta.terms.map((_, b) => loaded.get(b));

/**
 * A segment opened for a cold query: its entries, the sign bits for the first stage of
 * dense search and the lexical buckets loaded (those of the query's terms); no codes.
 */
export const coldSegment = (ref: SegmentRef, meta: SegmentMeta, signs: Uint8Array, buckets: ReadonlyMap<number, Uint8Array>): SearchSegment => {
  const scanner = createSignOnlyScanner(signs, ref.chunks, meta.dims);
  let bucketBytes = 0;
  for (const b of buckets.values()) bucketBytes += b.byteLength;
  return {
    ref,
    runs: meta.runs,
    runOf: meta.runOf,
    seqs: meta.seqs,
    codes: undefined,
    lexical: composeLexical(meta.lengths, meta.total, meta.terms, bucketList(meta, buckets)),
    signs: () => scanner,
    bytes: meta.bytes + bucketBytes + scanner.bytes,
  };
};

/** A segment opened whole from its sections: meta, codes and every bucket. */
export const openSections = (ref: SegmentRef, meta: SegmentMeta, codesBytes: Uint8Array, buckets: ReadonlyMap<number, Uint8Array>): OpenedSegment => {
  let codes = openCodes(codesBytes);
  if (codes.count !== meta.runOf.length) throw new Error(`index segment ${ref.id}: ${codes.count} codes for ${meta.runOf.length} entries`);
  const missing = meta.terms.findIndex((_, b) => !buckets.has(b));
  if (missing >= 0) throw new Error(`index segment ${ref.id}: term bucket ${missing} is missing`);
  let signs: SignScanner | undefined;
  let bucketBytes = 0;
  for (const b of buckets.values()) bucketBytes += b.byteLength;
  // The codes' own bytes, until the sign scanner holds the one copy of them.
  let codesHeld = codesBytes.byteLength;
  return {
    ref,
    runs: meta.runs,
    runOf: meta.runOf,
    seqs: meta.seqs,
    get codes() {
      return codes;
    },
    lexical: composeLexical(meta.lengths, meta.total, meta.terms, bucketList(meta, buckets)),
    signs: () => {
      if (signs) return signs;
      signs = createSignScanner(codes);
      // One copy of the codes: read them where the scanner keeps them, and let the section's bytes go.
      if (signs.codes) {
        codes = { ...codes, codes: signs.codes };
        codesHeld = 4 * codes.count;
      }
      return signs;
    },
    get bytes() {
      return meta.bytes + codesHeld + bucketBytes + (signs?.bytes ?? 0);
    },
  };
};
