// The ChatModel contract (test/contracts/chat-model.contract.ts), run against every
// implementation: Parley's extractive answerer, the OpenAI, Anthropic and
// OpenAI-compatible adapters through their real SDKs against the fake provider on
// loopback, and the Bedrock adapter through the real Bedrock runtime client
// against the fake Bedrock (ConverseStream's event stream) on loopback.
import { afterAll, beforeAll, beforeEach, describe, expect } from 'vitest';
import { createBedrockRuntime } from '../../lambdas/adapters/models/bedrock-runtime.ts';
import { createChatModels } from '../../lambdas/adapters/models/chat-models.ts';
import { createExtractiveAnswerer } from '../../lambdas/adapters/models/extractive-answerer.ts';
import { createGuardedFetch } from '../../lambdas/adapters/net/guarded-fetch.ts';
import type { ChatModels, ChatRequest } from '../../lambdas/core/ports.ts';
import type { Passage } from '../../lambdas/core/records.ts';
import type { ProviderId } from '../../lambdas/core/providers.ts';
import { chatModelContract, type ArrangedFailure, type ChatModelSubject } from '../contracts/chat-model.contract.ts';
import { startFakeBedrock, type FakeBedrock } from '../fakes/bedrock-server.ts';
import { startFakeProvider, type FakeProvider } from '../fakes/provider-server.ts';

const KEY = 'sk-test-contract-0001-abcdefgh';
const REVOKED = 'sk-test-contract-revoked-0002';

const ROLE = { accessKeyId: 'ASIAFAKEROLE0001', secretAccessKey: 'fake-secret' };
const DENIED_ROLE = { accessKeyId: 'ASIAFAKEDENIED02', secretAccessKey: 'fake-secret' };

let fake: FakeProvider;
let bedrock: FakeBedrock;
let models: ChatModels;
let deniedModels: ChatModels;
beforeAll(async () => {
  [fake, bedrock] = await Promise.all([startFakeProvider({ invalidKeys: [REVOKED] }), startFakeBedrock({ deniedAccessKeys: [DENIED_ROLE.accessKeyId] })]);
  // The guarded fetch lets the fake's host through, standing in for an owner's public endpoint.
  const guardedFetch = createGuardedFetch({ requireHttps: false, allowHosts: [new URL(fake.url).host] });
  const endpoints = { openaiBaseUrl: fake.openaiBaseUrl, anthropicBaseUrl: fake.anthropicBaseUrl, guardedFetch };
  const runtime = (credentials: typeof ROLE) => createBedrockRuntime({ region: 'eu-west-1', endpoint: bedrock.url, credentials });
  models = createChatModels(endpoints, { idleTimeoutMs: 30_000, bedrock: runtime(ROLE) });
  deniedModels = createChatModels(endpoints, { idleTimeoutMs: 30_000, bedrock: runtime(DENIED_ROLE) });
});
afterAll(() => Promise.all([fake.close(), bedrock.close()]));
beforeEach(() => {
  fake.reset();
  bedrock.reset();
});

const promptFor = (question: string): ChatRequest => ({
  question,
  passages: [],
  system: 'Answer only from the passages.',
  messages: [{ role: 'user', content: question }],
  maxOutputTokens: 200,
  temperature: 0.2,
});

const passage = (text: string): Passage => ({ docId: 'doc', documentName: 'hours.md', section: 'Opening hours', start: 0, end: text.length, score: 0.9, text });

const local: ChatModelSubject = {
  name: 'the extractive answerer',
  build: () => createExtractiveAnswerer(),
  // It quotes the sentences the chat planned from the first passage, with that passage's number.
  answering: (reply) => ({ request: { ...promptFor('When do you open?'), passages: [passage(reply)], quote: [reply] }, text: `${reply} [1]` }),
  failures: [],
  deterministic: true,
};

