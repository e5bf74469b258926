import { describe, expect, it } from 'vitest';
import {
  blobBytesOf,
  concatCodes,
  createTopHits,
  decodeCodes,
  encodeCodes,
  openCodes,
  rescore,
  searchCodes,
  type CodeKind,
  type Hit,
} from '../../lambdas/core/vector-codes.ts';

const KINDS: CodeKind[] = ['binary', 'ternary', 'int4', 'int8'];

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
/** Like the local embedder's vectors: most components zero. */
const sparse = (rand: () => number, dims: number, nonzero: number) => {
  const v = new Float32Array(dims);
  for (let i = 0; i < nonzero; i++) v[Math.floor(rand() * dims)] = (rand() < 0.5 ? -1 : 1) * (1 + 2 * rand());
  return unit(v);
};
const dot = (a: Float32Array, b: Float32Array) => a.reduce((s, x, i) => s + x * b[i]!, 0);

/** Brute force: every code scored as the query's dot product with its decoded vector. */
const reference = (blobs: Uint8Array[], q: Float32Array): Hit[] =>
  blobs.flatMap((blob, segment) => decodeCodes(blob).map((v, chunk) => ({ segment, chunk, score: dot(q, v) })))
    .sort((a, b) => b.score - a.score || a.segment - b.segment || a.chunk - b.chunk);

describe('vector codes: encoding', () => {
  it('sizes blobs as documented: 64, 132, 260 and 516 bytes a code at 512 dimensions, plus a 16-byte header', () => {
    expect(KINDS.map((k) => blobBytesOf(k, 512, 1) - 16)).toEqual([64, 132, 260, 516]);
    for (const kind of KINDS) expect(encodeCodes([gaussian(seeded(1), 512)], kind).length).toBe(blobBytesOf(kind, 512, 1));
  });

  it('packs sign bits low bit first, and decodes them as ±1/√dims', () => {
    const v = Float32Array.from([0.5, -0.5, 0.5, 0.5, -0.5, -0.5, -0.5, 0.5, 0, -0.1]);
    const blob = encodeCodes([v], 'binary');
    const seg = openCodes(blob);
    expect(seg).toMatchObject({ kind: 'binary', dims: 10, count: 1, codeBytes: 2, scales: undefined });
    expect([...seg.codes]).toEqual([0b10001101, 0b00]);
    expect([...decodeCodes(blob)[0]!].map((x) => Math.sign(x))).toEqual([1, -1, 1, 1, -1, -1, -1, 1, -1, -1]);
  });

  it('keeps zeros zero in ternary codes, with the mean kept magnitude as the scale', () => {
    const v = Float32Array.from([0.6, 0, -0.6, 0, 0.4, 0, 0, 0.02, 0, -0.3]);
    const [back] = decodeCodes(encodeCodes([v], 'ternary'));
    // Threshold 0.75 · mean |x| = 0.75 · 1.92 / 10 = 0.144: 0.02 is dropped, the rest kept.
    const scale = (0.6 + 0.6 + 0.4 + 0.3) / 4;
    [1, 0, -1, 0, 1, 0, 0, 0, 0, -1].forEach((level, i) => expect(back![i]! / scale).toBeCloseTo(level, 6));
  });

  it.each(['int4', 'int8'] as const)('rounds %s codes to within half a step of the vector', (kind) => {
    const rand = seeded(2);
    const vs = Array.from({ length: 20 }, () => gaussian(rand, 77));
    const blob = encodeCodes(vs, kind);
    const { scales } = openCodes(blob);
    decodeCodes(blob).forEach((back, n) => {
      const max = Math.max(...vs[n]!.map(Math.abs));
      expect(scales![n]).toBeCloseTo(max / (kind === 'int4' ? 7 : 127), 6);
      back.forEach((x, i) => expect(Math.abs(x - vs[n]![i]!)).toBeLessThanOrEqual(scales![n]! / 2 + 1e-7));
    });
  });

  it('encodes an all-zero vector as a zero code, and no vectors as an empty blob', () => {
    for (const kind of KINDS) {
      expect([...decodeCodes(encodeCodes([new Float32Array(16)], kind))[0]!].every((x) => x === 0 || kind === 'binary')).toBe(true);
      expect(openCodes(encodeCodes([], kind))).toMatchObject({ kind, dims: 0, count: 0 });
    }
  });

  it('refuses vectors of mixed lengths, and blobs of another version, kind or length', () => {
    expect(() => encodeCodes([new Float32Array(8), new Float32Array(9)])).toThrow(/dimensions/);
    const blob = encodeCodes([gaussian(seeded(3), 32)], 'int4');
    expect(() => openCodes(blob.subarray(0, blob.length - 1))).toThrow(/length/);
    expect(() => openCodes(blob.subarray(0, 8))).toThrow(/header/);
    expect(() => openCodes(Uint8Array.from(blob, (b, i) => (i === 0 ? 9 : b)))).toThrow(/version/);
    expect(() => openCodes(Uint8Array.from(blob, (b, i) => (i === 1 ? 9 : b)))).toThrow(/kind/);
  });

  it('opens a blob at any byte offset, without copying the codes', () => {
    const blob = encodeCodes([gaussian(seeded(4), 64), gaussian(seeded(5), 64)], 'ternary');
    const shifted = new Uint8Array(blob.length + 3);
    shifted.set(blob, 3);
    const seg = openCodes(shifted.subarray(3));
    expect(seg.codes.buffer).toBe(shifted.buffer);
    expect(decodeCodes(shifted.subarray(3))).toEqual(decodeCodes(blob));
  });
});

