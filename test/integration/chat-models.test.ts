// The chat-model adapters, through the real `openai` and `@anthropic-ai/sdk`
// against the fake provider on loopback: one contract suite for every provider
// (streaming, usage, cancellation, timeouts, errors), then what each provider
// must receive, and what the factory and the egress guard decide.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { ProviderCallFailed } from '../../lambdas/core/errors.ts';
import type { ChatCallOptions, ChatModel, ChatModelEvent, ChatModels, ChatRequest, ProviderId } from '../../lambdas/core/ports.ts';
import { createAnthropicChat } from '../../lambdas/adapters/models/anthropic-chat.ts';
import { createChatModels } from '../../lambdas/adapters/models/chat-models.ts';
import { createOpenAiChat } from '../../lambdas/adapters/models/openai-chat.ts';
import { createGuardedFetch } from '../../lambdas/adapters/net/guarded-fetch.ts';
import { startFakeProvider } from '../fakes/provider-server.ts';
import type { FakeProvider, RecordedRequest } from '../fakes/provider-server.ts';

const key = 'sk-test-chat-0001-abcdefgh';
// Owners' keys for custom endpoints need not look like `sk-…`, so redaction cannot rely on the shape.
const customKey = 'owner-token-9f8e7d6c5b4a';
const revokedKey = 'sk-test-revoked-0002';
const reply = 'We open at nine on weekdays and at ten on Saturdays.';
const request: ChatRequest = {
  question: 'When do you open?',
  passages: [],
  system: 'Answer only from the passages. Passage [1]: the shop opens at nine.',
  messages: [
    { role: 'user', content: 'Where is the shop?' },
    { role: 'assistant', content: 'On Main Street.' },
    { role: 'user', content: 'When do you open?' },
  ],
  maxOutputTokens: 50,
  temperature: 0.2,
};
const words = (text: string): number => text.split(/\s+/).filter(Boolean).length;
const promptTokens = words(request.system) + request.messages.reduce((n, m) => n + words(m.content), 0);

let fake: FakeProvider;
/** Built like production: the guarded fetch refuses loopback, so only the operator's overrides reach the fake. */
let models: ChatModels;
/** The same, but the guarded fetch lets the fake's host through, standing in for a public custom endpoint. */
let openModels: ChatModels;

beforeAll(async () => {
  fake = await startFakeProvider({ invalidKeys: [revokedKey] });
  const endpoints = { openaiBaseUrl: fake.openaiBaseUrl, anthropicBaseUrl: fake.anthropicBaseUrl };
  models = createChatModels({ ...endpoints, guardedFetch: createGuardedFetch({ requireHttps: false }) }, { idleTimeoutMs: 30_000 });
  const fakeHost = new URL(fake.url).host;
  openModels = createChatModels({ ...endpoints, guardedFetch: createGuardedFetch({ requireHttps: false, allowHosts: [fakeHost] }) }, { idleTimeoutMs: 30_000 });
});
afterAll(() => fake.close());
beforeEach(() => fake.reset());

interface Case {
  readonly name: string;
  readonly provider: ProviderId;
  readonly model: string;
  readonly apiKey: string;
  build(apiKey?: string): ChatModel;
}

const cases: Case[] = [
  { name: 'OpenAI', provider: 'openai', model: 'gpt-4o-mini', apiKey: key, build: (apiKey = key) => models.create({ provider: 'openai', model: 'gpt-4o-mini', apiKey }) },
  { name: 'Anthropic', provider: 'anthropic', model: 'claude-haiku-4-5', apiKey: key, build: (apiKey = key) => models.create({ provider: 'anthropic', model: 'claude-haiku-4-5', apiKey }) },
  {
    name: 'an OpenAI-compatible endpoint', provider: 'openai-compatible', model: 'llama-4-scout', apiKey: customKey,
    build: (apiKey = customKey) => openModels.create({ provider: 'openai-compatible', model: 'llama-4-scout', apiKey, baseUrl: fake.openaiBaseUrl }),
  },
];

