import { describe, expect, it } from 'vitest';
import { createExtractiveAnswerer, NOTHING_TO_QUOTE, pickSentences } from '../../lambdas/adapters/models/extractive-answerer.ts';
import { createLocalEmbedder, embedLocally } from '../../lambdas/adapters/models/local-embedder.ts';
import type { ChatModelEvent } from '../../lambdas/core/ports.ts';
import { dot } from '../../lambdas/core/retrieval.ts';

describe('the local embedder', () => {
  it('gives deterministic unit vectors of the configured size', async () => {
    const [a, b] = await createLocalEmbedder(256).embed(['Refunds within thirty days', 'Refunds within thirty days']);
    expect(a).toHaveLength(256);
    expect(a).toEqual(b);
    expect(dot(a!, a!)).toBeCloseTo(1, 5);
  });

  it('places texts that share words closer than texts that do not', () => {
    const q = embedLocally('how do I return an item', 512);
    const near = embedLocally('Items can be returned within 30 days', 512);
    const far = embedLocally('Our office is closed on public holidays', 512);
    expect(dot(q, near)).toBeGreaterThan(dot(q, far) + 0.1);
  });

  it('gives an all-zero vector, not NaN, for text with no words', () => {
    expect([...embedLocally('!!! ...', 64)].every((x) => x === 0)).toBe(true);
  });
});

const collect = async (events: AsyncIterable<ChatModelEvent>) => {
  const out: ChatModelEvent[] = [];
  for await (const e of events) out.push(e);
  return out;
};

describe('the extractive answerer', () => {
  const passages = [
    { docId: 'd', documentName: 'faq.md', section: 'Returns', start: 0, end: 1, score: 0.5, text: '# Returns\n\nYou can return items within 30 days. Shipping is free.' },
    { docId: 'd', documentName: 'faq.md', section: 'Refunds', start: 0, end: 1, score: 0.4, text: 'Refunds for returned items arrive in five days.' },
  ];

  const request = (question: string) => ({ question, passages, system: '', messages: [], maxOutputTokens: 100, temperature: 0 });

  it('quotes the matching sentences with their citation numbers, never a heading', async () => {
    const events = await collect(createExtractiveAnswerer().stream(request('How do I return items?'), {}));
    const text = events.flatMap((e) => (e.type === 'text' ? [e.text] : [])).join('');
    expect(text).toBe('You can return items within 30 days. [1] Refunds for returned items arrive in five days. [2]');
    expect(events.filter((e) => e.type === 'text').length).toBeGreaterThan(2);
    expect(events.at(-1)).toMatchObject({ type: 'usage' });
  });

  it('quotes nothing when no sentence shares a word with the question, and says so', async () => {
    expect(pickSentences('zzz', passages)).toEqual([]);
    const events = await collect(createExtractiveAnswerer().stream(request('Do you sell chocolate croissants?'), {}));
    expect(events.flatMap((e) => (e.type === 'text' ? [e.text] : [])).join('')).toBe(NOTHING_TO_QUOTE);
  });

  it('leaves out section titles and short label lines, and sentences far weaker than the best', () => {
    const pdf = [
      { section: 'Opening hours', text: 'Opening hours\nThe bakery is open from seven in the morning until six in the evening.' },
      { section: 'Recipes', text: 'Recipe 1234 is a rye sourdough with caraway. Our recipe book has many breads, cakes, tarts, buns, pies and biscuits to try.' },
    ];
    expect(pickSentences('When are the opening hours of the bakery?', pdf).map((c) => c.sentence))
      .toEqual(['The bakery is open from seven in the morning until six in the evening.']);
    expect(pickSentences('What is recipe 1234?', pdf).map((c) => c.sentence)).toEqual(['Recipe 1234 is a rye sourdough with caraway.']);
  });

  it('stops when the visitor cancels', async () => {
    const controller = new AbortController();
    controller.abort();
    const events = await collect(createExtractiveAnswerer().stream(request('return items'), { signal: controller.signal }));
    expect(events).toEqual([]);
  });
});
