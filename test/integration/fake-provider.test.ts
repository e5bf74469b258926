// The fake provider must fool the real SDKs: each test drives `openai` or
// `@anthropic-ai/sdk` against it on loopback and checks what both sides saw.
import Anthropic from '@anthropic-ai/sdk';
import OpenAI from 'openai';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { defaultReply, startFakeProvider } from '../fakes/provider-server.ts';
import type { FakeProvider, RecordedRequest } from '../fakes/provider-server.ts';
import { rejectionOf } from './fixtures/rejection.ts';

const goodKey = 'sk-test-good-0001';
const revokedKey = 'sk-test-revoked-0002';
const question = [{ role: 'user' as const, content: 'What are your opening hours?' }];

let fake: FakeProvider;
beforeAll(async () => {
  fake = await startFakeProvider({ invalidKeys: [revokedKey] });
});
afterAll(() => fake.close());
beforeEach(() => fake.reset());

function openai(options: { apiKey?: string; timeout?: number } = {}): OpenAI {
  return new OpenAI({ apiKey: goodKey, baseURL: fake.openaiBaseUrl, maxRetries: 0, ...options });
}

function anthropic(options: { apiKey?: string; timeout?: number } = {}): Anthropic {
  return new Anthropic({ apiKey: goodKey, baseURL: fake.anthropicBaseUrl, maxRetries: 0, ...options });
}

function onlyRequest(): RecordedRequest {
  expect(fake.requests).toHaveLength(1);
  return fake.requests[0] as RecordedRequest;
}


const cosine = (a: number[], b: number[]): number => a.reduce((sum, x, i) => sum + x * (b[i] ?? 0), 0);