const providerSubject = (name: string, provider: ProviderId, model: string): ChatModelSubject => {
  let key = KEY;
  const lastRequestCancelled = async () => {
    const last = fake.requests.at(-1);
    expect(last).toBeDefined();
    expect(await fake.settled(last!)).toBe('disconnected');
  };
  const failures: ArrangedFailure[] = [
    { what: 'a refused key', kind: 'auth', arrange: () => { key = REVOKED; } },
    { what: 'HTTP 403', kind: 'auth', arrange: () => fake.script({ kind: 'error', status: 403 }) },
    { what: 'HTTP 429', kind: 'rate_limited', arrange: () => fake.script({ kind: 'error', status: 429, retryAfterSeconds: 2 }) },
    { what: 'HTTP 400', kind: 'bad_request', arrange: () => fake.script({ kind: 'error', status: 400 }) },
    { what: 'HTTP 503', kind: 'unavailable', arrange: () => fake.script({ kind: 'error', status: 503 }) },
    { what: 'a failure midway through the stream', kind: 'unavailable', arrange: () => fake.script({ kind: 'reply', text: 'one two three four', failAfterDeltas: 2 }) },
    { what: 'a provider that never answers', kind: 'timeout', arrange: () => { fake.script({ kind: 'hang' }); return { idleTimeoutMs: 200 }; } },
  ];
  return {
    name,
    apiKey: KEY,
    build: () => {
      const built = models.create({ provider, model, apiKey: key, ...(provider === 'openai-compatible' ? { baseUrl: fake.openaiBaseUrl } : {}) });
      key = KEY;
      return built;
    },
    answering: (reply, pace) => {
      fake.script({ kind: 'reply', text: reply, ...(pace ? { delayMs: pace } : {}) });
      return { request: promptFor('When do you open?'), text: reply };
    },
    failures,
    deterministic: false,
    cancelled: lastRequestCancelled,
  };
};

const bedrockSubject = (model: string): ChatModelSubject => {
  let denied = false;
  const failures: ArrangedFailure[] = [
    { what: 'a role the service does not recognise (403)', kind: 'auth', arrange: () => { denied = true; } },
    { what: 'AccessDeniedException (403)', kind: 'auth', arrange: () => bedrock.script({ kind: 'error', type: 'AccessDeniedException' }) },
    { what: 'ThrottlingException (429)', kind: 'rate_limited', arrange: () => bedrock.script({ kind: 'error', type: 'ThrottlingException' }) },
    { what: 'ValidationException (400)', kind: 'bad_request', arrange: () => bedrock.script({ kind: 'error', type: 'ValidationException' }) },
    { what: 'ServiceUnavailableException (503)', kind: 'unavailable', arrange: () => bedrock.script({ kind: 'error', type: 'ServiceUnavailableException' }) },
    { what: 'ModelTimeoutException (408)', kind: 'timeout', arrange: () => bedrock.script({ kind: 'error', type: 'ModelTimeoutException' }) },
    { what: 'a modelStreamErrorException midway through the stream', kind: 'unavailable', arrange: () => bedrock.script({ kind: 'reply', text: 'one two three four', failAfterDeltas: 2 }) },
    { what: 'a stream cut before messageStop', kind: 'unavailable', arrange: () => bedrock.script({ kind: 'reply', text: 'one two three four', cutAfterDeltas: 2 }) },
    { what: 'a service that never answers', kind: 'timeout', arrange: () => { bedrock.script({ kind: 'hang' }); return { idleTimeoutMs: 200 }; } },
  ];
  return {
    name: `the Bedrock adapter (${model})`,
    build: () => {
      const built = (denied ? deniedModels : models).create({ provider: 'bedrock', model, apiKey: '' });
      denied = false;
      return built;
    },
    answering: (reply, pace) => {
      bedrock.script({ kind: 'reply', text: reply, ...(pace ? { delayMs: pace } : {}) });
      return { request: promptFor('When do you open?'), text: reply };
    },
    failures,
    deterministic: false,
    cancelled: async () => {
      const last = bedrock.requests.at(-1);
      expect(last?.modelId).toBe(model);
      expect(await bedrock.settled(last!)).toBe('disconnected');
    },
  };
};

const subjects: ChatModelSubject[] = [
  local,
  bedrockSubject('eu.anthropic.claude-sonnet-4-5-20250929-v1:0'),
  providerSubject('the OpenAI adapter', 'openai', 'gpt-4o-mini'),
  providerSubject('the Anthropic adapter', 'anthropic', 'claude-haiku-4-5'),
  providerSubject('the OpenAI-compatible adapter', 'openai-compatible', 'llama-4-scout'),
];

for (const subject of subjects) {
  describe(`the chat model contract: ${subject.name}`, () => chatModelContract(subject));
}
