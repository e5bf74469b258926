// The Bedrock embedder's token counts where the service gives none: a Cohere answer body never counts,
// and without Bedrock's x-amzn-bedrock-input-token-count header (a runtime that does not send it, here a
// client whose answers carry no headers) the tokens are estimated from characters, 4 a token; a Titan
// answer's own inputTextTokenCount is used whenever it is there. (The counts from the real wire format,
// header included, are checked through the real SDK in test/integration/bedrock-runtime.test.ts.)
import { describe, expect, it } from 'vitest';
import { createBedrockEmbedder } from '../../lambdas/adapters/models/bedrock-embedder.ts';
import type { OpenBedrock } from '../../lambdas/adapters/models/bedrock-runtime.ts';

/** A runtime whose every InvokeModel answers `answer(body)` as JSON, with no response headers at all. */
const runtime = (answer: (body: Record<string, unknown>) => unknown): OpenBedrock => {
  class InvokeModelCommand {
    readonly input: { body: string };
    readonly middlewareStack = { add: () => undefined };
    constructor(input: { body: string }) {
      this.input = input;
    }
  }
  const client = {
    send: async (command: InvokeModelCommand) => ({ body: new TextEncoder().encode(JSON.stringify(answer(JSON.parse(command.input.body) as Record<string, unknown>))) }),
  };
  return (async () => ({ sdk: { InvokeModelCommand }, client })) as unknown as OpenBedrock;
};

const vector = (n: number) => Array.from({ length: n }, (_, i) => (i === 0 ? 1 : 0));

describe('the Bedrock embedder\'s token counts without a header', () => {
  it('estimates a Cohere request from its characters, 4 a token, when Bedrock sends no count', async () => {
    const open = runtime((body) => ({ id: 'r1', response_type: 'embeddings_floats', texts: body.texts, embeddings: (body.texts as string[]).map(() => vector(1024)) }));
    const heard: number[] = [];

    await createBedrockEmbedder({ open, model: 'cohere.embed-english-v3', dimensions: 1024 }).embed(['twelve chars', 'x'.repeat(9)], (n) => heard.push(n));

    expect(heard).toEqual([3 + 3]);
  });

  it('takes Titan\'s own inputTextTokenCount, and estimates only an answer without one', async () => {
    const counted = runtime(() => ({ embedding: vector(256), inputTextTokenCount: 11, embeddingsByType: { float: vector(256) } }));
    const uncounted = runtime(() => ({ embedding: vector(256) }));
    const heard: number[] = [];

    await createBedrockEmbedder({ open: counted, dimensions: 256 }).embed(['a text of some length'], (n) => heard.push(n));
    await createBedrockEmbedder({ open: uncounted, dimensions: 256 }).embed(['a text of some length'], (n) => heard.push(n));

    expect(heard).toEqual([11, Math.ceil('a text of some length'.length / 4)]);
  });
});