describe('the fake provider, driven by the real openai SDK', () => {
  it('answers a chat completion with the scripted text and counts words as tokens', async () => {
    fake.script({ kind: 'reply', text: 'We open at nine.' });

    const completion = await openai().chat.completions.create({ model: 'gpt-4o-mini', messages: question });

    expect(completion.choices[0]?.message.content).toBe('We open at nine.');
    expect(completion.choices[0]?.finish_reason).toBe('stop');
    expect(completion.usage).toMatchObject({ prompt_tokens: 5, completion_tokens: 4, total_tokens: 9 });
    expect(onlyRequest()).toMatchObject({ provider: 'openai', endpoint: 'openai.chat', method: 'POST', path: '/v1/chat/completions', body: { model: 'gpt-4o-mini', messages: question } });
  });

  it('streams a chat completion in several deltas that join to the scripted text, then reports usage', async () => {
    fake.script({ kind: 'reply', text: 'We open at nine, Monday to Friday.' });

    const stream = await openai().chat.completions.create({
      model: 'gpt-4o-mini', messages: question, stream: true, stream_options: { include_usage: true },
    });
    const deltas: string[] = [];
    const finishReasons: string[] = [];
    let usage: OpenAI.CompletionUsage | null | undefined;
    for await (const chunk of stream) {
      const choice = chunk.choices[0];
      if (choice?.delta.content) deltas.push(choice.delta.content);
      if (choice?.finish_reason) finishReasons.push(choice.finish_reason);
      if (chunk.usage) usage = chunk.usage;
    }

    expect(deltas.length).toBeGreaterThan(1);
    expect(deltas.join('')).toBe('We open at nine, Monday to Friday.');
    expect(finishReasons).toEqual(['stop']);
    expect(usage).toMatchObject({ prompt_tokens: 5, completion_tokens: 7, total_tokens: 12 });
  });

  it('answers from the last user message when nothing is scripted, cut to max_tokens', async () => {
    const client = openai();
    const full = await client.chat.completions.create({ model: 'gpt-4o-mini', messages: question });
    const cut = await client.chat.completions.create({ model: 'gpt-4o-mini', messages: question, max_completion_tokens: 2 });

    expect(full.choices[0]?.message.content).toBe(defaultReply('What are your opening hours?'));
    expect(cut.choices[0]?.message.content).toBe('Fake answer');
    expect(cut.choices[0]?.finish_reason).toBe('length');
  });

  it('embeds text into vectors of the requested dimensions, equal for equal input and different otherwise', async () => {
    const client = openai();
    const embed = async (input: string[], encoding?: 'float'): Promise<number[][]> => {
      const response = await client.embeddings.create({ model: 'text-embedding-3-small', input, dimensions: 256, ...(encoding ? { encoding_format: encoding } : {}) });
      return response.data.map((d) => d.embedding);
    };

    const [hours, hoursAgain, refunds] = await embed(['opening hours', 'opening hours', 'refund policy']);
    const [hoursAsFloats] = await embed(['opening hours'], 'float');

    expect(fake.requests.map((r) => (r.body as { encoding_format?: string }).encoding_format)).toEqual(['base64', 'float']);
    expect(hours).toHaveLength(256);
    expect(hoursAgain).toEqual(hours);
    expect(hoursAsFloats).toEqual(hours);
    expect(refunds).not.toEqual(hours);
    expect(cosine(hours ?? [], hours ?? [])).toBeCloseTo(1, 5);
  });

  it('embeds texts that share words closer together than unrelated ones', async () => {
    const response = await openai().embeddings.create({ model: 'text-embedding-3-small', input: ['opening hours', 'our opening hours today', 'refund policy'] });
    const [query, related, unrelated] = response.data.map((d) => d.embedding);

    expect(query).toHaveLength(1536);
    expect(cosine(query ?? [], related ?? [])).toBeGreaterThan(cosine(query ?? [], unrelated ?? []) + 0.3);
  });

  it('lists its models', async () => {
    const ids: string[] = [];
    for await (const model of openai().models.list()) ids.push(model.id);

    expect(ids).toContain('gpt-4o-mini');
    expect(ids).toContain('text-embedding-3-small');
  });

  it('rejects a revoked key with an AuthenticationError in OpenAI’s error shape', async () => {
    const failure = openai({ apiKey: revokedKey }).chat.completions.create({ model: 'gpt-4o-mini', messages: question });

    await expect(failure).rejects.toBeInstanceOf(OpenAI.AuthenticationError);
    await expect(failure).rejects.toMatchObject({ status: 401, code: 'invalid_api_key', type: 'invalid_request_error' });
    expect(onlyRequest().apiKey).toBe(revokedKey);
  });

  it('records which key was used while masking it in the recorded headers', async () => {
    await openai().models.list();

    const request = onlyRequest();
    expect(request.apiKey).toBe(goodKey);
    expect(request.headers.authorization).toBe('Bearer [masked]');
    expect(JSON.stringify(request.headers)).not.toContain(goodKey);
  });

  it('maps a scripted 429 to a RateLimitError carrying retry-after', async () => {
    fake.script({ kind: 'error', status: 429, retryAfterSeconds: 7 });

    const error = await rejectionOf(openai().chat.completions.create({ model: 'gpt-4o-mini', messages: question }));

    expect(error).toBeInstanceOf(OpenAI.RateLimitError);
    expect(error).toMatchObject({ status: 429, code: 'rate_limit_exceeded' });
    expect((error as InstanceType<typeof OpenAI.RateLimitError>).headers.get('retry-after')).toBe('7');
  });

  it('maps a scripted 500 to an InternalServerError and only fails the next request', async () => {
    fake.script({ kind: 'error', status: 500 });
    const client = openai();

    await expect(client.chat.completions.create({ model: 'gpt-4o-mini', messages: question })).rejects.toBeInstanceOf(OpenAI.InternalServerError);
    await expect(client.chat.completions.create({ model: 'gpt-4o-mini', messages: question })).resolves.toBeDefined();
  });

  it('lets the SDK timeout cut a request that never gets an answer, and sees the client leave', async () => {
    fake.script({ kind: 'hang' });

    const failure = openai({ timeout: 100 }).chat.completions.create({ model: 'gpt-4o-mini', messages: question });

    await expect(failure).rejects.toBeInstanceOf(OpenAI.APIConnectionTimeoutError);
    expect(await fake.settled(onlyRequest())).toBe('disconnected');
  });

  it('sees the client disconnect when a stream is aborted mid-way', async () => {
    fake.script({ kind: 'reply', text: 'one two three four', stallAfterDeltas: 1 });
    const controller = new AbortController();

    const stream = await openai().chat.completions.create(
      { model: 'gpt-4o-mini', messages: question, stream: true },
      { signal: controller.signal },
    );
    const deltas: string[] = [];
    const consumed = (async () => {
      for await (const chunk of stream) {
        const content = chunk.choices[0]?.delta.content;
        if (content) {
          deltas.push(content);
          controller.abort();
        }
      }
    })();

    await consumed.catch(() => undefined);
    expect(deltas).toEqual(['one']);
    expect(await fake.settled(onlyRequest())).toBe('disconnected');
  });

  it('ends a stream with OpenAI’s error payload when scripted to fail mid-way', async () => {
    fake.script({ kind: 'reply', text: 'one two three', failAfterDeltas: 2 });

    const stream = await openai().chat.completions.create({ model: 'gpt-4o-mini', messages: question, stream: true });
    const deltas: string[] = [];
    const consumed = (async () => {
      for await (const chunk of stream) deltas.push(chunk.choices[0]?.delta.content ?? '');
    })();

    await expect(consumed).rejects.toBeInstanceOf(OpenAI.APIError);
    expect(deltas.join('')).toBe('one two');
  });
});

