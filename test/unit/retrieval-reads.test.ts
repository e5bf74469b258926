// How many times retrieval reads chunk items: once for the candidates (and the best lexical ones),
// once more at most when passages fall below the relevance floor at k = 5, and for many passages
// asked, a bounded read ahead at a time.
import { afterEach, describe, expect, it } from 'vitest';
import { openIndex } from '../../lambdas/core/bot-index.ts';
import { segmentCache } from '../../lambdas/core/index-cache.ts';
import type { ChunkKey, Deps } from '../../lambdas/core/ports.ts';
import { newId } from '../../lambdas/core/ids.ts';
import { retrieve } from '../../lambdas/core/retrieval.ts';
import { tenantForSystem } from '../../lambdas/core/tenancy.ts';
import { memoryBot } from '../bench/memory-bot.ts';
import { rng } from '../bench/synthetic-bot.ts';
import { denseVectors, normalise, queryNear } from '../bench/synthetic-vectors.ts';

const tenant = tenantForSystem(newId());

const botWithReads = () => {
  const random = rng(5);
  const bot = memoryBot(2_000, random, denseVectors('anisotropic', random, 512));
  let asked: Float32Array = new Float32Array(512);
  const base = bot.depsWith({ embed: async (ts) => ts.map(() => asked), sparse: false });
  const reads: ChunkKey[][] = [];
  const deps: Deps = { ...base, chunks: { ...base.chunks, getMany: async (t, b, keys) => { reads.push([...keys]); return base.chunks.getMany(t, b, keys); } } };
  // Words of one chunk (lexical candidates galore), for a question.
  const question = bot.texts[42]!.split(' ').slice(0, 8).join(' ');
  return {
    ...bot, deps, reads, random, question,
    ask: (v: Float32Array) => { asked = v; },
    // A vector pointing away from every chunk (vectors with the statistics of real embeddings share a mean direction).
    askAway: () => {
      const away = new Float32Array(512);
      for (const v of bot.vectors) for (let i = 0; i < 512; i++) away[i]! -= v[i]!;
      asked = normalise(away);
    },
  };
};

describe('retrieval reads chunk items', () => {
  afterEach(() => segmentCache.clear());

  for (const cold of [false, true]) {
    it(`${cold ? 'cold' : 'warm'}: once for a question its candidates answer`, async () => {
      const bot = botWithReads();
      if (!cold) await openIndex(bot.deps, tenant, 'bot');
      bot.ask(queryNear(bot.vectors[42]!, bot.random));
      const passages = await retrieve(bot.deps, tenant, 'bot', bot.question, 5, { coldWholeChunks: 0 });
      expect(passages[0]!.text).toBe(bot.texts[42]);
      expect(bot.reads).toHaveLength(1);
    });

    it(`${cold ? 'cold' : 'warm'}: twice at most when every passage falls below the floor`, async () => {
      const bot = botWithReads();
      if (!cold) await openIndex(bot.deps, tenant, 'bot');
      bot.askAway();
      const passages = await retrieve(bot.deps, tenant, 'bot', bot.question, 5, { coldWholeChunks: 0 });
      expect(passages).toEqual([]);
      expect(bot.reads.length).toBeGreaterThanOrEqual(1);
      expect(bot.reads.length).toBeLessThanOrEqual(2);
      // No chunk read twice.
      const keys = bot.reads.flat().map((k) => `${k.docId}#${k.run}#${k.seq}`);
      expect(new Set(keys).size).toBe(keys.length);
    });
  }

  it('reads ahead a bounded number of chunks when many passages are asked for', async () => {
    const bot = botWithReads();
    await openIndex(bot.deps, tenant, 'bot');
    bot.askAway();
    const k = 50;
    expect(await retrieve(bot.deps, tenant, 'bot', bot.question, k)).toEqual([]);
    // After the candidates' read, reads of at most 4k more (not the whole fused list of up to 20k).
    expect(bot.reads.length).toBeGreaterThan(2);
    expect(bot.reads.slice(1).every((keys) => keys.length <= 4 * k)).toBe(true);
  });
});
