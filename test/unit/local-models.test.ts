import { describe, expect, it } from 'vitest';
import { createExtractiveAnswerer, NOTHING_TO_QUOTE } from '../../lambdas/adapters/models/extractive-answerer.ts';
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
  const textOf = (events: ChatModelEvent[]) => events.flatMap((e) => (e.type === 'text' ? [e.text] : [])).join('');

  it('quotes one passage, never a heading, with its citation number', async () => {
    const events = await collect(createExtractiveAnswerer().stream(request('How do I return items?'), {}));
    expect(textOf(events)).toBe('You can return items within 30 days. [1]');
    expect(events.filter((e) => e.type === 'text').length).toBeGreaterThan(1);
    expect(events.at(-1)).toMatchObject({ type: 'usage' });
  });

  it('says the quotation the chat planned, citing the one passage it was given', async () => {
    const planned = { ...request('When do refunds arrive?'), passages: [passages[1]!], quote: ['Refunds for returned items arrive in five days.'] };
    expect(textOf(await collect(createExtractiveAnswerer().stream(planned, {})))).toBe('Refunds for returned items arrive in five days. [1]');
  });

  it('says it found nothing when no passage covers the question', async () => {
    const events = await collect(createExtractiveAnswerer().stream(request('Do you sell chocolate croissants?'), {}));
    expect(textOf(events)).toBe(NOTHING_TO_QUOTE);
  });

  it('stops when the visitor cancels', async () => {
    const controller = new AbortController();
    controller.abort();
    const events = await collect(createExtractiveAnswerer().stream(request('return items'), { signal: controller.signal }));
    expect(events).toEqual([]);
  });
});
