// The Embedder contract (test/contracts/embedder.contract.ts), run against every
// implementation: Parley's hashed lexical embedder, and OpenAI's through the real
// SDK against the fake provider on loopback.
import { afterAll, beforeAll, beforeEach, describe } from 'vitest';
import { createLocalEmbedder } from '../../lambdas/adapters/models/local-embedder.ts';
import { createOpenAiEmbedder } from '../../lambdas/adapters/models/openai-embedder.ts';
import { embedderContract, type EmbedderSubject } from '../contracts/embedder.contract.ts';
import { startFakeProvider, type FakeProvider } from '../fakes/provider-server.ts';

const KEY = 'sk-test-embed-contract-0001';
const REVOKED = 'sk-test-embed-contract-revoked';

let fake: FakeProvider;
beforeAll(async () => {
  fake = await startFakeProvider({ invalidKeys: [REVOKED] });
});
afterAll(() => fake.close());
beforeEach(() => fake.reset());

const subjects: EmbedderSubject[] = [
  {
    name: 'the local hashed lexical embedder',
    build: (dimensions) => createLocalEmbedder(dimensions),
    dimensions: [512, 256, 1024],
    deterministic: true,
  },
  {
    name: 'the OpenAI embedder',
    build: (dimensions) => createOpenAiEmbedder({ apiKey: KEY, baseUrl: fake.openaiBaseUrl, dimensions, sleep: () => Promise.resolve() }),
    // The sizes a bot may choose (EmbeddingChoice).
    dimensions: [512, 256, 1024, 1536],
    deterministic: false,
    calls: () => fake.requests.length,
    refusedKey: { provider: 'openai', build: () => createOpenAiEmbedder({ apiKey: REVOKED, baseUrl: fake.openaiBaseUrl, sleep: () => Promise.resolve() }) },
  },
];

for (const subject of subjects) {
  describe(`the embedder contract: ${subject.name}`, () => embedderContract(subject));
}