describe('the fake provider, driven by the real Anthropic SDK', () => {
  const request = { model: 'claude-haiku-4-5', max_tokens: 256, system: 'Be brief.', messages: question };

  it('answers a message with the scripted text and its usage', async () => {
    fake.script({ kind: 'reply', text: 'We open at nine.' });

    const message = await anthropic().messages.create(request);

    expect(message.content).toEqual([expect.objectContaining({ type: 'text', text: 'We open at nine.' })]);
    expect(message.stop_reason).toBe('end_turn');
    expect(message.usage).toMatchObject({ input_tokens: 7, output_tokens: 4 });
    expect(onlyRequest()).toMatchObject({ provider: 'anthropic', endpoint: 'anthropic.messages', path: '/v1/messages', apiKey: goodKey, headers: { authorization: 'Bearer [masked]' } });
    expect(onlyRequest().headers['anthropic-version']).toBeTruthy();
  });

  it('streams through messages.stream() and reports usage in finalMessage()', async () => {
    fake.script({ kind: 'reply', text: 'We open at nine, Monday to Friday.' });

    const stream = anthropic().messages.stream(request);
    const deltas: string[] = [];
    stream.on('text', (text) => deltas.push(text));
    const message = await stream.finalMessage();

    expect(deltas.length).toBeGreaterThan(1);
    expect(deltas.join('')).toBe('We open at nine, Monday to Friday.');
    expect(message.content).toEqual([expect.objectContaining({ type: 'text', text: 'We open at nine, Monday to Friday.' })]);
    expect(message.usage).toMatchObject({ input_tokens: 7, output_tokens: 7 });
    expect(message.stop_reason).toBe('end_turn');
  });

  it('sends the real event sequence for stream: true', async () => {
    fake.script({ kind: 'reply', text: 'Nine to five.' });

    const stream = await anthropic().messages.create({ ...request, stream: true });
    const types: string[] = [];
    let text = '';
    for await (const event of stream) {
      types.push(event.type);
      if (event.type === 'content_block_delta' && event.delta.type === 'text_delta') text += event.delta.text;
    }

    expect(types).toEqual([
      'message_start', 'content_block_start',
      'content_block_delta', 'content_block_delta', 'content_block_delta',
      'content_block_stop', 'message_delta', 'message_stop',
    ]);
    expect(text).toBe('Nine to five.');
  });

  it('sends a ping after content_block_start on the wire, which the SDK skips', async () => {
    fake.script({ kind: 'reply', text: 'Nine to five.' });

    const response = await anthropic().messages.create({ ...request, stream: true }).asResponse();
    const events = [...(await response.text()).matchAll(/^event: (\w+)$/gm)].map((m) => m[1]);

    expect(response.headers.get('content-type')).toMatch(/^text\/event-stream/);
    expect(events.slice(0, 4)).toEqual(['message_start', 'content_block_start', 'ping', 'content_block_delta']);
    expect(events.at(-1)).toBe('message_stop');
  });

  it('answers from the last user message when nothing is scripted, cut to max_tokens', async () => {
    const message = await anthropic().messages.create({ ...request, max_tokens: 3 });

    expect(message.content).toEqual([expect.objectContaining({ text: 'Fake answer to:' })]);
    expect(message.stop_reason).toBe('max_tokens');
  });

  it('lists its models', async () => {
    const ids: string[] = [];
    for await (const model of anthropic().models.list()) ids.push(model.id);

    expect(ids).toContain('claude-haiku-4-5');
  });

  it('rejects a revoked key with an AuthenticationError in Anthropic’s error shape', async () => {
    const failure = anthropic({ apiKey: revokedKey }).messages.create(request);

    await expect(failure).rejects.toBeInstanceOf(Anthropic.AuthenticationError);
    await expect(failure).rejects.toMatchObject({ status: 401, type: 'authentication_error', error: { type: 'error', error: { type: 'authentication_error' } } });
  });

  it('takes a key from x-api-key but requires the anthropic-version header, as the real API does', async () => {
    const response = await fetch(`${fake.anthropicBaseUrl}/v1/messages`, {
      method: 'POST',
      headers: { 'x-api-key': goodKey, 'content-type': 'application/json' },
      body: JSON.stringify(request),
    });

    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ type: 'error', error: { type: 'invalid_request_error', message: 'anthropic-version: header is required' } });
    expect(onlyRequest()).toMatchObject({ apiKey: goodKey, headers: { 'x-api-key': '[masked]' } });
  });

  it('maps a scripted 429 to a RateLimitError and 529 to an OverloadedError', async () => {
    fake.script({ kind: 'error', status: 429 });
    fake.script({ kind: 'error', status: 529 });
    const client = anthropic();

    const limited = await rejectionOf(client.messages.create(request));
    expect(limited).toBeInstanceOf(Anthropic.RateLimitError);
    expect(limited).toMatchObject({ status: 429, type: 'rate_limit_error' });
    expect((limited as InstanceType<typeof Anthropic.RateLimitError>).headers.get('retry-after')).toBe('1');
    await expect(client.messages.create(request)).rejects.toBeInstanceOf(Anthropic.OverloadedError);
  });

  it('reports an overload that arrives mid-stream as an error event', async () => {
    fake.script({ kind: 'reply', text: 'one two three', failAfterDeltas: 1 });

    const stream = anthropic().messages.stream(request);
    const deltas: string[] = [];
    stream.on('text', (text) => deltas.push(text));

    await expect(stream.finalMessage()).rejects.toMatchObject({ type: 'overloaded_error' });
    expect(deltas).toEqual(['one']);
  });

  it('lets the SDK timeout cut a request that never gets an answer, and sees the client leave', async () => {
    fake.script({ kind: 'hang' });

    const failure = anthropic({ timeout: 100 }).messages.create(request);

    await expect(failure).rejects.toBeInstanceOf(Anthropic.APIConnectionTimeoutError);
    expect(await fake.settled(onlyRequest())).toBe('disconnected');
  });

  it('sees the client disconnect when a stream is aborted mid-way', async () => {
    fake.script({ kind: 'reply', text: 'one two three four', stallAfterDeltas: 2 });

    const stream = anthropic().messages.stream(request);
    const deltas: string[] = [];
    stream.on('text', (text) => {
      deltas.push(text);
      if (deltas.length === 2) stream.abort();
    });

    await expect(stream.finalMessage()).rejects.toBeInstanceOf(Anthropic.APIUserAbortError);
    expect(deltas).toEqual(['one', ' two']);
    expect(await fake.settled(onlyRequest())).toBe('disconnected');
  });
});

