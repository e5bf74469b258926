/**
 * BM25 lexical index, one immutable segment (one document's chunks) a blob.
 * Terms come from `terms()` and are hashed to u32 (FNV-1a over UTF-16 code
 * units, as the local embedder hashes its features); a rare hash collision
 * merges two terms, which costs a little precision and nothing else.
 *
 * Search is global across a bot's segments: N, the average chunk length and
 * each term's df are summed over all segments before scoring, so a chunk scores
 * the same whichever segment holds it. Scores are Anserini's BM25 (Lucene idf
 * ln(1 + (N − df + 0.5)/(df + 0.5)), k1 0.9, b 0.4), summed over query terms
 * (a repeated query term counts again).
 *
 * Blob layout, u32 little endian unless said: version, chunk count C, term count
 * T, total length (terms over all chunks); T sorted term hashes; T dfs; T + 1
 * postings offsets; C chunk lengths; then the postings bytes. A term's postings
 * are, for each chunk holding it in ascending order, the varint
 * (gap << 1 | tf > 1) and, if tf > 1, the varint tf; the first gap counts from 0.
 * Opening views the columns in place (one copy only if the bytes are misaligned).
 */
import { createTopHits, type Hit } from './vector-codes.ts';
import { terms } from './text.ts';

export interface Bm25Params {
  readonly k1: number;
  readonly b: number;
}

export const DEFAULT_BM25: Bm25Params = { k1: 0.9, b: 0.4 };

const VERSION = 1;
const HEADER = 16;

if (new Uint8Array(new Uint32Array([1]).buffer)[0] !== 1) throw new Error('lexical index: needs a little-endian host');

