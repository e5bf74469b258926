import { describe, expect, it } from 'vitest';
import { DEFAULT_FUSION, fuse, linearFusion, reciprocalRankFusion } from '../../lambdas/core/fusion.ts';
import type { Hit } from '../../lambdas/core/vector-codes.ts';

const hit = (segment: number, chunk: number, score: number): Hit => ({ segment, chunk, score });
const keys = (hits: readonly Hit[]) => hits.map((h) => `${h.segment}/${h.chunk}`);

// Chunks A = 0/0, B = 0/1, C = 1/0, D = 2/5.
const dense = [hit(0, 0, 0.9), hit(0, 1, 0.5), hit(1, 0, 0.1)];
const lexical = [hit(0, 1, 10), hit(2, 5, 4)];

describe('reciprocal rank fusion', () => {
  it('sums 1 / (k + rank) over the lists', () => {
    expect(reciprocalRankFusion([dense, lexical])).toEqual([
      hit(0, 1, 1 / 62 + 1 / 61),
      hit(0, 0, 1 / 61),
      hit(2, 5, 1 / 62),
      hit(1, 0, 1 / 63),
    ]);
  });

  it('takes k, weights and a limit', () => {
    const fused = reciprocalRankFusion([dense, lexical], 1, [0.25, 1], 3);
    expect(fused).toEqual([hit(0, 1, 0.25 / 3 + 1 / 2), hit(2, 5, 1 / 3), hit(0, 0, 0.25 / 2)]);
  });

  it('is plain RRF through fuse() with equal weights unless told otherwise', () => {
    const plain = reciprocalRankFusion([dense, lexical]);
    expect(keys(fuse(dense, lexical, { method: 'rrf' }))).toEqual(keys(plain));
    fuse(dense, lexical, { method: 'rrf' }).forEach((h, i) => expect(h.score).toBeCloseTo(plain[i]!.score / 2, 12));
  });
});

describe('linear fusion', () => {
  it('min-max normalises each list, then weighs dense by w and lexical by 1 − w', () => {
    // dense → A 1, B 0.5, C 0; lexical → B 1, D 0. w = 0.2: B 0.1 + 0.8, A 0.2, C 0, D 0 (tie: lower segment first).
    const fused = linearFusion(dense, lexical, 0.2);
    expect(keys(fused)).toEqual(['0/1', '0/0', '1/0', '2/5']);
    expect(fused.map((h) => h.score)).toEqual([expect.closeTo(0.9, 12), expect.closeTo(0.2, 12), 0, 0]);
  });

  it('gives a list of one hit, or of equal scores, full marks', () => {
    expect(linearFusion([hit(0, 0, 0.3)], [hit(0, 1, 7), hit(0, 2, 7)], 0.5)).toEqual([hit(0, 0, 0.5), hit(0, 1, 0.5), hit(0, 2, 0.5)]);
  });

  it('is the default: fuse() without options is linear with w = 0.2', () => {
    expect(DEFAULT_FUSION).toEqual({ method: 'linear', denseWeight: 0.2 });
    expect(fuse(dense, lexical)).toEqual(linearFusion(dense, lexical, 0.2));
    expect(fuse(dense, lexical, { method: 'linear' })).toEqual(linearFusion(dense, lexical, 0.2));
    expect(keys(fuse(dense, lexical, { method: 'linear', denseWeight: 1 }))).toEqual(['0/0', '0/1', '1/0', '2/5']);
    expect(fuse(dense, lexical, { method: 'linear', limit: 1 })).toEqual([hit(0, 1, expect.closeTo(0.9, 12) as number)]);
  });
});

describe('fusion edge cases', () => {
  it.each([{ method: 'rrf' }, { method: 'linear' }] as const)('$method: empty lists give nothing, one empty list keeps the other’s order', (options) => {
    expect(fuse([], [], options)).toEqual([]);
    expect(keys(fuse(dense, [], options))).toEqual(keys(dense));
    expect(keys(fuse([], lexical, options))).toEqual(keys(lexical));
  });

  it('keeps chunks of different segments apart, even with equal chunk numbers', () => {
    const fused = fuse([hit(0, 3, 1), hit(1, 3, 0.5)], [hit(1, 3, 2), hit(0, 3, 1)], { method: 'rrf' });
    expect(keys(fused)).toEqual(['0/3', '1/3']);
    expect(fused[0]!.score).toBeCloseTo(fused[1]!.score, 12);
  });
});
