// The Embedder contract (test/contracts/embedder.contract.ts), run against every
// implementation: Parley's hashed lexical embedder, OpenAI's through the real SDK
// against the fake provider on loopback, and Bedrock's (Titan Text Embeddings V2, Cohere Embed v3)
// through the real Bedrock runtime client against the fake Bedrock.
import { afterAll, beforeAll, beforeEach, describe } from 'vitest';
import { createBedrockEmbedder } from '../../lambdas/adapters/models/bedrock-embedder.ts';
import { createBedrockRuntime } from '../../lambdas/adapters/models/bedrock-runtime.ts';
import { createLocalEmbedder } from '../../lambdas/adapters/models/local-embedder.ts';
import { createOpenAiEmbedder } from '../../lambdas/adapters/models/openai-embedder.ts';
import { embedderContract, type EmbedderSubject } from '../contracts/embedder.contract.ts';
import { startFakeBedrock, type FakeBedrock } from '../fakes/bedrock-server.ts';
import { startFakeProvider, type FakeProvider } from '../fakes/provider-server.ts';

const KEY = 'sk-test-embed-contract-0001';
const REVOKED = 'sk-test-embed-contract-revoked';

const ROLE = { accessKeyId: 'ASIAFAKEROLE0001', secretAccessKey: 'fake-secret' };
const DENIED_ROLE = { accessKeyId: 'ASIAFAKEDENIED02', secretAccessKey: 'fake-secret' };

let fake: FakeProvider;
let bedrock: FakeBedrock;
beforeAll(async () => {
  [fake, bedrock] = await Promise.all([startFakeProvider({ invalidKeys: [REVOKED] }), startFakeBedrock({ deniedAccessKeys: [DENIED_ROLE.accessKeyId] })]);
});
afterAll(() => Promise.all([fake.close(), bedrock.close()]));
beforeEach(() => {
  fake.reset();
  bedrock.reset();
});

const bedrockRuntime = (credentials: typeof ROLE) => createBedrockRuntime({ region: 'eu-west-1', endpoint: bedrock.url, credentials });

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
  {
    name: 'the Bedrock embedder (Titan Text Embeddings V2)',
    build: (dimensions) => createBedrockEmbedder({ open: bedrockRuntime(ROLE), dimensions, sleep: () => Promise.resolve() }),
    dimensions: [512, 256, 1024],
    deterministic: false,
    calls: () => bedrock.requests.length,
    refusedKey: { provider: 'bedrock', build: () => createBedrockEmbedder({ open: bedrockRuntime(DENIED_ROLE), dimensions: 512, sleep: () => Promise.resolve() }) },
  },
  ...(['document', 'query'] as const).map((input): EmbedderSubject => ({
    name: `the Bedrock embedder (Cohere Embed v3, multilingual, ${input}s)`,
    build: (dimensions) => createBedrockEmbedder({ open: bedrockRuntime(ROLE), model: 'cohere.embed-multilingual-v3', dimensions, input, sleep: () => Promise.resolve() }),
    dimensions: [1024],
    deterministic: false,
    calls: () => bedrock.requests.length,
    refusedKey: { provider: 'bedrock', build: () => createBedrockEmbedder({ open: bedrockRuntime(DENIED_ROLE), model: 'cohere.embed-english-v3', dimensions: 1024, input, sleep: () => Promise.resolve() }) },
  })),
];

for (const subject of subjects) {
  describe(`the embedder contract: ${subject.name}`, () => embedderContract(subject));
}