/** FNV-1a, 32 bits, over UTF-16 code units. */
export const termHash = (term: string): number => {
  let h = 0x811c9dc5;
  for (let i = 0; i < term.length; i++) {
    h ^= term.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
};

const writeVarint = (out: number[], value: number) => {
  let v = value;
  while (v >= 0x80) {
    out.push((v & 0x7f) | 0x80);
    v = Math.floor(v / 128);
  }
  out.push(v);
};

/** Postings are kept while building as chunk · TF_SPAN + tf (tf clamped below TF_SPAN): one number a posting. */
const TF_SPAN = 2 ** 20;

/** Serialises postings (term hash → packed postings) and chunk lengths as one segment blob. */
const serialise = (postings: ReadonlyMap<number, number[]>, lengths: Uint32Array): Uint8Array => {
  const hashes = Uint32Array.from(postings.keys()).sort();
  const bytes: number[] = [];
  const offsets = new Uint32Array(hashes.length + 1);
  const dfs = new Uint32Array(hashes.length);
  hashes.forEach((h, t) => {
    const list = postings.get(h)!;
    for (let i = 1; i < list.length; i++) {
      if (list[i]! < list[i - 1]!) {
        list.sort((x, y) => x - y);
        break;
      }
    }
    let prev = 0;
    for (const packed of list) {
      const chunk = Math.floor(packed / TF_SPAN), tf = packed % TF_SPAN;
      writeVarint(bytes, (chunk - prev) * 2 + (tf > 1 ? 1 : 0));
      if (tf > 1) writeVarint(bytes, tf);
      prev = chunk;
    }
    dfs[t] = list.length;
    offsets[t + 1] = bytes.length;
  });
  let total = 0;
  for (const n of lengths) total += n;
  return packLexicalColumns({ total, hashes, dfs, offsets, lengths, postings: Uint8Array.from(bytes) });
};

const addPosting = (postings: Map<number, number[]>, hash: number, chunk: number, tf: number) => {
  const packed = chunk * TF_SPAN + Math.min(tf, TF_SPAN - 1);
  const list = postings.get(hash);
  if (list) list.push(packed);
  else postings.set(hash, [packed]);
};

/** Builds one segment from its chunk texts (chunk i is text i). */
export const buildLexicalSegment = (texts: readonly string[]): Uint8Array => {
  const postings = new Map<number, number[]>();
  const lengths = new Uint32Array(texts.length);
  texts.forEach((text, chunk) => {
    const counts = new Map<number, number>();
    const ts = terms(text);
    for (const t of ts) {
      const h = termHash(t);
      counts.set(h, (counts.get(h) ?? 0) + 1);
    }
    lengths[chunk] = ts.length;
    for (const [h, tf] of counts) addPosting(postings, h, chunk, tf);
  });
  return serialise(postings, lengths);
};

/**
 * One segment made of chosen chunks of opened segments: chunk i of the result is
 * chunk `rows[i].chunk` of `rows[i].lexical`, with its postings and length. For
 * compaction, so that no text has to be read again.
 */
export const mergeLexical = (rows: ReadonlyArray<{ readonly lexical: LexicalSegment; readonly chunk: number }>): Uint8Array => {
  const lengths = new Uint32Array(rows.length);
  // Per source segment: old chunk → its new chunk numbers.
  const sources = new Map<LexicalSegment, Map<number, number[]>>();
  rows.forEach(({ lexical, chunk }, n) => {
    if (!(chunk >= 0 && chunk < lexical.chunkCount)) throw new RangeError(`lexical index: no chunk ${chunk} to merge`);
    lengths[n] = lexical.lengths[chunk]!;
    let byChunk = sources.get(lexical);
    if (!byChunk) sources.set(lexical, (byChunk = new Map<number, number[]>()));
    byChunk.set(chunk, [...(byChunk.get(chunk) ?? []), n]);
  });
  const postings = new Map<number, number[]>();
  for (const [seg, byChunk] of sources) {
    for (let slot = 0; slot < seg.termCount; slot++) {
      const hash = seg.hashOf(slot);
      seg.forEachPosting(slot, (chunk, tf) => {
        for (const n of byChunk.get(chunk) ?? []) addPosting(postings, hash, n, tf);
      });
    }
  }
  return serialise(postings, lengths);
};

/** One opened segment: columns viewed in place, answering df and postings by binary search. */
export interface LexicalSegment {
  readonly chunkCount: number;
  readonly termCount: number;
  /** Terms over all chunks. */
  readonly totalLength: number;
  /** Terms in each chunk. */
  readonly lengths: Uint32Array;
  /** The dictionary slot of a term hash, or −1; slots run from 0 to termCount − 1 in hash order. */
  slot(hash: number): number;
  /** The term hash in dictionary `slot`. */
  hashOf(slot: number): number;
  df(hash: number): number;
  /** Calls `visit` for each chunk holding the term in dictionary `slot`, in ascending order. */
  forEachPosting(slot: number, visit: (chunk: number, tf: number) => void): void;
  /**
   * Adds the BM25 term score of each chunk holding the term in `slot` to `scores`, as
   * `idf · tf · (k1 + 1) / (tf + norms[chunk])`, or `idf · ones[chunk]` where tf is 1 (most
   * postings: no division); chunks whose score was 0 are appended to `touched` from `count`.
   * Returns the new count. The search loop, decoding in place without a call a posting.
   */
  accumulate(slot: number, idf: number, k1: number, norms: Float64Array, ones: Float64Array, scores: Float64Array, touched: Int32Array, count: number): number;
  /**
   * As `accumulate`, but only for the first `m` chunks of `candidates` (ascending), skipping
   * blocks of 64 postings that hold none of them: how a long list is read once a query's
   * top is known to lie among a few chunks.
   */
  probe(slot: number, idf: number, k1: number, norms: Float64Array, ones: Float64Array, scores: Float64Array, candidates: Int32Array, m: number): void;
}

/** Postings a skip block spans; lists of more than two blocks get skip entries (made on first probe). */
const SKIP = 64;

/** The columns of a segment blob, viewed in place (one copy only if the bytes are misaligned). */
export interface LexicalColumns {
  readonly total: number;
  readonly hashes: Uint32Array;
  readonly dfs: Uint32Array;
  /** T + 1 postings offsets. */
  readonly offsets: Uint32Array;
  readonly lengths: Uint32Array;
  readonly postings: Uint8Array;
}

export const lexicalColumns = (input: Uint8Array): LexicalColumns => {
  const bytes = input.byteOffset % 4 === 0 ? input : input.slice();
  if (bytes.length < HEADER) throw new Error('lexical index: truncated header');
  const head = new Uint32Array(bytes.buffer, bytes.byteOffset, 4);
  const version = head[0]!, C = head[1]!, T = head[2]!, total = head[3]!;
  const postingsAt = HEADER + 4 * (3 * T + 1 + C);
  if (version !== VERSION || bytes.length < postingsAt) throw new Error('lexical index: unknown version or truncated');
  const column = (at: number, n: number) => new Uint32Array(bytes.buffer, bytes.byteOffset + HEADER + 4 * at, n);
  const hashes = column(0, T), dfs = column(T, T), offsets = column(2 * T, T + 1), lengths = column(3 * T + 1, C);
  if (bytes.length !== postingsAt + offsets[T]!) throw new Error('lexical index: wrong length');
  return { total, hashes, dfs, offsets, lengths, postings: bytes.subarray(postingsAt) };
};

/** A segment blob of the given columns (offsets from 0): the inverse of `lexicalColumns`. */
export const packLexicalColumns = (columns: LexicalColumns): Uint8Array => {
  const T = columns.hashes.length, C = columns.lengths.length;
  const out = new Uint8Array(HEADER + 4 * (3 * T + 1 + C) + columns.postings.length);
  const words = new Uint32Array(out.buffer, 0, (out.length - columns.postings.length) / 4);
  words.set([VERSION, C, T, columns.total]);
  words.set(columns.hashes, 4);
  words.set(columns.dfs, 4 + T);
  words.set(columns.offsets, 4 + 2 * T);
  words.set(columns.lengths, 5 + 3 * T);
  out.set(columns.postings, out.length - columns.postings.length);
  return out;
};

export const openLexicalSegment = (input: Uint8Array): LexicalSegment => {
  const { total, hashes, dfs, offsets, lengths, postings } = lexicalColumns(input);
  const T = hashes.length, C = lengths.length;
  const slot = (hash: number): number => {
    let lo = 0, hi = T - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      const h = hashes[mid]!;
      if (h === hash) return mid;
      if (h < hash) lo = mid + 1;
      else hi = mid - 1;
    }
    return -1;
  };
  // Per list: pairs (byte offset of posting 64k, chunk of the posting before it).
  const skips = new Map<number, Int32Array>();
  const skipsOf = (s: number): Int32Array => {
    const hit = skips.get(s);
    if (hit) return hit;
    const pairs: number[] = [offsets[s]!, 0];
    if (dfs[s]! > 2 * SKIP) {
      let at = offsets[s]!, chunk = 0, p = 0;
      const end = offsets[s + 1]!;
      while (at < end) {
        if (p > 0 && p % SKIP === 0) pairs.push(at, chunk);
        let v = 0, shift = 1, b: number;
        do {
          b = postings[at++]!;
          v += (b & 0x7f) * shift;
          shift *= 128;
        } while (b & 0x80);
        chunk += Math.floor(v / 2);
        if (v & 1) while (postings[at++]! & 0x80);
        p++;
      }
    }
    const out = Int32Array.from(pairs);
    skips.set(s, out);
    return out;
  };
  return {
    chunkCount: C,
    termCount: T,
    totalLength: total,
    lengths,
    slot,
    hashOf: (s) => hashes[s]!,
    df: (hash) => {
      const s = slot(hash);
      return s < 0 ? 0 : dfs[s]!;
    },
    forEachPosting(s, visit) {
      let at = offsets[s]!;
      const end = offsets[s + 1]!;
      let chunk = 0;
      while (at < end) {
        let v = 0, shift = 1, b: number;
        do {
          b = postings[at++]!;
          v += (b & 0x7f) * shift;
          shift *= 128;
        } while (b & 0x80);
        chunk += Math.floor(v / 2);
        let tf = 1;
        if (v & 1) {
          tf = 0;
          shift = 1;
          do {
            b = postings[at++]!;
            tf += (b & 0x7f) * shift;
            shift *= 128;
          } while (b & 0x80);
        }
        visit(chunk, tf);
      }
    },
    accumulate(s, idf, k1, norms, ones, scores, touched, count) {
      let at = offsets[s]!, n = count, chunk = 0;
      const end = offsets[s + 1]!;
      while (at < end) {
        let b = postings[at++]!;
        let v = b & 0x7f;
        // Gaps below 64 (one byte) are the common case.
        if (b & 0x80) {
          let shift = 128;
          do {
            b = postings[at++]!;
            v += (b & 0x7f) * shift;
            shift *= 128;
          } while (b & 0x80);
        }
        chunk += Math.floor(v / 2);
        if (scores[chunk] === 0) touched[n++] = chunk;
        if (v & 1) {
          let tf = 0, shift = 1;
          do {
            b = postings[at++]!;
            tf += (b & 0x7f) * shift;
            shift *= 128;
          } while (b & 0x80);
          scores[chunk]! += (idf * tf * (k1 + 1)) / (tf + norms[chunk]!);
        } else {
          scores[chunk]! += idf * ones[chunk]!;
        }
      }
      return n;
    },
    probe(s, idf, k1, norms, ones, scores, candidates, m) {
      const blocks = skipsOf(s);
      const last = blocks.length / 2 - 1;
      const end = offsets[s + 1]!;
      // `chunk` is the base the next gap counts from; `cur` the chunk last decoded (−1: none yet).
      let at = offsets[s]!, chunk = 0, cur = -1, block = 0, i = 0;
      while (i < m) {
        const target = candidates[i]!;
        // Every posting before a block whose preceding chunk is below the target is below it too.
        while (block < last && blocks[2 * (block + 1) + 1]! < target) block++;
        if (blocks[2 * block]! > at) {
          at = blocks[2 * block]!;
          chunk = blocks[2 * block + 1]!;
          cur = -1;
        }
        let tf = 0;
        while (at < end && cur < target) {
          let b = postings[at++]!;
          let v = b & 0x7f, shift = 128;
          while (b & 0x80) {
            b = postings[at++]!;
            v += (b & 0x7f) * shift;
            shift *= 128;
          }
          chunk += Math.floor(v / 2);
          cur = chunk;
          tf = 1;
          if (v & 1) {
            tf = 0;
            shift = 1;
            do {
              b = postings[at++]!;
              tf += (b & 0x7f) * shift;
              shift *= 128;
            } while (b & 0x80);
          }
        }
        if (cur < target) return;
        while (i < m && candidates[i]! < cur) i++;
        if (i < m && candidates[i] === cur) {
          scores[cur]! += tf === 1 ? idf * ones[cur]! : (idf * tf * (k1 + 1)) / (tf + norms[cur]!);
          i++;
        }
      }
    },
  };
};

