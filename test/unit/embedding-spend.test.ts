// Embedding spend: what every provider embedder a bot uses records (tokens and list-price
// cost, by bot and key class, also when a later request fails), the list prices of the
// embedding models, and the cost budget that stops documents (never questions) being embedded.
import { describe, expect, it } from 'vitest';
import { BudgetExhausted, meteredEmbedder, questionChargesWritten } from '../../lambdas/core/embedding-spend.ts';
import { embedderForBot, embedderForIndex, type BotEmbedderDeps } from '../../lambdas/core/embedding.ts';
import { DEFAULT_BOT_BUDGET } from '../../lambdas/core/limits.ts';
import type { Embedder, EmbeddingTokens, Meter } from '../../lambdas/core/ports.ts';
import { embeddingCostMicros } from '../../lambdas/core/pricing.ts';
import type { Bot, KeyClass } from '../../lambdas/core/records.ts';
import { createResidencyPolicy } from '../../lambdas/core/residency.ts';
import { tenantForSystem } from '../../lambdas/core/tenancy.ts';
import { fakePort } from '../fakes/ports.ts';

const TITAN = 'amazon.titan-embed-text-v2:0';
const tenant = tenantForSystem('01HZZZZZZZZZZZZZZZZZZZZZZZ');

/** A provider embedder that reports `tokens[i]` for its i-th request, one request per text, and fails at `failAt`. */
const provider = (model: string, tokens: readonly number[], failAt?: number): Embedder => ({
  model,
  dimensions: 4,
  async embed(texts, onTokens?: EmbeddingTokens) {
    return texts.map((_, i) => {
      if (i === failAt) throw new Error('provider failed at request ' + i);
      onTokens?.(tokens[i]!);
      return new Float32Array([1, 0, 0, 0]);
    });
  },
});

type Recorded = { botId: string; keyClass: KeyClass; usage: { tokens: number; costMicros: number } };

const recordingMeter = (room: 'ok' | 'daily' | 'monthly' = 'ok') => {
  const recorded: Recorded[] = [];
  const asked: string[] = [];
  const meter = fakePort<Meter>('meter', {
    recordEmbedding: async (_t, botId, keyClass, usage) => { recorded.push({ botId, keyClass, usage }); },
    costRoom: async (_t, botId) => { asked.push(botId); return room; },
  });
  return { meter, recorded, asked };
};

const bot = (overrides: Partial<Bot> = {}): Bot => ({
  botId: 'bot1', publicId: 'pub1', name: 'Shop', instructions: '', welcomeMessage: '', allowedOrigins: [],
  embedding: { provider: 'bedrock', dimensions: 1024 }, createdAt: '2026-12-01T00:00:00Z', updatedAt: '2026-12-01T00:00:00Z', ...overrides,
});

const depsWith = (meter: Meter, made: string[] = []): BotEmbedderDeps => ({
  meter,
  residency: createResidencyPolicy({ profile: 'none', allowedProviders: ['openai', 'anthropic', 'openai-compatible', 'bedrock'], region: 'eu-west-1', egressAllowHosts: [], bedrockModels: [TITAN] }),
  keys: fakePort('keys'),
  secrets: fakePort('secrets'),
  platformKeys: fakePort('platformKeys'),
  accounts: fakePort('accounts'),
  embedders: {
    local: { model: 'parley-hashed-lexical-v1', dimensions: 512, embed: (texts) => Promise.resolve(texts.map(() => new Float32Array(512))) },
    openai: () => { throw new Error('no OpenAI embedder'); },
    bedrock: ({ model, input }) => { made.push(`${model}/${input}`); return provider(model, [7, 5, 3]); },
  },
});

describe('embedding prices', () => {
  it('lists the embedding models at their input price per million tokens, rounding a call up to a whole micro-dollar', () => {
    expect(embeddingCostMicros('openai', 'text-embedding-3-small', 1_000_000)).toBe(20_000);
    expect(embeddingCostMicros('bedrock', TITAN, 1_000_000)).toBe(20_000);
    expect(embeddingCostMicros('bedrock', 'cohere.embed-multilingual-v3', 1_000_000)).toBe(100_000);
    // An approved ARN or a profile is priced as the model it names.
    expect(embeddingCostMicros('bedrock', `arn:aws:bedrock:eu-west-1::foundation-model/${TITAN}`, 1_000_000)).toBe(20_000);
    expect(embeddingCostMicros('bedrock', TITAN, 12)).toBe(1);
    expect(embeddingCostMicros('local', 'parley-hashed-lexical-v1', 1_000_000)).toBe(0);
  });
});

describe('a metered embedder', () => {
  it('records the tokens of all its requests, once per call, at list price for the bot and the key class that paid', async () => {
    const { meter, recorded } = recordingMeter();
    const heard: number[] = [];
    const embedder = meteredEmbedder({ meter }, tenant, { botId: 'bot1', keyClass: 'owner', provider: 'openai' }, provider('text-embedding-3-small', [400_000, 100_000]));

    const vectors = await embedder.embed(['a', 'b'], (n) => heard.push(n));

    expect(vectors).toHaveLength(2);
    expect(embedder).toMatchObject({ model: 'text-embedding-3-small', dimensions: 4 });
    expect(heard).toEqual([400_000, 100_000]);
    expect(recorded).toEqual([{ botId: 'bot1', keyClass: 'owner', usage: { tokens: 500_000, costMicros: 10_000 } }]);
  });

  it('records what was answered before a request failed, and the caller hears the failure', async () => {
    const { meter, recorded } = recordingMeter();
    const embedder = meteredEmbedder({ meter }, tenant, { botId: 'bot1', keyClass: 'bedrock', provider: 'bedrock' }, provider(TITAN, [50_000, 50_000, 9], 2));

    await expect(embedder.embed(['a', 'b', 'c'])).rejects.toThrow('provider failed at request 2');

    expect(recorded).toEqual([{ botId: 'bot1', keyClass: 'bedrock', usage: { tokens: 100_000, costMicros: 2_000 } }]);
  });

  it('records nothing for a call that used nothing', async () => {
    const { meter, recorded } = recordingMeter();
    expect(await meteredEmbedder({ meter }, tenant, { botId: 'bot1', keyClass: 'platform', provider: 'openai' }, provider('text-embedding-3-small', [])).embed([])).toEqual([]);
    expect(recorded).toEqual([]);
  });
});

