// Searching a bot's conversations by text (GET /v1/bots/{botId}/conversations?q=…):
// conversations are sealed at rest, so the newest are opened and searched in
// questions and answers, ignoring case and accents, with a snippet around the match.
import { describe, expect, it } from 'vitest';
import { newId } from '../../lambdas/core/ids.ts';
import type { Conversation, ConversationTurn } from '../../lambdas/core/records.ts';
import { tenantForSystem } from '../../lambdas/core/tenancy.ts';
import { ask, newOwner, uploadDocument, usePlatform } from './fixtures/platform.ts';

interface Found {
  items: Array<{ conversationId: string; preview: string; match: { field: 'question' | 'answer'; turnId: string; snippet: string; start: number; end: number } }>;
  searchedUpTo: number;
  truncated: boolean;
}

describe('conversation search', () => {
  const platform = usePlatform();

  it('finds conversations by words in questions and answers, ignoring case and accents', async () => {
    const owner = await newOwner(platform());
    await uploadDocument(platform(), owner, 'returns.md', '# Returns\n\nYou can return any item within 30 days of delivery for a full refund.\n');
    const crepe = await ask(platform(), owner.publicId, 'Do you sell a CRÊPE pan, or only frying pans?');
    const refund = await ask(platform(), owner.publicId, 'How long do I have to return an item?');
    expect(crepe.status).toBe(200);
    expect(refund.status).toBe(200);
    const base = `/v1/bots/${owner.botId}/conversations`;

    // Case and accents do not matter, in either direction.
    const byQuestion = await owner.request<Found>('GET', `${base}?q=${encodeURIComponent('crepe PAN')}`);
    expect(byQuestion.status).toBe(200);
    expect(byQuestion.body.items.map((c) => c.conversationId)).toEqual([crepe.conversationId]);
    const m = byQuestion.body.items[0]!.match;
    expect(m.field).toBe('question');
    expect(m.snippet).toBe('Do you sell a CRÊPE pan, or only frying pans?');
    expect(m.snippet.slice(m.start, m.end)).toBe('CRÊPE pan');
    expect(byQuestion.body.searchedUpTo).toBe(2);
    expect(byQuestion.body.truncated).toBe(false);

    // The answer's text is searched too (the question does not say "refund").
    const byAnswer = await owner.request<Found>('GET', `${base}?q=Full%20Refund`);
    expect(byAnswer.body.items.map((c) => c.conversationId)).toEqual([refund.conversationId]);
    expect(byAnswer.body.items[0]!.match.field).toBe('answer');
    const a = byAnswer.body.items[0]!.match;
    expect(a.snippet.slice(a.start, a.end).toLowerCase()).toBe('full refund');

    // A word both contain: newest first.
    const both = await owner.request<Found>('GET', `${base}?q=${encodeURIComponent('Pan')}`);
    expect(both.body.items.map((c) => c.conversationId)).toEqual([crepe.conversationId]);
    const either = await owner.request<Found>('GET', `${base}?q=${encodeURIComponent('?')}&limit=1`);
    expect(either.body.items.map((c) => c.conversationId)).toEqual([refund.conversationId]);
    expect(either.body.truncated).toBe(true);

    // Text that is in no conversation finds nothing.
    const none = await owner.request<Found>('GET', `${base}?q=${encodeURIComponent('gift voucher')}`);
    expect(none.status).toBe(200);
    expect(none.body).toEqual({ items: [], searchedUpTo: 2, truncated: false });
  });

  it('answers 400 for a bad search and 404 for another account’s bot', async () => {
    const owner = await newOwner(platform());
    const other = await newOwner(platform());
    await ask(platform(), other.publicId, 'Where is my parcel?');
    const tooLong = await owner.request<{ error: { code: string; message: string } }>('GET', `/v1/bots/${owner.botId}/conversations?q=${'a'.repeat(201)}`);
    expect(tooLong.status).toBe(400);
    expect(tooLong.body.error.message).toContain('at most 200 characters');
    expect((await owner.request('GET', `/v1/bots/${owner.botId}/conversations?q=${'a'.repeat(200)}`)).status).toBe(200);
    expect((await owner.request('GET', `/v1/bots/${owner.botId}/conversations?q=%20%20`)).status).toBe(400);
    // Another account's bot is not found, whatever the search.
    const foreign = await owner.request<{ error: { code: string } }>('GET', `/v1/bots/${other.botId}/conversations?q=parcel`);
    expect(foreign.status).toBe(404);
    expect(foreign.body.error.code).toBe('not_found');
    expect((await other.request<Found>('GET', `/v1/bots/${other.botId}/conversations?q=parcel`)).body.items).toHaveLength(1);
  });

  it('opens at most the newest 500 conversations, and says so', async () => {
    const owner = await newOwner(platform());
    const tenant = tenantForSystem(owner.accountId);
    const repo = platform().deps.conversations;
    const now = Date.now();
    const expiresAt = new Date(now + 3_600_000).toISOString();
    const make = async (at: number, question: string) => {
      const c: Conversation = {
        conversationId: newId(at), botId: owner.botId, visitorId: newId(at), origin: 'https://shop.example',
        createdAt: new Date(at).toISOString(), updatedAt: new Date(at).toISOString(), expiresAt, turnCount: 0, preview: question,
      };
      const t: ConversationTurn = {
        turnId: newId(at), question, answer: 'Thanks for asking.', citations: [], answered: true, keyClass: 'local', provider: 'local', model: 'local',
        usage: { inputTokens: 1, outputTokens: 1 }, createdAt: c.createdAt,
      };
      await repo.create(tenant, c);
      await repo.appendTurn(tenant, owner.botId, c.conversationId, t, expiresAt);
    };
    // The oldest mentions a zebra; 500 newer ones do not.
    await make(now - 3_600_000, 'Do you sell zebra-striped umbrellas?');
    for (let i = 0; i < 500; i += 50) await Promise.all(Array.from({ length: 50 }, (_, k) => make(now - 1_000_000 + (i + k) * 1000, `Question number ${i + k}`)));
    const res = await owner.request<Found>('GET', `/v1/bots/${owner.botId}/conversations?q=zebra`);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ items: [], searchedUpTo: 500, truncated: true });
    // A newer one is found, with the bound still stated.
    const newer = await owner.request<Found>('GET', `/v1/bots/${owner.botId}/conversations?q=${encodeURIComponent('number 499')}`);
    expect(newer.body.items.map((c) => c.preview)).toEqual(['Question number 499']);
  });
});