describe('vector codes: search', () => {
  it.each(KINDS)('scores %s codes exactly as the dot product with the decoded codes, dense and sparse queries, odd dimensions', (kind) => {
    const rand = seeded(10);
    for (const dims of [37, 512]) {
      const blobs = [5, 0, 40, 13].map((n) => encodeCodes(Array.from({ length: n }, () => gaussian(rand, dims)), kind));
      const segs = blobs.map(openCodes);
      for (const q of [gaussian(rand, dims), sparse(rand, dims, 6)]) {
        const want = reference(blobs, q);
        const got = searchCodes(segs, q, want.length);
        expect(got.map((h) => [h.segment, h.chunk])).toEqual(want.map((h) => [h.segment, h.chunk]));
        got.forEach((h, i) => expect(h.score).toBeCloseTo(want[i]!.score, 4));
      }
    }
  });

  it('returns the top n against a brute-force reference, best first, on random data', () => {
    const rand = seeded(11);
    const blobs = Array.from({ length: 6 }, (_, s) => encodeCodes(Array.from({ length: 50 + 17 * s }, () => gaussian(rand, 128)), 'int4'));
    const segs = blobs.map(openCodes);
    for (let t = 0; t < 10; t++) {
      const q = gaussian(rand, 128);
      for (const n of [1, 7, 100]) {
        expect(searchCodes(segs, q, n).map((h) => `${h.segment}/${h.chunk}`)).toEqual(
          reference(blobs, q).slice(0, n).map((h) => `${h.segment}/${h.chunk}`));
      }
    }
  });

  it('finds a code among segments of different kinds', () => {
    const rand = seeded(12);
    const target = gaussian(rand, 64);
    const segs = KINDS.map((kind, s) => openCodes(encodeCodes([gaussian(rand, 64), ...(s === 2 ? [target] : []), gaussian(rand, 64)], kind)));
    expect(searchCodes(segs, target, 1).map((h) => [h.segment, h.chunk])).toEqual([[2, 1]]);
  });

  it('answers nothing for no segments, empty segments, n = 0, or a zero query; refuses a query of another size', () => {
    const seg = openCodes(encodeCodes([gaussian(seeded(13), 16)]));
    const empty = openCodes(encodeCodes([]));
    expect(searchCodes([], new Float32Array(16), 5)).toEqual([]);
    expect(searchCodes([empty, empty], gaussian(seeded(14), 16), 5)).toEqual([]);
    expect(searchCodes([seg], gaussian(seeded(14), 16), 0)).toEqual([]);
    expect(searchCodes([empty, seg], new Float32Array(16), 5)).toEqual([{ segment: 1, chunk: 0, score: 0 }]);
    expect(() => searchCodes([seg], new Float32Array(32), 5)).toThrow(/dimensions/);
  });

  it('recovers the exact top 10 from int4 candidates at 3·k after rescoring, where sign bits do not', () => {
    const rand = seeded(15);
    const vectors = Array.from({ length: 4000 }, () => gaussian(rand, 256));
    const queries = Array.from({ length: 20 }, () => gaussian(rand, 256));
    const recall = (kind: CodeKind) => {
      const seg = openCodes(encodeCodes(vectors, kind));
      let found = 0;
      for (const q of queries) {
        const exact = new Set(vectors.map((v, i) => [dot(q, v), i] as const).sort((a, b) => b[0] - a[0]).slice(0, 10).map(([, i]) => i));
        const top = rescore(searchCodes([seg], q, 30), q, (h) => vectors[h.chunk], 10);
        found += top.filter((h) => exact.has(h.chunk)).length;
      }
      return found / (10 * queries.length);
    };
    expect(recall('int4')).toBeGreaterThanOrEqual(0.95);
    expect(recall('binary')).toBeLessThan(0.8);
  });
});

