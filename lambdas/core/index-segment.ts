/**
 * One index segment: the search entries of one or more document runs — which
 * chunk each entry is (document, run, sequence number), its compact vector code,
 * and its term postings — in one blob, stored sealed and split into items.
 *
 * Layout (little endian): u32 header length, the JSON header
 * `{"v":1,"runs":["<docId>#<run>",…],"n":<entries>}`, padding to 4 bytes;
 * u32[n] entry run index; u32[n] entry seq; u32 codes length, the codes blob
 * (vector-codes.ts), padding; u32 lexical length, the lexical blob
 * (lexical-index.ts), padding. Segments are built and merged in this packed form;
 * since layout 2 they are stored split into sections read apart (segment-sections.ts),
 * and packed segments stored whole before then still open here.
 */
import { concatCodes, encodeCodes, openCodes, type CodeSegment } from './vector-codes.ts';
import { createSignScanner, type SignScanner } from './sign-scan.ts';
import { buildLexicalSegment, mergeLexical, openLexicalSegment, type LexicalSegment } from './lexical-index.ts';
import type { SegmentRef } from './records.ts';

const VERSION = 1;

export interface SegmentEntry {
  readonly docId: string;
  readonly run: string;
  readonly seq: number;
}

/**
 * A segment opened for search: columns viewed in place. Its codes are undefined while
 * only the sections a cold query needs are loaded (segment-sections.ts).
 */
export interface SearchSegment {
  readonly ref: SegmentRef;
  readonly runs: ReadonlyArray<{ readonly docId: string; readonly run: string }>;
  /** Entry i is chunk `seqs[i]` of `runs[runOf[i]]`. */
  readonly runOf: Uint32Array;
  readonly seqs: Uint32Array;
  readonly codes: CodeSegment | undefined;
  readonly lexical: LexicalSegment;
  /** Sign bits of the codes for the first stage of dense search, made on first use (sparse queries never need them). */
  signs(): SignScanner;
  /**
   * Memory it holds, for the cache's budget: its bytes, and its sign scanner's once made
   * (bots whose queries are sparse, as the local embedder's, never make one).
   */
  readonly bytes: number;
}

/** A segment opened whole, codes included. */
export interface OpenedSegment extends SearchSegment {
  readonly codes: CodeSegment;
}

const pad4 = (n: number) => (n + 3) & ~3;

/** Builds a segment from entries with their vectors and the texts their terms come from. */
export const buildSegment = (entries: readonly SegmentEntry[], vectors: readonly Float32Array[], texts: readonly string[]): Uint8Array =>
  packSegment(entries, encodeCodes(vectors), buildLexicalSegment(texts));

/** Packs entries with an already-built codes blob and lexical blob. */
export const packSegment = (entries: readonly SegmentEntry[], codes: Uint8Array, lexical: Uint8Array): Uint8Array => {
  const runIndex = new Map<string, number>();
  const runOf = new Uint32Array(entries.length);
  const seqs = new Uint32Array(entries.length);
  entries.forEach((e, i) => {
    const key = `${e.docId}#${e.run}`;
    let r = runIndex.get(key);
    if (r === undefined) {
      r = runIndex.size;
      runIndex.set(key, r);
    }
    runOf[i] = r;
    seqs[i] = e.seq;
  });
  const header = new TextEncoder().encode(JSON.stringify({ v: VERSION, runs: [...runIndex.keys()], n: entries.length }));
  const headerEnd = pad4(4 + header.length);
  const codesAt = headerEnd + 8 * entries.length;
  const lexicalAt = pad4(codesAt + 4 + codes.length);
  const out = new Uint8Array(pad4(lexicalAt + 4 + lexical.length));
  const view = new DataView(out.buffer);
  view.setUint32(0, header.length, true);
  out.set(header, 4);
  new Uint32Array(out.buffer, headerEnd, entries.length).set(runOf);
  new Uint32Array(out.buffer, headerEnd + 4 * entries.length, entries.length).set(seqs);
  view.setUint32(codesAt, codes.length, true);
  out.set(codes, codesAt + 4);
  view.setUint32(lexicalAt, lexical.length, true);
  out.set(lexical, lexicalAt + 4);
  return out;
};

/** The parts of packed segment bytes, viewed in place (copied once if misaligned). */
export const unpackSegment = (input: Uint8Array, id = '(new)') => {
  // Typed-array views need 4-byte alignment: copy once if the bytes are not aligned.
  const bytes = input.byteOffset % 4 === 0 ? input : input.slice();
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const headerLength = view.getUint32(0, true);
  const header = JSON.parse(new TextDecoder().decode(bytes.subarray(4, 4 + headerLength))) as { v: number; runs: string[]; n: number };
  if (header.v !== VERSION) throw new Error(`index segment ${id}: unknown version ${header.v}`);
  const n = header.n;
  const headerEnd = pad4(4 + headerLength);
  const codesAt = headerEnd + 8 * n;
  const codesLength = view.getUint32(codesAt, true);
  const lexicalAt = pad4(codesAt + 4 + codesLength);
  const lexicalLength = view.getUint32(lexicalAt, true);
  return {
    bytes,
    runs: header.runs,
    runOf: new Uint32Array(bytes.buffer, bytes.byteOffset + headerEnd, n),
    seqs: new Uint32Array(bytes.buffer, bytes.byteOffset + headerEnd + 4 * n, n),
    codes: bytes.subarray(codesAt + 4, codesAt + 4 + codesLength),
    lexical: bytes.subarray(lexicalAt + 4, lexicalAt + 4 + lexicalLength),
  };
};

export const openSegment = (ref: SegmentRef, input: Uint8Array): OpenedSegment => {
  const { bytes, runs, runOf, seqs, codes: codesBytes, lexical } = unpackSegment(input, ref.id);
  const codes = openCodes(codesBytes);
  let signs: SignScanner | undefined;
  return {
    ref,
    runs: runs.map((key) => {
      const [docId, run] = key.split('#') as [string, string];
      return { docId, run };
    }),
    runOf,
    seqs,
    codes,
    lexical: openLexicalSegment(lexical),
    signs: () => (signs ??= createSignScanner(codes)),
    get bytes() {
      return bytes.byteLength + (signs?.bytes ?? 0);
    },
  };
};

/** The chunk an entry stands for. */
export const entryOf = (segment: Pick<SearchSegment, 'runs' | 'runOf' | 'seqs'>, i: number): SegmentEntry => {
  const { docId, run } = segment.runs[segment.runOf[i]!]!;
  return { docId, run, seq: segment.seqs[i]! };
};

/** One segment made of the live entries of several: codes copied as they are, postings regrouped. */
export const mergeSegments = (
  segments: readonly OpenedSegment[],
  isLive: (docId: string, run: string) => boolean,
): { bytes: Uint8Array; chunks: number } => {
  const entries: SegmentEntry[] = [];
  const codeRows: Array<{ codes: CodeSegment; chunk: number }> = [];
  const lexicalRows: Array<{ lexical: LexicalSegment; chunk: number }> = [];
  for (const seg of segments) {
    for (let i = 0; i < seg.seqs.length; i++) {
      const entry = entryOf(seg, i);
      if (!isLive(entry.docId, entry.run)) continue;
      entries.push(entry);
      codeRows.push({ codes: seg.codes, chunk: i });
      lexicalRows.push({ lexical: seg.lexical, chunk: i });
    }
  }
  return { bytes: packSegment(entries, concatCodes(codeRows), mergeLexical(lexicalRows)), chunks: entries.length };
};
