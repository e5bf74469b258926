import { describe, expect, it } from 'vitest';
import { createExtractiveAnswerer, pickSentences } from '../../lambdas/adapters/models/extractive-answerer.ts';
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

  it('falls back to the first sentence of the best passage', () => {
    expect(pickSentences('zzz', passages).map((c) => c.sentence)).toEqual(['You can return items within 30 days.']);
  });

  it('stops when the visitor cancels', async () => {
    const controller = new AbortController();
    controller.abort();
    const events = await collect(createExtractiveAnswerer().stream(request('return items'), { signal: controller.signal }));
    expect(events).toEqual([]);
  });
});
