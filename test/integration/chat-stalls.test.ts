// Slow and stalled models, through the real provider SDKs against the fake provider:
// while the model is silent the stream sends heartbeat comments (so CloudFront's
// origin read timeout never sees a silent origin), and every stall or overrun ends
// with the error event and a done event, never a cut stream. Timings are scaled
// down by the environment: heartbeat 150 ms, provider idle 800 ms, deadline 2.5 s.
import { beforeAll, describe, expect, it } from 'vitest';
import { newOwner, parseSse, uploadDocument, useFakeProvider, usePlatform, visitorToken, type Owner } from './fixtures/platform.ts';

const HEARTBEAT_MS = 150;
const IDLE_MS = 800;
const DEADLINE_MS = 2_500;
const HOURS = '# Hours\n\nThe shop opens at nine in the morning and closes at six.\n';

interface Chunk { readonly at: number; readonly text: string }

describe('chat with a slow or stalled model', () => {
  const fake = useFakeProvider();
  const platform = usePlatform({
    env: () => ({
      ...fake.env(),
      PARLEY_PLATFORM_OPENAI_KEY: 'sk-platform-0000000000000000000000platform',
      PARLEY_PLATFORM_ANTHROPIC_KEY: 'sk-ant-platform-00000000000000000platform',
      PARLEY_PROVIDER_IDLE_TIMEOUT_MS: String(IDLE_MS),
      PARLEY_SSE_HEARTBEAT_MS: String(HEARTBEAT_MS),
      PARLEY_MAX_ANSWER_MS: String(DEADLINE_MS),
    }),
  });

  // The platform runs in this process: the SDKs' first load (hundreds of milliseconds of
  // blocking module evaluation, once per cold function) is done before anything is timed.
  beforeAll(async () => {
    await Promise.all([import('openai'), import('@anthropic-ai/sdk')]);
  });

  const botWith = async (model: Record<string, unknown>): Promise<Owner> => {
    const owner = await newOwner(platform());
    expect((await owner.request('PATCH', `/v1/bots/${owner.botId}`, { model })).status).toBe(200);
    await uploadDocument(platform(), owner, 'hours.md', HOURS);
    fake.provider().reset();
    return owner;
  };

  /** Asks through the chat route and keeps every chunk with the time it arrived. */
  const askTimed = async (owner: Owner, question = 'When do you open?') => {
    const token = await visitorToken(platform(), owner.publicId);
    const started = Date.now();
    const res = await fetch(`${platform().apiUrl}/widget/v1/${owner.publicId}/chat`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify({ question }),
    });
    expect(res.status).toBe(200);
    const chunks: Chunk[] = [];
    const decoder = new TextDecoder();
    for await (const bytes of res.body as AsyncIterable<Uint8Array>) chunks.push({ at: Date.now() - started, text: decoder.decode(bytes, { stream: true }) });
    const text = chunks.map((c) => c.text).join('');
    const events = parseSse(text);
    // Silences once the stream has started (before it, retrieval and the checks run, not the model).
    const gaps = chunks.slice(1).map((c, i) => c.at - chunks[i]!.at);
    // What the stream said in order, heartbeats included: 'sources delta beat beat error done'.
    const sequence = text.split('\n\n').filter(Boolean).map((block) => (block.startsWith(':') ? 'beat' : /^event: (\w+)/.exec(block)?.[1]));
    return { text, events, elapsed: Date.now() - started, longestSilence: Math.max(...gaps), sequence: sequence.join(' ') };
  };

  const turnsOf = async (owner: Owner, conversationId: string) =>
    (await owner.request<{ turns: Array<{ answer: string; answered: boolean; error?: string; usage: { outputTokens: number } }> }>(
      'GET', `/v1/bots/${owner.botId}/conversations/${conversationId}`,
    )).body.turns;

  for (const [provider, model] of [['openai', 'gpt-4.1-mini'], ['anthropic', 'claude-haiku-4-5']] as const) {
    it(`keeps a ${provider} stream that stalls mid-answer alive with comments, then ends it with the error event`, async () => {
      const owner = await botWith({ provider, model });
      fake.provider().script({ kind: 'reply', text: 'We open at nine in the morning every day.', stallAfterDeltas: 3 });
      const reply = await askTimed(owner);

      // The answer guard holds back the last words until the stream ends; they come out before the error.
      expect(reply.sequence).toMatch(/^sources (beat ){3,}delta error (beat )*done$/);
      expect(reply.events[1]?.data).toEqual({ text: 'We open at' });
      // Never silent for as long as the provider was: the heartbeat filled the wait.
      expect(reply.longestSilence).toBeLessThan(IDLE_MS - 2 * HEARTBEAT_MS);
      const error = reply.events.find((e) => e.event === 'error')?.data;
      expect(error).toEqual({ code: 'provider_error', message: 'The answer took too long, so it was stopped. Please try again.' });
      const done = reply.events.at(-1)?.data;
      // The provider never sent its usage: output tokens are counted from the text that came.
      expect(done).toMatchObject({ answered: false, offerHandoff: true, keyClass: 'platform', usage: { outputTokens: 3 } });

      const [request] = fake.provider().requests;
      expect(await fake.provider().settled(request!)).toBe('disconnected');
      const conversationId = reply.events[0]?.data.conversationId as string;
      expect(await turnsOf(owner, conversationId)).toEqual([
        expect.objectContaining({ answer: 'We open at', answered: false, usage: expect.objectContaining({ outputTokens: 3 }) as unknown, error: expect.stringMatching(/sent nothing for 0.8 seconds/) as string }),
      ]);
    });
  }

  it('sends comments while a provider that answered with headers says nothing, then the error event', async () => {
    const owner = await botWith({ provider: 'openai', model: 'gpt-4.1-mini' });
    fake.provider().script({ kind: 'reply', text: 'We open at nine.', stallAfterDeltas: 0 });
    const reply = await askTimed(owner);
    expect(reply.sequence).toMatch(/^sources (beat ){3,}error (beat )*done$/);
    expect(reply.longestSilence).toBeLessThan(IDLE_MS - 2 * HEARTBEAT_MS);
    expect(reply.events.at(-1)?.data).toMatchObject({ answered: false, usage: { outputTokens: 0 } });
  });

  it('stops an answer that trickles past the deadline, tells the visitor, and records it unanswered', async () => {
    const owner = await botWith({ provider: 'openai', model: 'gpt-4.1-mini' });
    // A word every 100 ms: never idle, but 60 words would take 6 s.
    fake.provider().script({ kind: 'reply', text: Array.from({ length: 60 }, (_, i) => `word${i}`).join(' '), delayMs: 100 });
    const reply = await askTimed(owner);

    expect(reply.elapsed).toBeGreaterThanOrEqual(DEADLINE_MS);
    expect(reply.elapsed).toBeLessThan(DEADLINE_MS + 2_000);
    expect(reply.sequence).toMatch(/^sources (beat )*(delta (beat )*)+error (beat )*done$/);
    expect(reply.events.find((e) => e.event === 'error')?.data).toEqual({ code: 'provider_error', message: 'The answer took too long, so it was stopped. Please try again.' });
    const done = reply.events.at(-1)?.data as { answered: boolean; usage: { outputTokens: number } };
    const said = reply.events.filter((e) => e.event === 'delta').map((e) => String(e.data.text)).join('');
    expect(done.answered).toBe(false);
    // No usage from a stopped stream: output tokens are counted from what the model said (four characters a token).
    expect(said.split(' ').length).toBeGreaterThan(5);
    expect(said.split(' ').length).toBeLessThan(60);
    expect(done.usage.outputTokens).toBe(Math.ceil(said.length / 4));

    const [request] = fake.provider().requests;
    expect(await fake.provider().settled(request!)).toBe('disconnected');
    const [turn] = await turnsOf(owner, reply.events[0]?.data.conversationId as string);
    expect(turn).toMatchObject({ answer: said, answered: false, error: 'The answer took longer than 2.5 seconds, so it was stopped.' });
    const audit = await owner.request<{ entries: Array<{ action: string; detail?: Record<string, unknown> }> }>('GET', '/v1/audit?action=chat');
    expect(audit.body.entries.filter((e) => e.action === 'chat.provider_error').map((e) => e.detail)).toEqual([
      expect.objectContaining({ kind: 'timeout', provider: 'openai', keyClass: 'platform' }),
    ]);
  });
});
