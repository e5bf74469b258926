// Limits that protect the owner's wallet: rate limits per visitor and per address,
// question and history length, budgets reserved before any provider call, and the
// pause switch. Each answers with a clear error and, where it fits, Retry-After.
import { describe, expect, it } from 'vitest';
import { ADDRESS_MESSAGES_PER_MINUTE, ADDRESS_SESSIONS_PER_MINUTE, HISTORY_TURNS, MAX_QUESTION_CHARS, VISITOR_MESSAGES_PER_MINUTE } from '../../lambdas/core/limits.ts';
import { ask, call, newOwner, uploadDocument, useFakeProvider, usePlatform, visitorToken, type Owner } from './fixtures/platform.ts';

const DOC = '# Hours\n\nThe shop opens at nine in the morning.\n';

describe('chat limits', () => {
  const fake = useFakeProvider();
  const platform = usePlatform({ env: () => ({ ...fake.env(), PARLEY_PLATFORM_OPENAI_KEY: 'sk-platform-limits-000000000000000000' }) });

  const owner = async (patch: Record<string, unknown> = {}): Promise<Owner> => {
    const o = await newOwner(platform());
    if (Object.keys(patch).length) expect((await o.request('PATCH', `/v1/bots/${o.botId}`, patch)).status).toBe(200);
    await uploadDocument(platform(), o, 'hours.md', DOC);
    return o;
  };
  const chatCalls = () => fake.provider().requests.filter((r) => r.endpoint === 'openai.chat').length;

  it('limits how fast one visitor can ask, with Retry-After', async () => {
    const o = await owner();
    const token = await visitorToken(platform(), o.publicId);
    const statuses: number[] = [];
    for (let i = 0; i <= VISITOR_MESSAGES_PER_MINUTE; i++) statuses.push((await ask(platform(), o.publicId, 'When do you open?', {}, { token: token! })).status);
    expect(statuses.slice(0, VISITOR_MESSAGES_PER_MINUTE).every((s) => s === 200)).toBe(true);
    const refused = await ask(platform(), o.publicId, 'When do you open?', {}, { token: token! });
    expect(refused.status).toBe(429);
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect(refused.body).toMatchObject({ error: { code: 'rate_limited' } });
    // Another visitor of the same bot is not held up by it.
    expect((await ask(platform(), o.publicId, 'When do you open?')).status).toBe(200);
  });

  it('limits how fast one network address can ask, whatever the visitor', async () => {
    const o = await owner();
    // Six visitors behind one address, each within its own limit: the address's limit binds first.
    const perVisitor = VISITOR_MESSAGES_PER_MINUTE - 1;
    const visitors = Math.ceil(ADDRESS_MESSAGES_PER_MINUTE / perVisitor) + 1;
    const tokens = await Promise.all(Array.from({ length: visitors }, () => visitorToken(platform(), o.publicId)));
    const statuses = (await Promise.all(tokens.map(async (token) => {
      const out: number[] = [];
      for (let i = 0; i < perVisitor; i++) out.push((await ask(platform(), o.publicId, 'When do you open?', {}, { token: token! })).status);
      return out;
    }))).flat();
    expect(statuses.filter((s) => s === 200)).toHaveLength(ADDRESS_MESSAGES_PER_MINUTE);
    expect(statuses.filter((s) => s === 429)).toHaveLength(visitors * perVisitor - ADDRESS_MESSAGES_PER_MINUTE);
  });

  it('limits how many new sessions one address can start', async () => {
    const o = await owner();
    const tokens = await Promise.all(Array.from({ length: ADDRESS_SESSIONS_PER_MINUTE + 3 }, () => visitorToken(platform(), o.publicId)));
    expect(tokens.filter(Boolean)).toHaveLength(ADDRESS_SESSIONS_PER_MINUTE);
  });

  it('refuses questions that are empty or too long, and bodies of the wrong shape', async () => {
    const o = await owner();
    expect((await ask(platform(), o.publicId, 'x'.repeat(MAX_QUESTION_CHARS + 1))).body).toMatchObject({ error: { code: 'invalid_request' } });
    expect((await ask(platform(), o.publicId, '   ')).status).toBe(400);
    // Invisible characters are no question either.
    expect((await ask(platform(), o.publicId, '\u200b\u200b\u0000\ufeff')).status).toBe(400);
    expect((await ask(platform(), o.publicId, 'x'.repeat(10_000))).body).toMatchObject({ error: { message: expect.stringContaining('2000') as string } });
    const token = await visitorToken(platform(), o.publicId);
    const wrong = await call(platform().apiUrl, 'POST', `/widget/v1/${o.publicId}/chat`, { question: 42 }, { authorization: `Bearer ${token}` });
    expect(wrong.status).toBe(400);
    const notJson = await call(platform().apiUrl, 'POST', `/widget/v1/${o.publicId}/chat`, 'question=hi', { authorization: `Bearer ${token}`, 'content-type': 'text/plain' });
    expect(notJson.status).toBe(415);
  });

  it('refuses before calling the provider once a budget has no room, naming the budget', async () => {
    const tight = { dailyTokens: 100, monthlyTokens: 1_000_000, dailyCostMicros: 1_000_000, monthlyCostMicros: 1_000_000 };
    const o = await owner({ model: { provider: 'openai', model: 'gpt-4.1-mini' }, budget: tight });
    fake.provider().reset();
    const refused = await ask(platform(), o.publicId, 'When do you open?');
    expect(refused.status).toBe(429);
    expect(refused.body).toMatchObject({ error: { code: 'rate_limited', budget: 'daily' } });
    const retryAfter = Number(refused.headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThan(0);
    expect(retryAfter).toBeLessThanOrEqual(86_400);
    expect(chatCalls()).toBe(0);

    await o.request('PATCH', `/v1/bots/${o.botId}`, { budget: { ...tight, dailyTokens: 1_000_000, monthlyCostMicros: 10 } });
    const monthly = await ask(platform(), o.publicId, 'When do you open?');
    expect(monthly.body).toMatchObject({ error: { budget: 'monthly' } });
    expect(chatCalls()).toBe(0);

    await o.request('PATCH', `/v1/bots/${o.botId}`, { budget: { ...tight, dailyTokens: 1_000_000 } });
    fake.provider().script({ kind: 'reply', text: 'Nine. [1]' });
    expect((await ask(platform(), o.publicId, 'When do you open?')).answer).toBe('Nine. [1]');
    expect((await o.request<{ entries: Array<{ action: string }> }>('GET', '/v1/audit?action=chat.budget_exceeded')).body.entries).toHaveLength(2);
  });

  it('sends the model only the last few turns of a long conversation', async () => {
    const o = await owner({ model: { provider: 'openai', model: 'gpt-4.1-mini' } });
    const first = await ask(platform(), o.publicId, 'When do you open? (turn 0)');
    for (let i = 1; i <= HISTORY_TURNS + 1; i++) {
      await ask(platform(), o.publicId, `When do you open? (turn ${i})`, {}, { token: first.token!, conversationId: first.conversationId! });
    }
    const last = fake.provider().requests.filter((r) => r.endpoint === 'openai.chat').at(-1)!.body as { messages: Array<{ role: string; content: string }> };
    const earlier = last.messages.filter((m) => m.role === 'user').slice(0, -1);
    expect(earlier).toHaveLength(HISTORY_TURNS);
    expect(earlier[0]!.content).toContain('(turn 1)');
    expect(last.messages.at(-1)!.content).toContain(`(turn ${HISTORY_TURNS + 1})`);
  });

  it('stops a paused bot at once, and resumes it', async () => {
    const o = await owner();
    await o.request('PATCH', `/v1/bots/${o.botId}`, { paused: true });
    const paused = await ask(platform(), o.publicId, 'When do you open?');
    expect(paused.status).toBe(503);
    expect(paused.body).toMatchObject({ error: { code: 'unavailable' } });
    expect((await call<{ available: boolean }>(platform().apiUrl, 'GET', `/widget/v1/${o.publicId}/config`)).body.available).toBe(false);
    await o.request('PATCH', `/v1/bots/${o.botId}`, { paused: false });
    expect((await ask(platform(), o.publicId, 'When do you open?')).status).toBe(200);
  });
});
