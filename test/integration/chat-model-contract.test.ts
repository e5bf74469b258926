// The ChatModel contract (test/contracts/chat-model.contract.ts), run against every
// implementation: Parley's extractive answerer, and the OpenAI, Anthropic and
// OpenAI-compatible adapters through their real SDKs against the fake provider on
// loopback.
import { afterAll, beforeAll, beforeEach, describe, expect } from 'vitest';
import { createChatModels } from '../../lambdas/adapters/models/chat-models.ts';
import { createExtractiveAnswerer } from '../../lambdas/adapters/models/extractive-answerer.ts';
import { createGuardedFetch } from '../../lambdas/adapters/net/guarded-fetch.ts';
import type { ChatModels, ChatRequest } from '../../lambdas/core/ports.ts';
import type { Passage } from '../../lambdas/core/records.ts';
import type { ProviderId } from '../../lambdas/core/providers.ts';
import { chatModelContract, type ArrangedFailure, type ChatModelSubject } from '../contracts/chat-model.contract.ts';
import { startFakeProvider, type FakeProvider } from '../fakes/provider-server.ts';

const KEY = 'sk-test-contract-0001-abcdefgh';
const REVOKED = 'sk-test-contract-revoked-0002';

let fake: FakeProvider;
let models: ChatModels;
beforeAll(async () => {
  fake = await startFakeProvider({ invalidKeys: [REVOKED] });
  // The guarded fetch lets the fake's host through, standing in for an owner's public endpoint.
  const guardedFetch = createGuardedFetch({ requireHttps: false, allowHosts: [new URL(fake.url).host] });
  models = createChatModels({ openaiBaseUrl: fake.openaiBaseUrl, anthropicBaseUrl: fake.anthropicBaseUrl, guardedFetch }, { idleTimeoutMs: 30_000 });
});
afterAll(() => fake.close());
beforeEach(() => fake.reset());

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

const subjects: ChatModelSubject[] = [
  local,
  providerSubject('the OpenAI adapter', 'openai', 'gpt-4o-mini'),
  providerSubject('the Anthropic adapter', 'anthropic', 'claude-haiku-4-5'),
  providerSubject('the OpenAI-compatible adapter', 'openai-compatible', 'llama-4-scout'),
];

for (const subject of subjects) {
  describe(`the chat model contract: ${subject.name}`, () => chatModelContract(subject));
}
