import { describe, expect, it } from 'vitest';
import { citedDocuments, containsGold, isDecline, normaliseAnswer, parseAnswerKey, wordCount } from '../bench/answer-metrics.ts';

describe('answer metrics', () => {
  it('normalises as SQuAD does: lower case, no punctuation, no articles, white space collapsed', () => {
    expect(normaliseAnswer('The  Great Yuan,  (an) Empire!')).toBe('great yuan empire');
    expect(normaliseAnswer('Kublai’s')).toBe('kublai’s');
  });

  it('finds a gold span as whole words only, citation markers left out', () => {
    expect(containsGold('It was proclaimed in 1271 by Kublai Khan. [1]', ['Kublai Khan'])).toBe(true);
    expect(containsGold('It was proclaimed in 1271. [1]', ['127'])).toBe(false);
    expect(containsGold('It was proclaimed in 1271. [1]', ['1'])).toBe(false);
    expect(containsGold('Nothing relevant.', ['the', 'Kublai'])).toBe(false);
  });

  it('counts words without citation markers', () => {
    expect(wordCount('Open from nine. [1] Closed Sundays. [2]')).toBe(5);
  });

  it('takes the sources an answer names, or all of them when it names none', () => {
    const sources = [{ n: 1, docId: 'a' }, { n: 2, docId: 'b' }, { n: 3, docId: 'a' }];
    expect(citedDocuments('Yes [2].', sources)).toEqual(['b']);
    expect(citedDocuments('Yes.', sources)).toEqual(['a', 'b']);
  });

  it('counts a reply as declined by the done event, or by the decline words of older builds', () => {
    expect(isDecline('Anything', { answered: false })).toBe(true);
    expect(isDecline("I couldn't find that in this bot's documents.", { answered: true })).toBe(true);
    expect(isDecline('It opens at nine. [1]', { answered: true })).toBe(false);
  });

  it('refuses an answer key line that is not one of the three kinds or contradicts its kind', () => {
    expect(parseAnswerKey({ _id: 'q', answers: ['x'], kind: 'answerable' }, 1)).toEqual({ _id: 'q', answers: ['x'], kind: 'answerable' });
    expect(() => parseAnswerKey({ _id: 'q', answers: [], kind: 'maybe' }, 3)).toThrow(/line 3: "kind"/);
    expect(() => parseAnswerKey({ _id: 'q', answers: [], kind: 'answerable' }, 4)).toThrow(/line 4: an answerable question needs/);
    expect(() => parseAnswerKey({ _id: 'q', answers: ['x'], kind: 'out-of-scope' }, 5)).toThrow(/line 5: an out-of-scope question has no gold/);
    expect(() => parseAnswerKey({ answers: [], kind: 'unanswerable' }, 6)).toThrow(/line 6: no "_id"/);
  });
});
