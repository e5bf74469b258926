// The fake Bedrock speaks what the real runtime client reads (its event stream,
// restJson1 errors), and the Bedrock adapters use it as the service asks: the
// Converse request shape, Titan V2's body, retries of throttling only where they help.
import { BedrockRuntimeClient, ConverseStreamCommand, InvokeModelCommand } from '@aws-sdk/client-bedrock-runtime';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createBedrockChat } from '../../lambdas/adapters/models/bedrock-chat.ts';
import { COHERE_MAX_CHARS, COHERE_MAX_TEXTS, createBedrockEmbedder, EMBED_CONCURRENCY, TITAN_EMBED_TEXT_V2 } from '../../lambdas/adapters/models/bedrock-embedder.ts';
import { createBedrockRuntime } from '../../lambdas/adapters/models/bedrock-runtime.ts';
import { ProviderCallFailed } from '../../lambdas/core/errors.ts';
import { drain } from '../contracts/chat-model.contract.ts';
import { eventFrame, startFakeBedrock, type FakeBedrock } from '../fakes/bedrock-server.ts';

const ROLE = { accessKeyId: 'ASIAFAKEROLE0001', secretAccessKey: 'fake-secret' };
let fake: FakeBedrock;
beforeAll(async () => {
  fake = await startFakeBedrock();
});
afterAll(() => fake.close());
beforeEach(() => fake.reset());

const client = () => new BedrockRuntimeClient({ region: 'eu-west-1', endpoint: fake.url, credentials: ROLE, maxAttempts: 1 });
const open = () => createBedrockRuntime({ region: 'eu-west-1', endpoint: fake.url, credentials: ROLE });

describe('the fake Bedrock runtime', () => {
  it('streams ConverseStream events the real client decodes, usage last', async () => {
    fake.script({ kind: 'reply', text: 'We open at nine.' });
    const output = await client().send(new ConverseStreamCommand({ modelId: 'amazon.nova-lite-v1:0', messages: [{ role: 'user', content: [{ text: 'When?' }] }] }));

    const events = [];
    for await (const event of output.stream!) events.push(Object.keys(event)[0]);

    expect(events).toEqual(['messageStart', 'contentBlockDelta', 'contentBlockDelta', 'contentBlockDelta', 'contentBlockDelta', 'contentBlockStop', 'messageStop', 'metadata']);
  });

  it('frames events with the prelude and message CRC32s the event stream format requires', () => {
    const frame = eventFrame('messageStop', { stopReason: 'end_turn' });
    const view = new DataView(frame.buffer, frame.byteOffset, frame.byteLength);

    expect(view.getUint32(0)).toBe(frame.byteLength);
    expect(new TextDecoder().decode(frame)).toContain(':event-type');
    // A flipped byte fails the client's CRC check.
    frame[frame.length - 6]! ^= 0xff;
    return expect((async () => {
      const { EventStreamCodec } = await import('@smithy/core/event-streams');
      const { fromUtf8, toUtf8 } = await import('@smithy/core/serde');
      new EventStreamCodec(toUtf8, fromUtf8).decode(frame);
    })()).rejects.toThrow(/checksum/i);
  });

  it('answers throttling and validation errors as the service does, typed by x-amzn-errortype', async () => {
    fake.script({ kind: 'error', type: 'ThrottlingException' });
    fake.script({ kind: 'error', type: 'ValidationException' }, { on: 'invoke' });
    const converse = client().send(new ConverseStreamCommand({ modelId: 'm', messages: [{ role: 'user', content: [{ text: 'x' }] }] }));
    const invoke = client().send(new InvokeModelCommand({ modelId: TITAN_EMBED_TEXT_V2, body: JSON.stringify({ inputText: 'x' }) }));

    await expect(converse).rejects.toMatchObject({ name: 'ThrottlingException', $metadata: { httpStatusCode: 429 } });
    await expect(invoke).rejects.toMatchObject({ name: 'ValidationException', $metadata: { httpStatusCode: 400 } });
  });
});

