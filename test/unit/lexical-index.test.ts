import { describe, expect, it } from 'vitest';
import {
  buildLexicalSegment,
  mergeLexical,
  openLexicalSegment,
  searchLexical,
  termHash,
  termIdf,
  type Bm25Params,
  type LexicalSegment,
} from '../../lambdas/core/lexical-index.ts';
import { terms } from '../../lambdas/core/text.ts';

const open = (texts: string[]) => openLexicalSegment(buildLexicalSegment(texts));

/** mulberry32: a seeded generator, so every run sees the same "random" data. */
const seeded = (seed: number) => () => {
  let t = (seed = (seed + 0x6d2b79f5) | 0);
  t = Math.imul(t ^ (t >>> 15), 1 | t);
  t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
};
const VOCAB = 'alpha beta gamma delta epsilon zeta eta theta iota kappa lambda omicron sigma tau upsilon phi chi psi omega'.split(' ');
const randomTexts = (rand: () => number, n: number) =>
  Array.from({ length: n }, () => Array.from({ length: 1 + Math.floor(rand() * 12) }, () => VOCAB[Math.floor(rand() * rand() * VOCAB.length)]).join(' '));

/** Brute-force BM25 straight from the texts: the reference the index must match. */
const bm25Reference = (segments: string[][], query: string, { k1, b }: Bm25Params = { k1: 0.9, b: 0.4 }) => {
  const docs = segments.flatMap((texts, segment) => texts.map((text, chunk) => ({ segment, chunk, ts: terms(text) })));
  const N = docs.length;
  const avgdl = docs.reduce((s, d) => s + d.ts.length, 0) / N;
  const scored = docs.map((d) => {
    let score = 0;
    for (const t of terms(query)) {
      const df = docs.filter((x) => x.ts.includes(t)).length;
      const tf = d.ts.filter((x) => x === t).length;
      if (!tf) continue;
      const idf = Math.log(1 + (N - df + 0.5) / (df + 0.5));
      score += (idf * tf * (k1 + 1)) / (tf + k1 * (1 - b + (b * d.ts.length) / avgdl));
    }
    return { segment: d.segment, chunk: d.chunk, score };
  });
  return scored.filter((h) => h.score > 0).sort((x, y) => y.score - x.score || x.segment - y.segment || x.chunk - y.chunk);
};

/** Asserts hits as [segment, chunk, score] rows, scores to 6 decimals. */
const expectHits = (got: ReadonlyArray<{ segment: number; chunk: number; score: number }>, want: Array<[number, number, number]>) => {
  expect(got.map((h) => [h.segment, h.chunk])).toEqual(want.map(([s, c]) => [s, c]));
  got.forEach((h, i) => expect(h.score).toBeCloseTo(want[i]![2], 6));
};

const postingsOf = (seg: LexicalSegment, term: string) => {
  const out: Array<[number, number]> = [];
  const slot = seg.slot(termHash(term));
  if (slot >= 0) seg.forEachPosting(slot, (chunk, tf) => out.push([chunk, tf]));
  return out;
};

describe('lexical index: BM25 by hand', () => {
  // Terms: [appl banana appl] (3), [banana cherri] (2), [cherri date elderberri fig] (4); N = 3, avgdl = 3.
  const texts = ['apple banana apple', 'banana cherry', 'cherry date elderberry fig'];

  it('scores one term: idf ln(1 + 2.5/1.5), tf 2 at average length', () => {
    // ln(8/3) · 2 · 1.9 / (2 + 0.9) = 0.980829 · 1.310345
    expectHits(searchLexical([open(texts)], 'apples', 10), [[0, 0, 1.2852245]]);
  });

  it('scores two terms with length normalisation (k1 0.9, b 0.4)', () => {
    // idf = ln(1.6) = 0.470004 for banana and cherri (df 2).
    // chunk 1 (dl 2): 2 · 0.470004 · 1.9 / (1 + 0.9 · (0.6 + 0.4 · 2/3)) = 1.003379
    // chunk 0 (dl 3): 0.470004 · 1.9 / 1.9 = 0.470004
    // chunk 2 (dl 4): 0.470004 · 1.9 / (1 + 0.9 · (0.6 + 0.4 · 4/3)) = 0.442083
    expectHits(searchLexical([open(texts)], 'Banana and cherries?', 10), [[0, 1, 1.0033785], [0, 0, 0.4700036], [0, 2, 0.4420826]]);
  });

  it('is global across segments: the same chunks split in two score the same', () => {
    const hits = searchLexical([open(texts.slice(0, 2)), open([]), open(texts.slice(2))], 'banana cherry', 10);
    expectHits(hits, [[0, 1, 1.0033785], [0, 0, 0.4700036], [2, 0, 0.4420826]]);
  });

  it('counts a repeated query term twice, and takes other parameters', () => {
    const seg = open(texts);
    expect(searchLexical([seg], 'apple apple', 1)[0]!.score).toBeCloseTo(2 * 1.2852245, 6);
    // k1 1.2, b 0 (no length normalisation): 'date' (df 1, tf 1) scores ln(8/3) · 2.2 / (1 + 1.2), whatever the length.
    expect(searchLexical([seg], 'date', 1, { k1: 1.2, b: 0 })[0]!.score).toBeCloseTo(Math.log(1 + 2.5 / 1.5), 9);
  });
});