/** Lucene's BM25 idf of a term held by `df` of `n` chunks. */
const idfOf = (n: number, df: number): number => Math.log(1 + (n - df + 0.5) / (df + 0.5));

/**
 * Each distinct term of `text` (as `terms()` makes them) with its BM25 idf over the
 * segments, as search weighs it. A term no chunk holds weighs as much as the rarest
 * term held (one chunk): what the documents never say counts fully, but a bot of a
 * few chunks does not let every unfamiliar word outweigh all the others.
 * Empty when the segments hold no chunk.
 */
export const termIdf = (segments: readonly LexicalSegment[], text: string): Map<string, number> => {
  const n = segments.reduce((sum, seg) => sum + seg.chunkCount, 0);
  const out = new Map<string, number>();
  if (n === 0) return out;
  for (const t of terms(text)) {
    if (out.has(t)) continue;
    const h = termHash(t);
    out.set(t, idfOf(n, Math.max(1, segments.reduce((sum, seg) => sum + seg.df(h), 0))));
  }
  return out;
};

/**
 * Score accumulators reused across queries (left zeroed after each use): a warm
 * function answering many queries over a big bot allocates them once, not per query.
 */
let scratch = { scores: new Float64Array(0), touched: new Int32Array(0) };
const scratchFor = (size: number) => {
  if (scratch.scores.length < size) scratch = { scores: new Float64Array(size), touched: new Int32Array(size) };
  return scratch;
};