describe('the Bedrock chat adapter', () => {
  it('sends the system prompt, the turns and the inference settings in the Converse shape, signed with the role', async () => {
    const model = createBedrockChat({ model: 'eu.amazon.nova-pro-v1:0', open: open() });

    const { events } = await drain(model, { question: 'q', passages: [], system: 'Answer briefly.', messages: [{ role: 'user', content: 'Hi' }, { role: 'assistant', content: 'Hello' }, { role: 'user', content: 'When?' }], maxOutputTokens: 300, temperature: 0.2 });

    // Words, as the fake counts tokens: 2 of system text and 3 of turns in; "Fake answer to: When?" out.
    expect(events.at(-1)).toEqual({ type: 'usage', inputTokens: 5, outputTokens: 4 });
    expect(fake.requests[0]).toMatchObject({
      endpoint: 'converse-stream',
      modelId: 'eu.amazon.nova-pro-v1:0',
      accessKeyId: ROLE.accessKeyId,
      body: {
        system: [{ text: 'Answer briefly.' }],
        messages: [{ role: 'user', content: [{ text: 'Hi' }] }, { role: 'assistant', content: [{ text: 'Hello' }] }, { role: 'user', content: [{ text: 'When?' }] }],
        inferenceConfig: { maxTokens: 300, temperature: 0.2 },
      },
    });
  });

  it('quotes the service in the reason and does not retry a throttled answer', async () => {
    fake.script({ kind: 'error', type: 'ThrottlingException' });

    const { error } = await drain(createBedrockChat({ model: 'amazon.nova-lite-v1:0', open: open() }), { question: 'q', passages: [], system: '', messages: [{ role: 'user', content: 'q' }], maxOutputTokens: 10, temperature: 0 });

    expect(error).toBeInstanceOf(ProviderCallFailed);
    expect((error as Error).message).toContain('Too many requests');
    expect(fake.requests).toHaveLength(1);
  });
});

describe('the Bedrock embedder', () => {
  it('sends Titan V2 one text a request, normalised, at the chosen size', async () => {
    await createBedrockEmbedder({ open: open(), dimensions: 256 }).embed(['Refunds within 30 days.']);

    expect(fake.requests[0]).toMatchObject({ endpoint: 'invoke', modelId: TITAN_EMBED_TEXT_V2, body: { inputText: 'Refunds within 30 days.', dimensions: 256, normalize: true } });
  });

  it('reports each text\'s tokens as Titan counted them (inputTextTokenCount), nothing for a blank text', async () => {
    const heard: number[] = [];

    await createBedrockEmbedder({ open: open(), dimensions: 256 }).embed(['Refunds within 30 days.', '  ', 'We ship to every country in Europe.'], (n) => heard.push(n));

    expect(heard.sort((a, b) => a - b)).toEqual([4, 7]);
  });

  it('retries throttling with backoff, and returns the vectors in input order', async () => {
    const waits: number[] = [];
    fake.script({ kind: 'error', type: 'ThrottlingException' }, { on: 'invoke', times: 2 });
    const texts = Array.from({ length: EMBED_CONCURRENCY + 3 }, (_, i) => `text number ${i}`);
    const embedder = createBedrockEmbedder({ open: open(), dimensions: 512, sleep: async (ms) => { waits.push(ms); } });

    const vectors = await embedder.embed(texts);
    const alone = await Promise.all(texts.map(async (t) => (await embedder.embed([t]))[0]!));

    expect(waits).toHaveLength(2);
    expect(fake.requests.filter((r) => r.endpoint === 'invoke')).toHaveLength(texts.length * 2 + 2);
    vectors.forEach((v, i) => expect(Array.from(v)).toEqual(Array.from(alone[i]!)));
  });

  it('does not retry a request the service refuses as invalid', async () => {
    fake.script({ kind: 'error', type: 'ValidationException' }, { on: 'invoke', times: 3 });

    await expect(createBedrockEmbedder({ open: open(), dimensions: 512, sleep: () => Promise.resolve() }).embed(['x'])).rejects.toMatchObject({ name: 'ValidationException' });
    expect(fake.requests).toHaveLength(1);
  });

  it('refuses a size Titan V2 does not make', () => {
    expect(() => createBedrockEmbedder({ open: open(), dimensions: 1536 })).toThrow(/256, 512 or 1024/);
  });
});