describe('lexical index: serialisation', () => {
  it('round-trips counts, lengths, dfs and postings, with gaps that need multi-byte varints', () => {
    const rand = seeded(1);
    const texts = randomTexts(rand, 400);
    texts[0] += ' rare';
    texts[300] += ' rare rare rare';
    texts[399] += ' rare';
    const seg = open(texts);
    expect(seg.chunkCount).toBe(400);
    expect([...seg.lengths]).toEqual(texts.map((t) => terms(t).length));
    expect(seg.totalLength).toBe(texts.reduce((s, t) => s + terms(t).length, 0));
    expect(postingsOf(seg, 'rare')).toEqual([[0, 1], [300, 3], [399, 1]]);
    for (const term of [...new Set(texts.flatMap(terms))]) {
      const want = texts.flatMap((t, chunk): Array<[number, number]> => {
        const tf = terms(t).filter((x) => x === term).length;
        return tf ? [[chunk, tf]] : [];
      });
      expect(postingsOf(seg, term)).toEqual(want);
      expect(seg.df(termHash(term))).toBe(want.length);
    }
    expect(seg.termCount).toBe(new Set(texts.flatMap(terms)).size);
    expect(seg.df(termHash('absent'))).toBe(0);
    expect(seg.slot(termHash('absent'))).toBe(-1);
  });

  it('keeps the dictionary sorted by hash, so a term is found by binary search', () => {
    const seg = open(['one two three four five six seven eight nine ten']);
    const hashes = Array.from({ length: seg.termCount }, (_, i) => seg.hashOf(i));
    expect(hashes).toEqual([...hashes].sort((a, b) => a - b));
    hashes.forEach((h, i) => expect(seg.slot(h)).toBe(i));
  });

  it('hashes terms with 32-bit FNV-1a', () => {
    expect(termHash('')).toBe(0x811c9dc5);
    expect(termHash('a')).toBe(0xe40c292c);
    expect(termHash('foobar')).toBe(0xbf9cf968);
  });

  it('opens bytes at any offset, and refuses truncated or foreign blobs', () => {
    const blob = buildLexicalSegment(['a misaligned copy still answers', 'another chunk']);
    const shifted = new Uint8Array(blob.length + 1);
    shifted.set(blob, 1);
    expect(searchLexical([openLexicalSegment(shifted.subarray(1))], 'misaligned', 1)).toEqual(searchLexical([openLexicalSegment(blob)], 'misaligned', 1));
    expect(() => openLexicalSegment(blob.subarray(0, blob.length - 1))).toThrow(/length/);
    expect(() => openLexicalSegment(blob.subarray(0, 8))).toThrow(/truncated/);
    expect(() => openLexicalSegment(Uint8Array.from(blob, (x, i) => (i === 0 ? 7 : x)))).toThrow(/version/);
  });

  it('builds an empty segment for no texts or texts without words', () => {
    for (const texts of [[], ['', '!!! ...', 'the of and']]) {
      const seg = open(texts);
      expect(seg).toMatchObject({ chunkCount: texts.length, termCount: 0, totalLength: 0 });
      expect(searchLexical([seg], 'anything', 5)).toEqual([]);
    }
  });

  it('merges chosen chunks of several segments into the segment their texts would build', () => {
    const rand = seeded(2);
    const a = randomTexts(rand, 30), b = randomTexts(rand, 20);
    const sa = open(a), sb = open(b);
    const rows = [{ lexical: sb, chunk: 19 }, { lexical: sa, chunk: 0 }, { lexical: sa, chunk: 17 }, { lexical: sb, chunk: 3 }, { lexical: sa, chunk: 29 }];
    expect(mergeLexical(rows)).toEqual(buildLexicalSegment([b[19]!, a[0]!, a[17]!, b[3]!, a[29]!]));
    expect(mergeLexical([])).toEqual(buildLexicalSegment([]));
    expect(() => mergeLexical([{ lexical: sa, chunk: 30 }])).toThrow(/no chunk 30/);
  });
});