/** Every event a stream yields, and what it threw (if anything). */
async function run(model: ChatModel, options: ChatCallOptions = {}, onEvent?: (events: ChatModelEvent[]) => void) {
  const events: ChatModelEvent[] = [];
  try {
    for await (const event of model.stream(request, options)) {
      events.push(event);
      onEvent?.(events);
    }
    return { events, error: undefined };
  } catch (error) {
    return { events, error };
  }
}

const texts = (events: ChatModelEvent[]): string[] => events.flatMap((e) => (e.type === 'text' ? [e.text] : []));
const onlyRequest = (): RecordedRequest => {
  expect(fake.requests).toHaveLength(1);
  return fake.requests[0] as RecordedRequest;
};
const failure = (error: unknown): ProviderCallFailed => {
  expect(error).toBeInstanceOf(ProviderCallFailed);
  return error as ProviderCallFailed;
};

describe.each(cases)('chat with $name', (c) => {
  it('streams the text deltas in order, then one usage event with the provider’s token counts', async () => {
    fake.script({ kind: 'reply', text: reply });

    const { events, error } = await run(c.build());

    expect(error).toBeUndefined();
    expect(texts(events)).toEqual(['We', ' open', ' at', ' nine', ' on', ' weekdays', ' and', ' at', ' ten', ' on', ' Saturdays.']);
    expect(events.slice(0, -1).every((e) => e.type === 'text')).toBe(true);
    expect(events.at(-1)).toEqual({ type: 'usage', inputTokens: promptTokens, outputTokens: words(reply) });
    expect(await fake.settled(onlyRequest())).toBe('completed');
  });

  it('ends promptly and quietly when the caller aborts mid-stream, and the provider sees the request cancelled', async () => {
    fake.script({ kind: 'reply', text: reply.repeat(5), delayMs: 40 });
    const controller = new AbortController();
    let abortedAt = 0;

    const { events, error } = await run(c.build(), { signal: controller.signal }, (seen) => {
      if (seen.length === 2) { abortedAt = performance.now(); controller.abort(); }
    });

    expect(error).toBeUndefined();
    expect(performance.now() - abortedAt).toBeLessThan(500);
    expect(texts(events)).toEqual(['We', ' open']);
    expect(events.some((e) => e.type === 'usage')).toBe(false);
    expect(await fake.settled(onlyRequest())).toBe('disconnected');
  });

  it('ends quietly when the caller aborts before the provider answers at all', async () => {
    fake.script({ kind: 'hang' });
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 100);

    const { events, error } = await run(c.build(), { signal: controller.signal });

    expect(error).toBeUndefined();
    expect(events).toEqual([]);
    expect(await fake.settled(onlyRequest())).toBe('disconnected');
  });

  it('times out a provider that never starts answering, closing the connection instead of hanging', async () => {
    fake.script({ kind: 'hang' });
    const started = performance.now();

    const { events, error } = await run(c.build(), { idleTimeoutMs: 200 });

    expect(failure(error).kind).toBe('timeout');
    expect(performance.now() - started).toBeLessThan(2_000);
    expect(events).toEqual([]);
    expect(await fake.settled(onlyRequest())).toBe('disconnected');
  });

  it('times out a stream that stalls between deltas, after yielding what came', async () => {
    fake.script({ kind: 'reply', text: reply, stallAfterDeltas: 3 });

    const { events, error } = await run(c.build(), { idleTimeoutMs: 200 });

    expect(failure(error).kind).toBe('timeout');
    expect(texts(events)).toEqual(['We', ' open', ' at']);
    expect(await fake.settled(onlyRequest())).toBe('disconnected');
  });

  it('keeps a slow but steady stream alive: the idle timer restarts on every event', async () => {
    fake.script({ kind: 'reply', text: 'one two three four five six', delayMs: 120 });

    const { events, error } = await run(c.build(), { idleTimeoutMs: 300 });

    expect(error).toBeUndefined();
    expect(texts(events).join('')).toBe('one two three four five six');
  });

  it('throws after the deltas it got when the provider fails mid-stream, so the caller can say the answer was cut', async () => {
    fake.script({ kind: 'reply', text: reply, failAfterDeltas: 4 });

    const { events, error } = await run(c.build());

    expect(failure(error).kind).toBe('unavailable');
    expect(texts(events)).toEqual(['We', ' open', ' at', ' nine']);
    expect(events.some((e) => e.type === 'usage')).toBe(false);
  });

  it.each([
    { status: 401, kind: 'auth' },
    { status: 403, kind: 'auth' },
    { status: 400, kind: 'bad_request' },
    { status: 500, kind: 'unavailable' },
    { status: 503, kind: 'unavailable' },
    { status: 529, kind: 'unavailable' },
  ])('turns HTTP $status into $kind, after one request (no SDK retries)', async ({ status, kind }) => {
    fake.script({ kind: 'error', status }, { times: 3 });

    const { events, error } = await run(c.build());

    expect(failure(error).kind).toBe(kind);
    expect(failure(error).message).toMatch(/^The provider /);
    expect(events).toEqual([]);
    expect(fake.requests).toHaveLength(1);
  });

  it('turns 429 into rate_limited with the provider’s retry-after', async () => {
    fake.script({ kind: 'error', status: 429, retryAfterSeconds: 7 });

    const { error } = await run(c.build());

    expect(failure(error)).toMatchObject({ kind: 'rate_limited', retryAfterSeconds: 7 });
    expect(fake.requests).toHaveLength(1);
  });

  it('reports a revoked key as auth, in plain words', async () => {
    const { error } = await run(c.build(revokedKey));

    expect(failure(error).kind).toBe('auth');
    expect(failure(error).message).toContain('not valid, or it was revoked');
    expect(failure(error).message).not.toContain(revokedKey);
  });

  it('never lets a key the provider echoes back into the reason', async () => {
    fake.script({ kind: 'error', status: 401, message: `Incorrect API key provided: ${c.apiKey} (also tried ${key}).` });

    const { error } = await run(c.build());

    expect(failure(error).kind).toBe('auth');
    expect(failure(error).message).toContain('Incorrect API key provided');
    expect(failure(error).message).not.toContain(c.apiKey);
    expect(failure(error).message).not.toContain(key);
  });
});

