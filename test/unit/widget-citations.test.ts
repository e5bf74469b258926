// How the widget numbers an answer's sources and its citations (the DOM side is exercised in the e2e test).
import { describe, expect, it } from 'vitest';
import { numberSources } from '../../widget/src/citations.ts';

const source = (n: number, document: string, section = '') => ({ n, document, section, quote: `passage ${n}` });
const FIVE = [source(1, 'a.pdf', 'One'), source(2, 'b.md'), source(3, 'c.md', 'Three'), source(4, 'd.md'), source(5, 'a.pdf', 'One')];

describe('the numbers a visitor sees under an answer', () => {
  it('numbers the cited sources 1, 2, 3 in the order the answer first cites them, however the server numbered them', () => {
    const numbered = numberSources({ text: 'Yes [4]. Also [1] and [3], see [4].', sources: FIVE, state: 'done', answered: true });
    expect(numbered.sources.map((s) => [s.n, s.document])).toEqual([[1, 'd.md'], [2, 'a.pdf'], [3, 'c.md']]);
    expect([4, 1, 3, 2, 5].map(numbered.shown)).toEqual([1, 2, 3, undefined, undefined]);
    expect(numbered.sources[0]).toMatchObject({ quote: 'passage 4' });
  });

  it('lists one place once, and gives every citation of it the same number', () => {
    const numbered = numberSources({ text: 'First [5], then [2], then [1].', sources: FIVE, state: 'done', answered: true });
    expect(numbered.sources.map((s) => [s.n, s.document])).toEqual([[1, 'a.pdf'], [2, 'b.md']]);
    expect([5, 2, 1].map(numbered.shown)).toEqual([1, 2, 1]);
  });

  it('drops a citation of a source the server never sent', () => {
    const numbered = numberSources({ text: 'Made up [9], real [3].', sources: FIVE, state: 'done', answered: true });
    expect(numbered.sources.map((s) => s.document)).toEqual(['c.md']);
    expect([9, 3].map(numbered.shown)).toEqual([undefined, 1]);
  });

  it('lists every place, numbered in order, under an answer that cites none', () => {
    const numbered = numberSources({ text: 'Yes.', sources: FIVE, state: 'done', answered: true });
    expect(numbered.sources.map((s) => [s.n, s.document])).toEqual([[1, 'a.pdf'], [2, 'b.md'], [3, 'c.md'], [4, 'd.md']]);
  });

  it('keeps the numbers it gave while the answer streams', () => {
    const partial = numberSources({ text: 'Yes [3]', sources: FIVE, state: 'streaming' });
    const whole = numberSources({ text: 'Yes [3], and [1].', sources: FIVE, state: 'done', answered: true });
    expect(partial.shown(3)).toBe(1);
    expect([whole.shown(3), whole.shown(1)]).toEqual([1, 2]);
  });

  it('lists nothing under a declined answer, or a stopped one that cited nothing', () => {
    expect(numberSources({ text: 'I could not find that [1].', sources: FIVE, state: 'done', answered: false }).sources).toEqual([]);
    expect(numberSources({ text: 'It is', sources: FIVE, state: 'stopped' }).sources).toEqual([]);
    expect(numberSources({ text: 'It is [2]', sources: FIVE, state: 'stopped' }).sources.map((s) => [s.n, s.document])).toEqual([[1, 'b.md']]);
    expect(numberSources({ text: 'Yes [1].', state: 'done', answered: true }).sources).toEqual([]);
  });
});