describe('the Bedrock embedder with Cohere Embed v3', () => {
  const MULTILINGUAL = 'cohere.embed-multilingual-v3';
  const cohere = (input?: 'document' | 'query', sleep?: (ms: number) => Promise<void>) =>
    createBedrockEmbedder({ open: open(), model: MULTILINGUAL, dimensions: 1024, ...(input ? { input } : {}), sleep: sleep ?? (() => Promise.resolve()) });
  const bodies = () => fake.requests.filter((r) => r.endpoint === 'invoke').map((r) => r.body as { texts: string[]; input_type: string; truncate: string });

  it('sends up to 96 texts a request, as documents, cut at the end, and keeps their order', async () => {
    const texts = Array.from({ length: COHERE_MAX_TEXTS * 2 + 8 }, (_, i) => `passage number ${i} about returns`);

    const vectors = await cohere().embed(texts);

    expect(bodies().map((b) => [b.texts.length, b.input_type, b.truncate])).toEqual([[96, 'search_document', 'END'], [96, 'search_document', 'END'], [8, 'search_document', 'END']]);
    expect(fake.requests.every((r) => r.modelId === MULTILINGUAL)).toBe(true);
    expect(bodies().flatMap((b) => b.texts)).toEqual(texts);
    const [again] = await cohere().embed([texts[150]!]);
    expect(Array.from(vectors[150]!)).toEqual(Array.from(again!));
    // The model's vectors are not promised to be of unit length; Parley's are.
    for (const v of vectors) expect(Math.hypot(...v)).toBeCloseTo(1, 5);
  });

  it('reports each request\'s tokens as Bedrock\'s x-amzn-bedrock-input-token-count header counts them: Cohere\'s answer has no count', async () => {
    const texts = Array.from({ length: COHERE_MAX_TEXTS + 4 }, (_, i) => `passage number ${i} about returns`);
    const heard: number[] = [];

    await cohere().embed(texts, (n) => heard.push(n));

    expect(heard).toEqual([COHERE_MAX_TEXTS * 5, 4 * 5]);
  });

  it('embeds questions as search queries', async () => {
    await cohere('query').embed(['Can I send my order back?']);

    expect(bodies()).toEqual([{ texts: ['Can I send my order back?'], input_type: 'search_query', truncate: 'END' }]);
  });

  it('cuts a text to the characters Bedrock accepts, and sends no blank text', async () => {
    const vectors = await cohere().embed(['x'.repeat(COHERE_MAX_CHARS + 500), '   ', 'short']);

    expect(bodies()[0]!.texts.map((t) => t.length)).toEqual([COHERE_MAX_CHARS, 5]);
    expect(Array.from(vectors[1]!).every((x) => x === 0)).toBe(true);
    expect(vectors).toHaveLength(3);
  });

  it('retries throttling with backoff like Titan, and not a refusal as invalid', async () => {
    const waits: number[] = [];
    fake.script({ kind: 'error', type: 'ThrottlingException' }, { on: 'invoke', times: 2 });

    const vectors = await cohere('document', async (ms) => { waits.push(ms); }).embed(['one', 'two']);

    expect(waits).toHaveLength(2);
    expect(vectors).toHaveLength(2);
    fake.reset();
    fake.script({ kind: 'error', type: 'ValidationException' }, { on: 'invoke', times: 3 });
    await expect(cohere().embed(['x'])).rejects.toMatchObject({ name: 'ValidationException' });
    expect(fake.requests).toHaveLength(1);
  });

  it('refuses a size Cohere Embed v3 does not make', () => {
    expect(() => createBedrockEmbedder({ open: open(), model: MULTILINGUAL, dimensions: 512 })).toThrow(/1024/);
  });
});
