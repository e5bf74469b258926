import { describe, expect, it } from 'vitest';
import { isDenseQuery, poolSize, searchDense, type DenseSegment } from '../../lambdas/core/dense-search.ts';
import { createSignScanner, prepareInt4Query, prepareSignQuery, RELAXED_SIMD, signEstimate } from '../../lambdas/core/sign-scan.ts';
import { decodeCodes, encodeCodes, openCodes, rescore, searchCodes, type CodeKind, type CodeSegment } from '../../lambdas/core/vector-codes.ts';

/** mulberry32: a seeded generator, so every run sees the same "random" data. */
const seeded = (seed: number) => () => {
  let t = (seed = (seed + 0x6d2b79f5) | 0);
  t = Math.imul(t ^ (t >>> 15), 1 | t);
  t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
};
const unit = (v: Float32Array) => {
  const n = Math.hypot(...v);
  return n ? v.map((x) => x / n) : v;
};
const gaussian = (rand: () => number, dims: number) =>
  unit(Float32Array.from({ length: dims }, () => Math.sqrt(-2 * Math.log(rand() || 1e-12)) * Math.cos(2 * Math.PI * rand())));
const sparse = (rand: () => number, dims: number, nonzero: number) => {
  const v = new Float32Array(dims);
  for (let i = 0; i < nonzero; i++) v[Math.floor(rand() * dims)] = (rand() < 0.5 ? -1 : 1) * (1 + 2 * rand());
  return unit(v);
};
const dot = (a: Float32Array, b: Float32Array) => {
  let sum = 0;
  for (let i = 0; i < a.length; i++) sum += a[i]! * b[i]!;
  return sum;
};
const dense = (codes: CodeSegment): DenseSegment => {
  const signs = createSignScanner(codes);
  return { codes, signs: () => signs };
};

/** The sign a code gives dimension i, as the scanner reads it: above zero is +1, else −1. */
const signOf = (seg: CodeSegment, c: number, i: number): number => {
  const at = c * seg.codeBytes;
  const bit = (from: number) => (seg.codes[from + (i >> 3)]! >> (i & 7)) & 1;
  switch (seg.kind) {
    case 'binary': case 'ternary': return bit(at) ? 1 : -1;
    case 'int4': return ((((seg.codes[at + (i >> 1)]! >> ((i & 1) * 4)) & 0xf) << 28) >> 28) > 0 ? 1 : -1;
    case 'int8': return ((seg.codes[at + i]! << 24) >> 24) > 0 ? 1 : -1;
  }
};

describe('sign scan', () => {
  it.each(['int4', 'binary', 'ternary', 'int8'] as CodeKind[])('scores %s codes as the query’s rounded nibble tables against their signs, odd dimensions and partial blocks too', (kind) => {
    const rand = seeded(1);
    for (const dims of [37, 100, 512, 3072]) {
      const seg = openCodes(encodeCodes(Array.from({ length: 40 }, () => gaussian(rand, dims)), kind));
      const q = gaussian(rand, dims);
      const prepared = prepareSignQuery(q);
      const scores = createSignScanner(seg).scan(prepared);
      expect(scores).toHaveLength(40);
      for (let c = 0; c < seg.count; c++) {
        // Each four dimensions: Σ ±q_i over them, rounded to whole steps.
        let want = 0;
        for (let i = 0; i < dims; i += 4) {
          let sum = 0;
          for (let d = i; d < Math.min(dims, i + 4); d++) sum += q[d]! * signOf(seg, c, d);
          want += Math.round(sum / prepared.step);
        }
        expect(scores[c]).toBe(want);
        expect(Math.abs(want)).toBeLessThanOrEqual(prepared.span);
      }
      // Rounding the tables costs little: the estimate stays near the dot product with the signs.
      for (let c = 0; c < seg.count; c++) {
        let exact = 0;
        for (let i = 0; i < dims; i++) exact += q[i]! * signOf(seg, c, i);
        expect(Math.abs(signEstimate(prepared, scores[c]!) - exact / Math.sqrt(dims))).toBeLessThanOrEqual((prepared.step * Math.ceil(dims / 4)) / 2 / Math.sqrt(dims) + 1e-9);
      }
    }
  });

  it('estimates the dot product with a unit vector closely enough to rank (correlation above 0.7)', () => {
    const rand = seeded(2);
    const vectors = Array.from({ length: 500 }, () => gaussian(rand, 256));
    const q = gaussian(rand, 256);
    const scores = createSignScanner(openCodes(encodeCodes(vectors))).scan(prepareSignQuery(q));
    const xs = vectors.map((v) => dot(q, v));
    const ys = Array.from(scores);
    const mean = (a: number[]) => a.reduce((s, x) => s + x, 0) / a.length;
    const mx = mean(xs), my = mean(ys);
    const cov = xs.reduce((s, x, i) => s + (x - mx) * (ys[i]! - my), 0);
    const r = cov / Math.sqrt(xs.reduce((s, x) => s + (x - mx) ** 2, 0) * ys.reduce((s, y) => s + (y - my) ** 2, 0));
    expect(r).toBeGreaterThan(0.7);
  });

  it.each([true, false].filter((relaxed) => relaxed === RELAXED_SIMD || !relaxed))('scores int4 codes at or above the cut against the int8 query exactly, odd dimensions too (relaxed SIMD: %s)', (relaxed) => {
    const rand = seeded(11);
    for (const dims of [37, 100, 512, 1536]) {
      const seg = openCodes(encodeCodes(Array.from({ length: 60 }, () => gaussian(rand, dims))));
      const q = gaussian(rand, dims);
      const scanner = createSignScanner(seg, relaxed);
      const scores = Array.from(scanner.scan(prepareSignQuery(q)));
      const cut = [...scores].sort((a, b) => a - b)[30]!;
      const q4 = prepareInt4Query(q, relaxed);
      const pairs = Array.from(scanner.int4!(q4, cut));
      const want: number[] = [];
      for (let c = 0; c < seg.count; c++) {
        if (scores[c]! < cut) continue;
        let sum = 0;
        for (let i = 0; i < dims; i++) {
          const nibble = (((seg.codes[c * seg.codeBytes + (i >> 1)]! >> ((i & 1) * 4)) & 0xf) << 28) >> 28;
          sum += nibble * Math.round(q[i]! / q4.step);
        }
        want.push(c, sum);
      }
      expect(want.length).toBeGreaterThanOrEqual(60);
      expect(pairs).toEqual(want);
    }
  });

  it('uses relaxed SIMD where the engine has it (Node 24 does)', () => {
    expect(RELAXED_SIMD).toBe(true);
  });

  it('refuses a query of another size', () => {
    const seg = openCodes(encodeCodes([gaussian(seeded(3), 64)]));
    expect(() => createSignScanner(seg).scan(prepareSignQuery(gaussian(seeded(4), 32)))).toThrow(/dimensions/);
  });
});