describe('what each provider receives', () => {
  const turns = request.messages.map((m) => ({ role: m.role, content: m.content }));

  it('OpenAI: the system prompt first, then the turns, token limit, temperature, streaming with usage, and the key', async () => {
    await run(models.create({ provider: 'openai', model: 'gpt-4.1-mini', apiKey: key }));

    const sent = onlyRequest();
    expect(sent).toMatchObject({ endpoint: 'openai.chat', apiKey: key });
    expect(sent.body).toEqual({
      model: 'gpt-4.1-mini',
      messages: [{ role: 'system', content: request.system }, ...turns],
      max_completion_tokens: 50,
      temperature: 0.2,
      stream: true,
      store: false,
      stream_options: { include_usage: true },
    });
  });

  it('Anthropic: the system prompt in `system`, the turns, max_tokens, streaming, the key, and no sampling parameters', async () => {
    await run(models.create({ provider: 'anthropic', model: 'claude-haiku-4-5', apiKey: key }));

    const sent = onlyRequest();
    expect(sent).toMatchObject({ endpoint: 'anthropic.messages', apiKey: key });
    expect(sent.headers['anthropic-version']).toBeDefined();
    // API version 2026-10-21 (what @anthropic-ai/sdk 1.x sends) answers 400 to `temperature`, even 1.0.
    expect(sent.body).toEqual({ model: 'claude-haiku-4-5', system: request.system, messages: turns, max_tokens: 50, stream: true });
  });

  it('an OpenAI-compatible endpoint: the same request as OpenAI, at the owner’s base URL, with the owner’s key', async () => {
    await run(openModels.create({ provider: 'openai-compatible', model: 'llama-4-scout', apiKey: customKey, baseUrl: fake.openaiBaseUrl }));

    const sent = onlyRequest();
    expect(sent).toMatchObject({ endpoint: 'openai.chat', apiKey: customKey, body: { model: 'llama-4-scout', stream: true } });
  });
});

