import { describe, expect, it } from 'vitest';
import { tokenOverlap, tokensOf } from '../bench/text-overlap.ts';

describe('token overlap, the measure of the extraction benchmarks', () => {
  it('counts words case-blind, each CJK character as a word, punctuation as nothing', () => {
    expect(tokensOf('Crème brûlée, 2 ÉTÉ! 日本語')).toEqual(['crème', 'brûlée', '2', 'été', '日', '本', '語']);
  });

  it('gives precision over what was found and recall over what was expected, counting repeats', () => {
    const { precision, recall, f1 } = tokenOverlap('the cat the hat share share', 'the cat sat on the hat');
    expect(precision).toBeCloseTo(4 / 6);
    expect(recall).toBeCloseTo(4 / 6);
    expect(f1).toBeCloseTo(4 / 6);
    expect(tokenOverlap('', 'something')).toEqual({ precision: 0, recall: 0, f1: 0 });
    expect(tokenOverlap('', '')).toEqual({ precision: 1, recall: 1, f1: 1 });
  });
});
