import { describe, expect, it } from 'vitest';
import { groupQuestions, jaccard, questionTerms, type Asked } from '../../lambdas/core/question-groups.ts';
import { expectLinearTime, LINEAR_TIME_TEST_TIMEOUT_MS } from './fixtures/linear-time.ts';

/** Questions asked a minute apart, in the order given. */
const asked = (questions: readonly string[]): Asked[] =>
  questions.map((question, i) => ({ key: `q${String(i).padStart(3, '0')}`, question, askedAt: new Date(Date.UTC(2026, 11, 1, 9, i)).toISOString() }));
const grouped = (questions: readonly string[]) =>
  groupQuestions(asked(questions)).map((g) => g.members.map((m) => m.question));

const CANADA = [
  'Do you ship to Canada?', 'do u ship to canada', 'Shipping to Canada?', 'Can you ship my order to Canada?',
  'Is shipping to Canada possible?', 'Canada shipping', 'DO YOU SHIP TO CANADA??', 'Will you ship orders to Canada',
  'Hi! Do you ship to Canada please?', 'Do you also ship to Canada?',
];

describe('grouping visitors’ questions', () => {
  it('reads what a question asks about: stemmed terms without greetings, filler or case', () => {
    expect([...questionTerms('Hi! Is shipping to Canada possible, please?')]).toEqual(['ship', 'canada']);
    expect([...questionTerms('How much does the Trail 500 cost?')]).toEqual(['trail', '500', 'cost']);
    expect(questionTerms('???').size).toBe(0);
    expect(jaccard(questionTerms('ship to Canada'), questionTerms('ship to Mexico'))).toBeCloseTo(1 / 3);
  });

  it('puts ten phrasings of one question in one group, named by the first and shown in its most common wording', () => {
    const groups = groupQuestions(asked(CANADA));
    expect(groups).toHaveLength(1);
    expect(groups[0]!.members).toHaveLength(10);
    expect(groups[0]!.seed.key).toBe('q000');
    expect(groups[0]!.representative.question).toBe('Do you ship to Canada?');
  });

  it('keeps different questions apart, even when they share words', () => {
    const questions = [...CANADA, 'Do you ship to Mexico?', 'How much does the Trail 500 cost?', 'How much does shipping cost?', 'What are your opening hours?', 'Are you open on Sundays?'];
    const groups = grouped(questions);
    expect(groups.map((g) => g.length)).toEqual([10, 1, 1, 1, 1, 1]);
    expect(groups.slice(1).map((g) => g[0])).toEqual(questions.slice(10));
  });

  it('does not chain two questions together through one that asks both', () => {
    const groups = grouped(['Do you ship to Canada?', 'Shipping to Canada', 'Do you ship to Canada and Mexico?', 'Do you ship to Mexico?', 'Mexico shipping']);
    expect(groups).toEqual([
      ['Do you ship to Canada?', 'Shipping to Canada', 'Do you ship to Canada and Mexico?'],
      ['Do you ship to Mexico?', 'Mexico shipping'],
    ]);
  });

  it('groups questions with no terms of their own only with the same wording', () => {
    expect(grouped(['???', 'hi', '??', 'Hi!', 'thanks'])).toEqual([['???', '??'], ['hi', 'Hi!'], ['thanks']]);
  });

  it('gives the same groups whatever order the questions arrive in, and keeps a group’s name as it grows', () => {
    const questions = asked([...CANADA, 'Do you ship to Mexico?', 'Are you open on Sundays?']);
    const shape = (qs: readonly Asked[]) => groupQuestions(qs).map((g) => [g.seed.key, g.members.map((m) => m.key)]);
    expect(shape([...questions].reverse())).toEqual(shape(questions));
    const before = groupQuestions(questions.slice(0, 5)).map((g) => g.seed.key);
    expect(groupQuestions(questions).map((g) => g.seed.key).slice(0, before.length)).toEqual(before);
  });

  it('groups questions in time linear in their number, when they ask a set number of things', async () => {
    const topics = Array.from({ length: 100 }, (_, i) => `product${i}`);
    // Questions that differ in their one key term are different questions.
    const many = (n: number) => asked(Array.from({ length: n }, (_, i) => `${i % 2 ? 'Hi, do you sell' : 'Do you sell'} the ${topics[i % 100]} online${i % 3 ? '?' : ', please?'}`));
    const groups = await expectLinearTime('questions', many, groupQuestions, 100);
    expect(groups).toHaveLength(100);
  }, LINEAR_TIME_TEST_TIMEOUT_MS);
});