describe('the embedder of a bot', () => {
  it('embeds documents with Bedrock metered for the bot, once its cost budgets have room', async () => {
    const { meter, recorded, asked } = recordingMeter();
    const made: string[] = [];

    const embedder = await embedderForBot(depsWith(meter, made), tenant, bot());
    await embedder.embed(['one', 'two']);

    expect(asked).toEqual(['bot1']);
    expect(made).toEqual([`${TITAN}/document`]);
    expect(recorded).toEqual([{ botId: 'bot1', keyClass: 'bedrock', usage: { tokens: 12, costMicros: 1 } }]);
  });

  it.each([['daily', /daily budget \(\$5\.00 at list prices\).*again tomorrow/], ['monthly', /monthly budget \(\$50\.00 at list prices\).*again next month/]] as const)(
    'refuses to embed documents when the %s cost budget has no room, naming it, and calls no provider',
    async (budget, message) => {
      const { meter, recorded } = recordingMeter(budget);
      const made: string[] = [];

      const refused = embedderForBot(depsWith(meter, made), tenant, bot());

      await expect(refused).rejects.toBeInstanceOf(BudgetExhausted);
      await expect(refused).rejects.toMatchObject({ budget, message: expect.stringMatching(message) as string });
      expect(made).toEqual([]);
      expect(recorded).toEqual([]);
    },
  );

  it('names the bot\'s own budget, not the default, when it has one', async () => {
    const { meter } = recordingMeter('daily');
    await expect(embedderForBot(depsWith(meter), tenant, bot({ budget: { ...DEFAULT_BOT_BUDGET, dailyCostMicros: 250_000 } }))).rejects.toThrow(/daily budget \(\$0\.25 at list prices\)/);
  });

  it('embeds locally with no meter at all: the local embedder costs nothing', async () => {
    // The meter has no methods: reaching it fails the test.
    const deps = depsWith(fakePort<Meter>('meter'));
    const embedder = await embedderForBot(deps, tenant, bot({ embedding: { provider: 'local' } }));
    expect(embedder).toBe(deps.embedders.local);
    await embedder.embed(['free']);
  });

  it('embeds questions metered for the bot whose index it is, and never asks the budget', async () => {
    const recorded: Recorded[] = [];
    // No `costRoom`: a question's embedding is never refused for the budget.
    const meter = fakePort<Meter>('meter', { recordEmbedding: async (_t, botId, keyClass, usage) => { recorded.push({ botId, keyClass, usage }); } });
    const made: string[] = [];

    const embedder = await embedderForIndex(depsWith(meter, made), tenant, 'bot9', `${TITAN}@1024`);
    await embedder!.embed(['when do you open?']);

    expect(made).toEqual([`${TITAN}/query`]);
    expect(recorded).toEqual([{ botId: 'bot9', keyClass: 'bedrock', usage: { tokens: 7, costMicros: 1 } }]);
  });
});

describe('a question embedder', () => {
  /** A meter whose writes wait until `release` is called, failing if told to. */
  const heldMeter = (fail = false) => {
    let release!: () => void;
    const held = new Promise<void>((resolve) => { release = resolve; });
    const written: string[] = [];
    const meter = fakePort<Meter>('meter', {
      recordEmbedding: async (_t, botId) => {
        await held;
        if (fail) throw new Error('meter write failed');
        written.push(botId);
      },
    });
    return { meter, written, release: () => release() };
  };

  it('hands the vector on before its charge is written, and the answer settling waits for the charge', async () => {
    const { meter, written, release } = heldMeter();
    const embedder = meteredEmbedder({ meter }, tenant, { botId: 'bot1', keyClass: 'bedrock', provider: 'bedrock' }, provider(TITAN, [7]), { defer: true });

    expect(await embedder.embed(['when do you open?'])).toHaveLength(1);
    expect(written).toEqual([]);
    let settled = false;
    const waiting = questionChargesWritten().then(() => { settled = true; });
    await new Promise((r) => setTimeout(r, 10));
    expect(settled).toBe(false);
    release();
    await waiting;
    expect(written).toEqual(['bot1']);
  });

  it('makes a failed charge heard where the answer settles', async () => {
    const { meter, release } = heldMeter(true);
    const embedder = meteredEmbedder({ meter }, tenant, { botId: 'bot1', keyClass: 'owner', provider: 'openai' }, provider('text-embedding-3-small', [3]), { defer: true });
    await embedder.embed(['hours?']);
    release();
    await expect(questionChargesWritten()).rejects.toThrow('meter write failed');
    // Heard once: the next answer does not fail for it.
    await expect(questionChargesWritten()).resolves.toBeUndefined();
  });

  it('is what a bot uses for questions: the charge is not awaited by embed', async () => {
    const { meter, written, release } = heldMeter();
    const deps = { ...depsWith(meter), meter };
    const embedder = await embedderForIndex(deps, tenant, 'bot9', `${TITAN}@1024`);
    await embedder!.embed(['when do you open?']);
    expect(written).toEqual([]);
    release();
    await questionChargesWritten();
    expect(written).toEqual(['bot9']);
  });
});