describe('lexical index: search', () => {
  it('matches a brute-force BM25 over several segments on random data, top n best first', () => {
    const rand = seeded(3);
    const segments = [randomTexts(rand, 40), [], randomTexts(rand, 7), randomTexts(rand, 90)];
    const opened = segments.map(open);
    for (const query of ['alpha', 'omega psi chi', 'beta beta gamma', 'kappa lambda zeta theta', 'unknown alpha']) {
      for (const params of [undefined, { k1: 1.2, b: 0.75 }]) {
        const want = bm25Reference(segments, query, params);
        for (const n of [1, 5, 1000]) {
          const got = searchLexical(opened, query, n, params);
          expect(got.map((h) => [h.segment, h.chunk])).toEqual(want.slice(0, n).map((h) => [h.segment, h.chunk]));
          got.forEach((h, i) => expect(h.score).toBeCloseTo(want[i]!.score, 9));
        }
      }
    }
  });

  it('answers nothing for an empty query, a query of stop words, unknown words, n = 0, or no segments', () => {
    const seg = open(['The cat sat on the mat.', 'What is it?']);
    expect(searchLexical([seg], '', 5)).toEqual([]);
    expect(searchLexical([seg], 'the of and is it what', 5)).toEqual([]);
    expect(searchLexical([seg], 'zebra', 5)).toEqual([]);
    expect(searchLexical([seg], 'cat', 0)).toEqual([]);
    expect(searchLexical([], 'cat', 5)).toEqual([]);
    expect(searchLexical([open([]), open([''])], 'cat', 5)).toEqual([]);
  });

  it('finds words of any script, case- and width-folded, and leaves them unstemmed', () => {
    const seg = open(['Москва — столица России', 'Αθήνα είναι η πρωτεύουσα', '東京 は 首都 です', 'ＡＢＣ Straße 2024', 'running runners ran']);
    expect(searchLexical([seg], 'москва', 5).map((h) => h.chunk)).toEqual([0]);
    expect(searchLexical([seg], 'ΑΘΉΝΑ', 5).map((h) => h.chunk)).toEqual([1]);
    expect(searchLexical([seg], '首都', 5).map((h) => h.chunk)).toEqual([2]);
    expect(searchLexical([seg], 'abc STRASSE straße', 5).map((h) => h.chunk)).toEqual([3]);
    expect(searchLexical([seg], 'России', 5).map((h) => h.chunk)).toEqual([0]);
    expect(searchLexical([seg], 'Россия', 5)).toEqual([]);
    expect(searchLexical([seg], 'run', 5).map((h) => h.chunk)).toEqual([4]);
  });
});

describe('lexical index: term weights for the local answerer', () => {
  it('gives each distinct term of a question Lucene’s idf over every segment, an unseen one the idf of one chunk', () => {
    const segs = [openLexicalSegment(buildLexicalSegment(['red bike', 'red car'])), openLexicalSegment(buildLexicalSegment(['blue bike']))];
    const weights = termIdf(segs, 'Red red bike, blue unicorn?');
    const idf = (df: number) => Math.log(1 + (3 - df + 0.5) / (df + 0.5));
    expect([...weights.keys()]).toEqual(['red', 'bike', 'blue', 'unicorn']);
    expect(weights.get('red')).toBeCloseTo(idf(2), 12);
    expect(weights.get('blue')).toBeCloseTo(idf(1), 12);
    expect(weights.get('unicorn')).toBeCloseTo(idf(1), 12);
  });

  it('weighs nothing over an empty index', () => {
    expect(termIdf([], 'red bike').size).toBe(0);
  });
});

describe('lexical index: pruned search', () => {
  /** Brute-force BM25 with each df counted once: fast enough for thousands of chunks. */
  const reference = (segments: string[][], query: string, k1 = 0.9, b = 0.4) => {
    const docs = segments.flatMap((texts, segment) => texts.map((text, chunk) => ({ segment, chunk, ts: terms(text) })));
    const avgdl = docs.reduce((s, d) => s + d.ts.length, 0) / docs.length;
    const df = new Map<string, number>();
    for (const d of docs) for (const t of new Set(d.ts)) df.set(t, (df.get(t) ?? 0) + 1);
    return docs.map((d) => {
      let score = 0;
      for (const t of terms(query)) {
        const tf = d.ts.filter((x) => x === t).length;
        if (!tf) continue;
        const idf = Math.log(1 + (docs.length - df.get(t)! + 0.5) / (df.get(t)! + 0.5));
        score += (idf * tf * (k1 + 1)) / (tf + k1 * (1 - b + (b * d.ts.length) / avgdl));
      }
      return { segment: d.segment, chunk: d.chunk, score };
    }).filter((h) => h.score > 0).sort((x, y) => y.score - x.score || x.segment - y.segment || x.chunk - y.chunk);
  };

  it('matches brute force where common words have long lists (skipped in blocks) and rare words short ones', () => {
    const rand = seeded(9);
    // Word ranks log-uniform over 400 (Zipf-like): a few words in nearly every chunk, most in few.
    const word = () => `w${Math.floor(Math.exp(rand() * Math.log(400)) - 1)}`;
    const segments = [1200, 700, 1500].map((n) => Array.from({ length: n }, () => Array.from({ length: 20 + Math.floor(rand() * 40) }, word).join(' ')));
    const opened = segments.map(open);
    expect(opened[2]!.df(termHash('w0'))).toBeGreaterThan(200);
    for (let t = 0; t < 12; t++) {
      const source = segments[t % 3]![Math.floor(rand() * 500)]!;
      const query = source.split(' ').slice(0, 3 + (t % 6)).join(' ');
      const want = reference(segments, query);
      for (const n of [1, 10, 50]) {
        const got = searchLexical(opened, query, n);
        expect(got.map((h) => [h.segment, h.chunk])).toEqual(want.slice(0, n).map((h) => [h.segment, h.chunk]));
        got.forEach((h, i) => expect(h.score).toBeCloseTo(want[i]!.score, 9));
      }
    }
  });
});