/**
 * Each chunk's length normalisation k1 · (1 − b + b · length / avgdl), and (k1 + 1) / (1 + that),
 * a tf-1 posting's score per unit of idf: kept per segment for the bot's average length in force,
 * which changes only when the bot's segments do.
 */
const norms = new WeakMap<LexicalSegment, { key: string; norms: Float64Array; ones: Float64Array }>();
const lengthNorms = (seg: LexicalSegment, k1: number, b: number, avgdl: number) => {
  const key = `${k1}/${b}/${avgdl}`;
  const hit = norms.get(seg);
  if (hit?.key === key) return hit;
  const out = { key, norms: new Float64Array(seg.chunkCount), ones: new Float64Array(seg.chunkCount) };
  for (let c = 0; c < seg.chunkCount; c++) {
    out.norms[c] = k1 * (1 - b + (b * seg.lengths[c]!) / avgdl);
    out.ones[c] = (k1 + 1) / (1 + out.norms[c]!);
  }
  norms.set(seg, out);
  return out;
};

/** The n-th best score among the touched chunks (n ≤ count). */
const nthBest = (scores: Float64Array, touched: Int32Array, count: number, n: number): number => {
  const top = createTopHits(n);
  for (let i = 0; i < count; i++) {
    const score = scores[touched[i]!]!;
    if (score >= top.floor()) top.push(0, i, score);
  }
  return top.floor();
};