describe('dense search', () => {
  it('keeps 5% of the codes for the second stage, at least 2,000 and 4·n', () => {
    expect(poolSize(100_000, 100)).toBe(5_000);
    expect(poolSize(10_000, 100)).toBe(2_000);
    expect(poolSize(100_000, 2_000)).toBe(8_000);
    expect(isDenseQuery(gaussian(seeded(5), 64))).toBe(true);
    expect(isDenseQuery(sparse(seeded(5), 64, 6))).toBe(false);
  });

  it('answers exactly as one scan of every code for sparse queries and for bots no larger than the pool', () => {
    const rand = seeded(6);
    const small = [300, 0, 900].map((n) => openCodes(encodeCodes(Array.from({ length: n }, () => gaussian(rand, 128)))));
    const large = [3000, 2500].map((n) => openCodes(encodeCodes(Array.from({ length: n }, () => sparse(rand, 128, 8)))));
    for (let t = 0; t < 5; t++) {
      const q = gaussian(rand, 128);
      expect(searchDense(small.map(dense), q, 50)).toEqual(searchCodes(small, q, 50));
      const s = sparse(rand, 128, 8);
      expect(searchDense(large.map(dense), s, 50)).toEqual(searchCodes(large, s, 50));
    }
  });

  it('finds the exact top 10 of dense vectors across segments after rescoring (recall ≥ 0.97), scored as the int4 scan scores them', () => {
    const rand = seeded(7);
    const vectors = Array.from({ length: 12_000 }, () => gaussian(rand, 96));
    const cuts = [0, 4_000, 9_000, 12_000];
    const blobs = cuts.slice(1).map((end, s) => encodeCodes(vectors.slice(cuts[s], end)));
    const segs = blobs.map(openCodes);
    const decoded = blobs.map(decodeCodes);
    const scanners = segs.map(dense);
    const global = (segment: number, chunk: number) => cuts[segment]! + chunk;
    let found = 0;
    const queries = 20;
    for (let t = 0; t < queries; t++) {
      // Near a stored vector, as a question is near its passage.
      const base = vectors[Math.floor(rand() * vectors.length)]!;
      const noise = gaussian(rand, 96);
      const q = unit(base.map((x, i) => x + 0.8 * noise[i]!));
      const hits = searchDense(scanners, q, 100);
      expect(hits).toHaveLength(100);
      for (const h of hits) expect(h.score).toBeCloseTo(dot(q, decoded[h.segment]![h.chunk]!), 5);
      const exact = new Set(vectors.map((v, i) => [dot(q, v), i] as const).sort((a, b) => b[0] - a[0]).slice(0, 10).map(([, i]) => i));
      const top = rescore(hits, q, (h) => vectors[global(h.segment, h.chunk)], 10);
      found += top.filter((h) => exact.has(global(h.segment, h.chunk))).length;
    }
    expect(found / (10 * queries)).toBeGreaterThanOrEqual(0.97);
  }, 30_000);
});
