import { describe, expect, it } from 'vitest';
import { saysNotFound } from '../../lambdas/core/not-found.ts';

describe('an answer that says it could not find the answer', () => {
  it.each([
    "I couldn't find that in this bot's documents, so I can't answer it reliably. Would you like to ask a person instead?",
    "I couldn't find a sentence in this bot's documents that answers that.",
    'I could not find information about delivery times in the documents. Would you like me to connect you with a person?',
    "Sorry, I wasn't able to find anything about children's bikes.",
    'The documents do not mention a price for the Trail 500.',
    "The provided documents don't contain that information.",
    'Unfortunately, the opening hours on holidays are not mentioned in the documents.',
    "I'm sorry, there is no information about gift cards.",
    'I don’t see anything about that here.',
  ])('is declined: %s', (answer) => {
    expect(saysNotFound(answer)).toBe(true);
  });

  it.each([
    'The shop opens at nine. [1]',
    "I couldn't find a price for the red model, but the Trail 500 costs 2,499 euros. [2]",
    'Our shop does not have a store in Berlin; orders ship from Vienna.',
    'Returns are free within 30 days.',
    '',
  ])('is an answer: %s', (answer) => {
    expect(saysNotFound(answer)).toBe(false);
  });
});
