import { describe, expect, it } from 'vitest';
import { documentRanking, hitAt, mean, ndcgAt, parseQrels, percentile, recallAt } from '../bench/retrieval-metrics.ts';

const judged = (entries: Record<string, number>) => new Map(Object.entries(entries));

describe('retrieval metrics', () => {
  it('nDCG@10 with binary grades: hits at ranks 1 and 3 of three relevant documents', () => {
    // DCG = 1/log2(2) + 1/log2(4) = 1.5; ideal = 1 + 1/log2(3) + 1/log2(4) = 2.1309.
    expect(ndcgAt(['a', 'x', 'b', 'y'], judged({ a: 1, b: 1, c: 1 }), 10)).toBeCloseTo(0.703918, 6);
  });

  it('nDCG uses the grade as gain and orders the ideal by grade', () => {
    // DCG = 1/1 + 2/log2(3) = 2.2619; ideal = 2/1 + 1/log2(3) = 2.6309.
    expect(ndcgAt(['b', 'a'], judged({ a: 2, b: 1 }), 10)).toBeCloseTo(0.859719, 6);
    expect(ndcgAt(['a', 'b'], judged({ a: 2, b: 1 }), 10)).toBeCloseTo(1, 10);
  });

  it('nDCG counts only the top k, and the ideal is cut at k too', () => {
    expect(ndcgAt(['x', 'y', 'a'], judged({ a: 1 }), 2)).toBe(0);
    expect(ndcgAt(['x', 'y', 'a'], judged({ a: 1 }), 3)).toBeCloseTo(0.5, 10);
    // Twelve relevant documents, the first ten retrieved: perfect at 10.
    const twelve = Array.from({ length: 12 }, (_, i) => `d${i}`);
    expect(ndcgAt(twelve.slice(0, 10), judged(Object.fromEntries(twelve.map((d) => [d, 1]))), 10)).toBeCloseTo(1, 10);
  });

  it('nDCG ignores grade-0 judgements and is 0 with nothing relevant', () => {
    expect(ndcgAt(['a', 'b'], judged({ a: 0, b: 1 }), 10)).toBeCloseTo(0.630930, 6);
    expect(ndcgAt(['a', 'b'], judged({ a: 0 }), 10)).toBe(0);
    expect(ndcgAt([], judged({ a: 1 }), 10)).toBe(0);
  });

  it('recall@k is the share of relevant documents in the top k', () => {
    const j = judged({ a: 1, b: 1, c: 2, d: 1, z: 0 });
    expect(recallAt(['a', 'x', 'c', 'z'], j, 2)).toBe(0.25);
    expect(recallAt(['a', 'x', 'c', 'z'], j, 4)).toBe(0.5);
    expect(recallAt(['d', 'c', 'b', 'a'], j, 100)).toBe(1);
    expect(recallAt(['z'], judged({ z: 0 }), 100)).toBe(0);
  });

  it('hit@5 is 1 only when a relevant document is within the first five', () => {
    const j = judged({ r: 1 });
    expect(hitAt(['a', 'b', 'c', 'd', 'r'], j, 5)).toBe(1);
    expect(hitAt(['a', 'b', 'c', 'd', 'e', 'r'], j, 5)).toBe(0);
    expect(hitAt(['r'], judged({ r: 0 }), 5)).toBe(0);
  });

  it('ranks a document by its best passage, once, in order', () => {
    const corpusIdOf: Record<string, string> = { p1: 'A', p2: 'B', p3: 'A', p5: 'C' };
    expect(documentRanking(['p1', 'p2', 'p1', 'p3', 'p4', 'p5', 'p2'], (d) => corpusIdOf[d])).toEqual(['A', 'B', 'C']);
  });

  it('reads BEIR qrels: header skipped, grades kept per query', () => {
    const q = parseQrels('query-id\tcorpus-id\tscore\n1\t31715818\t1\n1\t999\t2\r\n3\t14717500\t0\n\n');
    expect([...q.keys()]).toEqual(['1', '3']);
    expect(q.get('1')).toEqual(new Map([['31715818', 1], ['999', 2]]));
    expect(q.get('3')?.get('14717500')).toBe(0);
    expect(() => parseQrels('query-id\tcorpus-id\tscore\n1 2 1\n')).toThrow(/line 2/);
  });

  it('mean and nearest-rank percentile', () => {
    expect(mean([1, 2, 6])).toBe(3);
    expect(mean([])).toBe(0);
    expect(percentile([5, 1, 3, 2, 4], 50)).toBe(3);
    expect(percentile([4, 1, 3, 2], 50)).toBe(2);
    expect(percentile([4, 1, 3, 2], 95)).toBe(4);
  });
});