describe('vector codes: helpers', () => {
  it('keeps the n best hits with ties broken by segment, then chunk, like a full sort', () => {
    const rand = seeded(20);
    const all: Hit[] = Array.from({ length: 500 }, () => ({ segment: Math.floor(rand() * 5), chunk: Math.floor(rand() * 1000), score: Math.floor(rand() * 20) }));
    const sorted = [...all].sort((a, b) => b.score - a.score || a.segment - b.segment || a.chunk - b.chunk);
    for (const n of [0, 1, 10, 499, 600]) {
      const top = createTopHits(n);
      for (const h of all) top.push(h.segment, h.chunk, h.score);
      expect(top.hits()).toEqual(sorted.slice(0, n));
    }
    const top = createTopHits(2);
    expect(top.floor()).toBe(-Infinity);
    top.push(0, 0, 3);
    top.push(0, 1, 5);
    expect(top.floor()).toBe(3);
  });

  it('rescores candidates with the full vectors, skipping those that are gone', () => {
    const vectors = [Float32Array.from([1, 0]), Float32Array.from([0.6, 0.8]), Float32Array.from([0, 1])];
    const q = Float32Array.from([0, 1]);
    const candidates = [0, 1, 2, 3].map((chunk) => ({ segment: 0, chunk, score: 0 }));
    expect(rescore(candidates, q, (h) => vectors[h.chunk], 2).map((h) => [h.chunk, h.score])).toEqual([[2, 1], [1, expect.closeTo(0.8, 6)]]);
  });

  it('joins chosen codes of several blobs into one, codes and scales copied as they are', () => {
    const rand = seeded(21);
    for (const kind of KINDS) {
      const a = encodeCodes(Array.from({ length: 4 }, () => gaussian(rand, 24)), kind);
      const b = encodeCodes(Array.from({ length: 3 }, () => gaussian(rand, 24)), kind);
      const joined = concatCodes([{ codes: openCodes(b), chunk: 2 }, { codes: openCodes(a), chunk: 0 }, { codes: openCodes(a), chunk: 3 }]);
      expect(decodeCodes(joined)).toEqual([decodeCodes(b)[2], decodeCodes(a)[0], decodeCodes(a)[3]]);
      expect(openCodes(concatCodes([]))).toMatchObject({ count: 0 });
    }
    const ints = openCodes(encodeCodes([gaussian(rand, 24)], 'int4'));
    const bits = openCodes(encodeCodes([gaussian(rand, 24)], 'binary'));
    expect(() => concatCodes([{ codes: ints, chunk: 0 }, { codes: bits, chunk: 0 }])).toThrow(/join/);
    expect(() => concatCodes([{ codes: ints, chunk: 1 }])).toThrow(/no code 1/);
  });
});