describe('the chat models factory', () => {
  it('refuses an owner’s base URL that the guarded fetch refuses, as blocked, without a request', async () => {
    const model = models.create({ provider: 'openai-compatible', model: 'llama-4-scout', apiKey: customKey, baseUrl: fake.openaiBaseUrl });

    const { error } = await run(model);

    expect(failure(error).kind).toBe('blocked');
    expect(failure(error).message).toMatch(/only connects to public internet hosts/);
    expect(fake.requests).toHaveLength(0);
  });

  it('reaches the platform’s own endpoint overrides without the guard (the same loopback address works for OpenAI)', async () => {
    const { error } = await run(models.create({ provider: 'openai', model: 'gpt-4o-mini', apiKey: key }));

    expect(error).toBeUndefined();
    expect(fake.requests).toHaveLength(1);
  });

  it('ignores an owner’s base URL for the platform’s providers', async () => {
    const model = models.create({ provider: 'anthropic', model: 'claude-haiku-4-5', apiKey: key, baseUrl: 'http://169.254.169.254/latest' });

    const { error } = await run(model);

    expect(error).toBeUndefined();
    expect(onlyRequest().endpoint).toBe('anthropic.messages');
  });

  it('needs a base URL for an OpenAI-compatible provider', () => {
    expect(() => models.create({ provider: 'openai-compatible', model: 'm', apiKey: customKey })).toThrow(ProviderCallFailed);
  });

  it('names each model by provider and model, and serves the extractive answerer locally', () => {
    expect(cases.map((c) => { const m = c.build(); return [m.provider, m.model]; })).toEqual(cases.map((c) => [c.provider, c.model]));
    expect(models.local).toMatchObject({ provider: 'local', model: 'parley-extractive-v2' });
  });
});

describe('a stream that stops without its final event', () => {
  // The fake always finishes its streams, so a bare server plays a proxy that cuts one short.
  const cutShort = async (body: string) => {
    const server = createServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      res.end(body);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, close: () => server.close() };
  };

  it('is a cut answer for OpenAI (no finish_reason), not a short one', async () => {
    const server = await cutShort(`data: ${JSON.stringify({ id: 'c', object: 'chat.completion.chunk', created: 0, model: 'm', choices: [{ index: 0, delta: { content: 'We open' }, finish_reason: null }] })}\n\n`);
    try {
      const { events, error } = await run(createOpenAiChat({ provider: 'openai', model: 'm', apiKey: key, baseUrl: `${server.url}/v1` }));

      expect(texts(events)).toEqual(['We open']);
      expect(failure(error).kind).toBe('unavailable');
    } finally {
      server.close();
    }
  });

  it('is a cut answer for Anthropic (no message_stop), not a short one', async () => {
    const usage = { input_tokens: 3, output_tokens: 1, cache_creation_input_tokens: 0, cache_read_input_tokens: 0 };
    const event = (type: string, data: object) => `event: ${type}\ndata: ${JSON.stringify({ type, ...data })}\n\n`;
    const server = await cutShort(
      event('message_start', { message: { id: 'm', type: 'message', role: 'assistant', model: 'm', content: [], stop_reason: null, stop_sequence: null, usage } }) +
      event('content_block_delta', { index: 0, delta: { type: 'text_delta', text: 'We open' } }),
    );
    try {
      const { events, error } = await run(createAnthropicChat({ model: 'm', apiKey: key, baseUrl: server.url }));

      expect(texts(events)).toEqual(['We open']);
      expect(failure(error).kind).toBe('unavailable');
    } finally {
      server.close();
    }
  });
});

describe('logging', () => {
  it('logs nothing, no key and no prompt, even with the SDKs’ debug logging asked for in the environment', async () => {
    vi.stubEnv('OPENAI_LOG', 'debug');
    vi.stubEnv('ANTHROPIC_LOG', 'debug');
    const spies = (['log', 'info', 'warn', 'error', 'debug'] as const).map((level) => vi.spyOn(console, level).mockImplementation(() => {}));
    try {
      for (const c of cases) {
        fake.script({ kind: 'reply', text: reply });
        fake.script({ kind: 'error', status: 500 });
        await run(c.build());
        await run(c.build());
      }
      expect(spies.flatMap((spy) => spy.mock.calls)).toEqual([]);
    } finally {
      for (const spy of spies) spy.mockRestore();
      vi.unstubAllEnvs();
    }
  });
});
