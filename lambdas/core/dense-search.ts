/**
 * Dense candidate search over a bot's segments, in two stages when it pays:
 * 1. sign bits of every code against the query's nibble tables (sign-scan.ts), keeping a
 *    pool of the best 5% (at least 2,000);
 * 2. the stored codes (int4) of the pool only, keeping the n best: in a SIMD
 *    kernel against an int8 query (sign-scan.ts), its 2n best then scored
 *    against the float query as the byte-table scan would score them.
 * Callers rescore those n with the full-precision vectors.
 *
 * The pool's size comes from a measurement, not a bound: Gaussian unit vectors
 * (the hardest case, every neighbour near the same distance) at 100k × 512
 * kept recall@10 after exact rescoring at 0.99 with 5%, 0.975 with 3%, 0.96
 * with 2%; anisotropic, clustered vectors like real embeddings kept 1.0 with 0.5%.
 *
 * Sparse queries (the local hashed embedder's) and bots no larger than the pool
 * skip the first stage: the single int4 scan skips a sparse query's zero bytes
 * and is then already cheap, and its results stay exactly what they were.
 */
import { prepareInt4Query, prepareSignQuery, signEstimate, type SignQuery, type SignScanner } from './sign-scan.ts';
import { createTopHits, searchCodes, searchCodesAmong, type CodeSegment, type Hit } from './vector-codes.ts';

/** A segment's codes and, for the first stage, its sign bits (made on first use). */
export interface DenseSegment {
  readonly codes: CodeSegment;
  signs(): SignScanner;
}

/** Share of all codes the first stage keeps, and the least it keeps. */
export const POOL_SHARE = 0.05;
export const MIN_POOL = 2_000;

/** Codes the first stage keeps for `n` wanted among `total`. */
export const poolSize = (total: number, n: number): number => Math.max(MIN_POOL, 4 * n, Math.ceil(POOL_SHARE * total));

/** Dense enough for sign bits to say something: most components not zero. */
export const isDenseQuery = (query: Float32Array): boolean => {
  let nonzero = 0;
  for (let i = 0; i < query.length; i++) if (query[i] !== 0) nonzero++;
  return nonzero * 2 > query.length;
};

export interface DenseOptions {
  /** Whether int4 codes take the second stage in the SIMD kernel (default) or the byte-table scan (for benchmarks). */
  readonly kernel?: boolean;
  /** Codes the first stage keeps, instead of `poolSize` (for benchmarks). */
  readonly pool?: number;
}

/** Reused between queries: a count for each possible kernel score. */
let histogram = new Int32Array(0);

/**
 * The n codes across `segments` whose stored codes score best against `query`,
 * best first, among the pool the sign bits chose (or among all, see above).
 */
export const searchDense = (segments: readonly DenseSegment[], query: Float32Array, n: number, options: DenseOptions = {}): Hit[] => {
  const total = segments.reduce((sum, s) => sum + s.codes.count, 0);
  const pool = options.pool ?? poolSize(total, n);
  if (pool >= total || n <= 0 || !isDenseQuery(query)) return searchCodes(segments.map((s) => s.codes), query, n);
  const { scores, cut } = signPool(segments, prepareSignQuery(query), pool);
  if (options.kernel !== false && segments.every((s) => s.signs().int4)) return secondStageInt4(segments, query, n, cut);
  const among = scores.map((out) => {
    const list: number[] = [];
    for (let c = 0; c < out.length; c++) if (out[c]! >= cut) list.push(c);
    return Int32Array.from(list);
  });
  return searchCodesAmong(segments.map((s) => s.codes), query, n, among);
};

/**
 * Every code's sign score (each segment's scanner view, valid until its next scan) and the
 * least score of the `pool` best: kernel scores lie within ±span, so they are counted, then
 * the cut found from the top.
 */
const signPool = (segments: ReadonlyArray<Pick<DenseSegment, 'signs'>>, q: SignQuery, pool: number): { scores: Int16Array[]; cut: number; above: number } => {
  const { span } = q;
  if (histogram.length < 2 * span + 1) histogram = new Int32Array(2 * span + 1);
  else histogram.fill(0, 0, 2 * span + 1);
  const scores = segments.map((s) => {
    const out = s.signs().scan(q);
    for (let c = 0; c < out.length; c++) histogram[out[c]! + span]!++;
    return out;
  });
  let threshold = 2 * span, kept = 0;
  while (threshold > 0 && kept + histogram[threshold]! < pool) kept += histogram[threshold--]!;
  return { scores, cut: threshold - span, above: kept };
};

/**
 * The first stage alone, for a cold query whose segments have no codes loaded yet: the
 * `pool` codes with the best sign scores (ties at the cut taken in order), best first,
 * scored by their sign estimate. Callers rescore them exactly with the full vectors.
 */
export const searchSigns = (segments: ReadonlyArray<Pick<DenseSegment, 'signs'>>, query: Float32Array, pool: number): Hit[] => {
  if (pool <= 0 || segments.length === 0) return [];
  const q = prepareSignQuery(query);
  const { scores, cut, above } = signPool(segments, q, pool);
  const hits: Hit[] = [];
  let ties = pool - above;
  scores.forEach((out, segment) => {
    for (let c = 0; c < out.length; c++) {
      const score = out[c]!;
      if (score > cut || (score === cut && ties-- > 0)) hits.push({ segment, chunk: c, score: signEstimate(q, score) });
    }
  });
  return hits.sort((a, b) => b.score - a.score);
};

/** Survivors of the integer second stage rescored in floating point, per result wanted. */
const REFINE_PER_RESULT = 2;

/** The int4 dot product of code `c` with the float query: what the byte-table scan scores. */
const int4Score = (seg: CodeSegment, c: number, query: Float32Array): number => {
  const { codes, codeBytes, dims } = seg;
  const at = c * codeBytes;
  let sum = 0;
  for (let j = 0, i = 0; j < codeBytes; j++, i += 2) {
    const b = codes[at + j]!;
    sum += ((b << 28) >> 28) * query[i]!;
    if (i + 1 < dims) sum += ((b << 24) >> 28) * query[i + 1]!;
  }
  return sum * seg.scales![c]!;
};

/**
 * The second stage over int4 codes, in the scanners' SIMD kernel: the codes at or above
 * the sign-score `cut`, scored against an int8 query; the 2n best of those are scored
 * again against the float query, so the n returned carry the scores (and order) the
 * byte-table scan gives, the int8 query's rounding only deciding which 2n get there.
 */
const secondStageInt4 = (segments: readonly DenseSegment[], query: Float32Array, n: number, cut: number): Hit[] => {
  const q = prepareInt4Query(query);
  const survivors = createTopHits(REFINE_PER_RESULT * n);
  segments.forEach((s, i) => {
    const scales = s.codes.scales!;
    const pairs = s.signs().int4!(q, cut);
    for (let x = 0; x < pairs.length; x += 2) {
      const c = pairs[x]!;
      const estimate = pairs[x + 1]! * scales[c]!;
      if (estimate >= survivors.floor()) survivors.push(i, c, estimate);
    }
  });
  const top = createTopHits(n);
  for (const h of survivors.hits()) top.push(h.segment, h.chunk, int4Score(segments[h.segment]!.codes, h.chunk, query));
  return top.hits();
};
