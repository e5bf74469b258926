// Bedrock embedding settings: which model a setting names (Titan V2 unless it says
// Cohere), when two settings are the same index, what a new bot gets, and the floor
// a passage's similarity must reach.
import { describe, expect, it } from 'vitest';
import { bedrockEmbeddingModelOf, embeddingSizesOf, isEmbeddingModel } from '../../lambdas/core/bedrock-models.ts';
import { defaultEmbedding, relevanceFloor, sameEmbedding } from '../../lambdas/core/embedding.ts';
import { MIN_PASSAGE_SCORE } from '../../lambdas/core/limits.ts';
import type { Embedder } from '../../lambdas/core/ports.ts';
import { PROVIDERS } from '../../lambdas/core/providers.ts';
import { createResidencyPolicy } from '../../lambdas/core/residency.ts';

const TITAN = 'amazon.titan-embed-text-v2:0';
const COHERE = 'cohere.embed-multilingual-v3';
const embedder: Embedder = { model: 'fake', dimensions: 3, embed: () => Promise.resolve([]) };
const deps = (bedrockModels: string[]) => ({
  residency: createResidencyPolicy({ profile: 'none', allowedProviders: [...PROVIDERS], region: 'eu-west-1', egressAllowHosts: [], bedrockModels }),
  embedders: { local: embedder, openai: () => embedder, bedrock: () => embedder },
});

describe('Bedrock embedding settings', () => {
  it('name Titan V2 unless they name another model, and know each model\'s sizes', () => {
    expect(bedrockEmbeddingModelOf({ provider: 'bedrock' })).toBe(TITAN);
    expect(bedrockEmbeddingModelOf({ provider: 'bedrock', model: COHERE })).toBe(COHERE);
    expect(embeddingSizesOf(COHERE)).toEqual([1024]);
    expect(embeddingSizesOf('cohere.embed-english-v3')).toEqual([1024]);
    expect(embeddingSizesOf(TITAN)).toEqual([256, 512, 1024]);
    expect(isEmbeddingModel('amazon.nova-lite-v1:0')).toBe(false);
    expect(embeddingSizesOf('amazon.nova-lite-v1:0')).toEqual([]);
  });

  it('are the same index only with the same model and size', () => {
    expect(sameEmbedding({ provider: 'bedrock', dimensions: 1024 }, { provider: 'bedrock', dimensions: 1024, model: TITAN })).toBe(true);
    expect(sameEmbedding({ provider: 'bedrock', dimensions: 1024 }, { provider: 'bedrock', dimensions: 1024, model: COHERE })).toBe(false);
    expect(sameEmbedding({ provider: 'bedrock', dimensions: 512 }, { provider: 'bedrock', dimensions: 1024 })).toBe(false);
  });

  it('give a new bot Titan V2 where approved, else the approved Cohere model, else nothing', () => {
    expect(defaultEmbedding(deps([COHERE, TITAN]))).toEqual({ provider: 'bedrock', dimensions: 1024 });
    expect(defaultEmbedding(deps(['amazon.nova-lite-v1:0', COHERE]))).toEqual({ provider: 'bedrock', dimensions: 1024, model: COHERE });
    expect(defaultEmbedding(deps(['amazon.nova-lite-v1:0']))).toBeUndefined();
  });

  it('hold semantic passages to the (unmeasured for Bedrock) 0.25 floor, and the local embedder to its own', () => {
    expect(relevanceFloor(`${TITAN}@512`)).toBe(0.25);
    expect(relevanceFloor(`${COHERE}@1024`)).toBe(0.25);
    expect(relevanceFloor('text-embedding-3-small@1536')).toBe(0.25);
    expect(relevanceFloor('parley-hashed-lexical-v1@512')).toBe(MIN_PASSAGE_SCORE);
  });
});