describe('scripted behaviours', () => {
  it('answer as many requests as told, oldest script first, and only on the endpoints named', async () => {
    fake.script({ kind: 'reply', text: 'first' }, { times: 2 });
    fake.script({ kind: 'reply', text: 'second' }, { on: 'anthropic.messages' });
    fake.script({ kind: 'error', status: 503 }, { on: 'openai.embeddings', times: Infinity });
    const client = openai();
    const ask = async (): Promise<string | null | undefined> =>
      (await client.chat.completions.create({ model: 'gpt-4o-mini', messages: question })).choices[0]?.message.content;

    expect([await ask(), await ask(), await ask()]).toEqual(['first', 'first', defaultReply('What are your opening hours?')]);
    const message = await anthropic().messages.create({ model: 'claude-haiku-4-5', max_tokens: 10, messages: question });
    expect(message.content).toEqual([expect.objectContaining({ text: 'second' })]);
    for (let i = 0; i < 2; i++) {
      await expect(client.embeddings.create({ model: 'text-embedding-3-small', input: 'x' })).rejects.toMatchObject({ status: 503 });
    }
  });

  it('pace a slow stream by the given delay before each delta', async () => {
    fake.script({ kind: 'reply', text: 'a b c d', delayMs: 40 });

    const started = performance.now();
    const arrivals: number[] = [];
    const stream = anthropic().messages.stream({ model: 'claude-haiku-4-5', max_tokens: 10, messages: question });
    stream.on('text', () => arrivals.push(performance.now() - started));
    await stream.finalMessage();

    expect(arrivals).toHaveLength(4);
    expect(arrivals.at(-1)).toBeGreaterThanOrEqual(4 * 40 - 5);
    expect(await fake.settled(onlyRequest())).toBe('completed');
  });

  it('close the server even while a request hangs, cutting the client off', async () => {
    const other = await startFakeProvider();
    other.script({ kind: 'hang' });
    const failure = rejectionOf(new OpenAI({ apiKey: goodKey, baseURL: other.openaiBaseUrl, maxRetries: 0 })
      .chat.completions.create({ model: 'gpt-4o-mini', messages: question }));
    await vi.waitFor(() => expect(other.requests).toHaveLength(1));

    await other.close();

    expect(await failure).toBeInstanceOf(OpenAI.APIConnectionError);
    expect(other.requests[0]?.outcome).toBe('disconnected');
  });
});
