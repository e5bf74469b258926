// The OpenAI embedder, through the real `openai` SDK against the fake provider on
// loopback: batching, order, dimensions, unit length, and the retry policy.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createOpenAiEmbedder, MAX_TOKENS_PER_INPUT } from '../../lambdas/adapters/models/openai-embedder.ts';
import { fakeEmbedding, startFakeProvider } from '../fakes/provider-server.ts';
import type { FakeProvider } from '../fakes/provider-server.ts';
import { rejectionOf } from './fixtures/rejection.ts';

const goodKey = 'sk-test-good-0001';
const revokedKey = 'sk-test-revoked-0002';

let fake: FakeProvider;
beforeAll(async () => {
  fake = await startFakeProvider({ invalidKeys: [revokedKey] });
});
afterAll(() => fake.close());
beforeEach(() => fake.reset());

const embedder = (options: { apiKey?: string; dimensions?: number; maxRetries?: number; sleep?: (ms: number) => Promise<void> } = {}) =>
  createOpenAiEmbedder({ apiKey: goodKey, baseUrl: fake.openaiBaseUrl, ...options });

/** A sleep that records each wait and returns at once. */
const recordingSleep = () => {
  const waits: number[] = [];
  return { waits, sleep: (ms: number) => { waits.push(ms); return Promise.resolve(); } };
};

const inputsOf = (i: number): string[] => (fake.requests[i]?.body as { input: string[] }).input;
const norm = (v: Float32Array): number => Math.sqrt(v.reduce((s, x) => s + x * x, 0));
const dot = (a: Float32Array, b: readonly number[]): number => a.reduce((s, x, i) => s + x * (b[i] ?? 0), 0);


describe('the OpenAI embedder', () => {
  it('splits 2,500 inputs into requests of 2,048 and 452 and keeps input order', async () => {
    const texts = Array.from({ length: 2_500 }, (_, i) => `passage number ${i}`);

    const vectors = await embedder({ dimensions: 8 }).embed(texts);

    expect(fake.requests).toHaveLength(2);
    expect(inputsOf(0)).toHaveLength(2_048);
    expect(inputsOf(1)).toHaveLength(452);
    expect([...inputsOf(0), ...inputsOf(1)]).toEqual(texts);
    expect(vectors).toHaveLength(2_500);
    // Each vector is the one the fake computes for that very text.
    for (const i of [0, 1, 2_047, 2_048, 2_049, 2_499]) {
      expect(dot(vectors[i]!, fakeEmbedding(texts[i]!, 8))).toBeCloseTo(1, 5);
    }
    expect(dot(vectors[2_048]!, fakeEmbedding(texts[0]!, 8))).toBeLessThan(0.999);
  });

  it('reports what each request used, as the API counted it (usage.prompt_tokens), as each is answered', async () => {
    const texts = Array.from({ length: 2_500 }, (_, i) => `passage number ${i}`);
    const heard: number[] = [];

    await embedder({ dimensions: 8 }).embed(texts, (tokens) => heard.push(tokens));

    // The fake counts words, as no estimate from characters (ceil(chars / 4)) would.
    expect(heard).toEqual([2_048 * 3, 452 * 3]);
  });

  it('splits a batch at the ~300,000-token budget and truncates an over-long input to 8,191 tokens', async () => {
    // 8,000 estimated tokens each: 37 fit in 300,000, the 38th starts a new request.
    const long = Array.from({ length: 40 }, (_, i) => `${String.fromCharCode(97 + (i % 26))}${'x'.repeat(31_999)}`);
    const tooLong = 'y'.repeat(MAX_TOKENS_PER_INPUT * 4 + 5_000);

    const vectors = await embedder({ dimensions: 8 }).embed([...long, tooLong]);

    expect(fake.requests).toHaveLength(2);
    expect(inputsOf(0)).toHaveLength(37);
    expect(inputsOf(1)).toHaveLength(4);
    expect(inputsOf(0)).toEqual(long.slice(0, 37));
    expect(inputsOf(1).slice(0, 3)).toEqual(long.slice(37));
    expect(inputsOf(1)[3]).toHaveLength(MAX_TOKENS_PER_INPUT * 4);
    expect(vectors).toHaveLength(41);
  });

  it('asks for the configured dimensions, returns vectors of that length, each of unit length', async () => {
    const e = embedder({ dimensions: 256 });
    const vectors = await e.embed(['We open at nine.', 'Closed on Sundays.', 'Parking is free.']);

    expect(e.dimensions).toBe(256);
    expect(e.model).toBe('text-embedding-3-small');
    expect(fake.requests).toHaveLength(1);
    expect(fake.requests[0]?.body).toMatchObject({ model: 'text-embedding-3-small', dimensions: 256, encoding_format: 'float' });
    for (const v of vectors) {
      expect(v).toBeInstanceOf(Float32Array);
      expect(v).toHaveLength(256);
      expect(norm(v)).toBeCloseTo(1, 5);
    }
  });

  it('defaults to 512 dimensions', async () => {
    const [v] = await embedder().embed(['hello']);
    expect(fake.requests[0]?.body).toMatchObject({ dimensions: 512 });
    expect(v).toHaveLength(512);
  });

  it('waits as long as retry-after says after a 429, then succeeds on the retry', async () => {
    fake.script({ kind: 'error', status: 429, retryAfterSeconds: 3 }, { on: 'openai.embeddings' });
    const { waits, sleep } = recordingSleep();

    const vectors = await embedder({ dimensions: 8, sleep }).embed(['hello']);

    expect(waits).toEqual([3_000]);
    expect(fake.requests).toHaveLength(2);
    expect(vectors).toHaveLength(1);
    expect(norm(vectors[0]!)).toBeCloseTo(1, 5);
  });

  it('retries a 500 with growing backoff up to maxRetries, then throws the provider error', async () => {
    fake.script({ kind: 'error', status: 500 }, { on: 'openai.embeddings', times: Infinity });
    const { waits, sleep } = recordingSleep();

    const error = await rejectionOf(embedder({ maxRetries: 3, sleep }).embed(['hello']));

    expect(error).toMatchObject({ status: 500 });
    expect(fake.requests).toHaveLength(4);
    expect(waits).toHaveLength(3);
    // Equal jitter around 500 · 2^n: each wait in [step/2, step).
    waits.forEach((ms, n) => {
      const step = 500 * 2 ** n;
      expect(ms).toBeGreaterThanOrEqual(step / 2);
      expect(ms).toBeLessThan(step);
    });
  });

  it('does not retry a 401', async () => {
    const { waits, sleep } = recordingSleep();

    const error = await rejectionOf(embedder({ apiKey: revokedKey, sleep }).embed(['hello']));

    expect(error).toMatchObject({ name: 'ProviderRefusedKey', provider: 'openai', message: expect.stringContaining('401') as string });
    expect(fake.requests).toHaveLength(1);
    expect(waits).toEqual([]);
  });

  it('retries a connection failure', async () => {
    const { waits, sleep } = recordingSleep();
    const closed = await startFakeProvider();
    const baseUrl = closed.openaiBaseUrl;
    await closed.close();

    const error = await rejectionOf(createOpenAiEmbedder({ apiKey: goodKey, baseUrl, maxRetries: 2, sleep }).embed(['hello']));

    expect((error as Error).constructor.name).toBe('APIConnectionError');
    expect(waits).toHaveLength(2);
  });

  it('sends no request for no texts', async () => {
    expect(await embedder().embed([])).toEqual([]);
    expect(fake.requests).toHaveLength(0);
  });
});