/**
 * The n chunks across `segments` with the best BM25 score for `queryText`, best first.
 * Exact, with MaxScore pruning: once the terms left could not lift a chunk none of the
 * earlier (rarer) terms holds into the top n, the long lists of common terms are only
 * probed for the chunks that can still make it, fewer after each list as the floor rises.
 */
export const searchLexical = (
  segments: readonly LexicalSegment[],
  queryText: string,
  n: number,
  params: Partial<Bm25Params> = {},
): Hit[] => {
  const { k1, b } = { ...DEFAULT_BM25, ...params };
  const weights = new Map<number, number>(); // term hash → times in the query
  for (const t of terms(queryText)) {
    const h = termHash(t);
    weights.set(h, (weights.get(h) ?? 0) + 1);
  }
  let N = 0, total = 0, widest = 0;
  for (const seg of segments) {
    N += seg.chunkCount;
    total += seg.totalLength;
    widest = Math.max(widest, seg.chunkCount);
  }
  if (N === 0 || weights.size === 0 || n <= 0) return [];
  const avgdl = total / N || 1;
  // Each query term's slot in each segment, and its df over the whole bot.
  const query = [...weights].map(([hash, times]) => {
    const slots = segments.map((seg) => seg.slot(hash));
    let df = 0;
    for (const [s, seg] of segments.entries()) {
      const at = slots[s]!;
      if (at >= 0) df += seg.df(hash);
    }
    return { slots, df, idf: times * idfOf(N, df) };
  }).filter((q) => q.df > 0);
  const top = createTopHits(n);
  const { scores, touched } = scratchFor(widest);
  segments.forEach((seg, s) => {
    const { norms, ones } = lengthNorms(seg, k1, b, avgdl);
    // MaxScore: terms by their highest possible score (idf · (k1 + 1)), highest first; rest[j] is
    // the most terms j… can add to any chunk.
    const terms = query.flatMap((q) => (q.slots[s]! >= 0 ? [{ slot: q.slots[s]!, idf: q.idf }] : [])).sort((x, y) => y.idf - x.idf);
    const rest = new Float64Array(terms.length + 1);
    for (let j = terms.length - 1; j >= 0; j--) rest[j] = rest[j + 1]! + terms[j]!.idf * (k1 + 1);
    let count = 0, j = 0, floor = top.floor();
    for (; j < terms.length; j++) {
      // A chunk no term so far holds cannot reach the top n any more: the rest only add to chunks already seen.
      if (rest[j]! < floor) break;
      count = seg.accumulate(terms[j]!.slot, terms[j]!.idf, k1, norms, ones, scores, touched, count);
      if (count >= n && j + 1 < terms.length) floor = Math.max(floor, nthBest(scores, touched, count, n));
    }
    if (j < terms.length) {
      // Only chunks that can still reach the floor are read in the remaining (long, low-idf) lists.
      const candidates = new Int32Array(count);
      let m = 0;
      for (let i = 0; i < count; i++) if (scores[touched[i]!]! + rest[j]! >= floor) candidates[m++] = touched[i]!;
      const live = candidates.subarray(0, m).sort();
      for (let t = j; t < terms.length; t++) {
        seg.probe(terms[t]!.slot, terms[t]!.idf, k1, norms, ones, scores, live, m);
        if (t + 1 === terms.length) break;
        // Each list read raises the candidates' scores, and with them the floor: keep only those
        // the lists still unread could lift to it, so that the longest lists are probed for fewest.
        floor = Math.max(floor, nthBest(scores, live, m, n));
        let kept = 0;
        for (let i = 0; i < m; i++) if (scores[live[i]!]! + rest[t + 1]! >= floor) live[kept++] = live[i]!;
        m = kept;
      }
      for (let i = 0; i < m; i++) top.push(s, live[i]!, scores[live[i]!]!);
    } else {
      for (let i = 0; i < count; i++) top.push(s, touched[i]!, scores[touched[i]!]!);
    }
    for (let i = 0; i < count; i++) scores[touched[i]!] = 0;
  });
  return top.hits();
};
