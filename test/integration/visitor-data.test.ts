// What a visit leaves behind: conversations that belong to their visitor, kept as
// long as the account says, feedback, requests for a human and leads — and what
// the owner reads of them. Another account's ids answer 404.
import { describe, expect, it } from 'vitest';
import { ask, call, newOwner, uploadDocument, usePlatform, visitorToken, type Owner } from './fixtures/platform.ts';

const DOC = '# Hours\n\nThe shop opens at nine in the morning.\n\n# Sundays\n\nOn Sundays the shop is closed all day.\n';

describe('conversations and what visitors leave', () => {
  const platform = usePlatform();

  const owner = async (): Promise<Owner> => {
    const o = await newOwner(platform());
    await uploadDocument(platform(), o, 'hours.md', DOC);
    return o;
  };
  const post = (publicId: string, path: string, token: string | undefined, body: unknown) =>
    call<Record<string, unknown>>(platform().apiUrl, 'POST', `/widget/v1/${publicId}${path}`, body, token ? { authorization: `Bearer ${token}` } : {});

  it('continues a conversation for its visitor only, and the owner reads it with feedback', async () => {
    const o = await owner();
    const first = await ask(platform(), o.publicId, 'When does the shop open?');
    expect(first.conversationId).toBeDefined();
    const second = await ask(platform(), o.publicId, 'Is it open on Sundays?', {}, { token: first.token!, conversationId: first.conversationId! });
    expect(second.status).toBe(200);
    expect(second.conversationId).toBe(first.conversationId);

    // Another visitor of the same bot cannot continue it, read it or rate it.
    const stranger = await visitorToken(platform(), o.publicId);
    expect((await ask(platform(), o.publicId, 'And Mondays?', {}, { token: stranger!, conversationId: first.conversationId! })).status).toBe(404);
    const read = (token: string) => call(platform().apiUrl, 'GET', `/widget/v1/${o.publicId}/conversations/${first.conversationId}`, undefined, { authorization: `Bearer ${token}` });
    expect((await read(stranger!)).status).toBe(404);
    expect((await post(o.publicId, '/feedback', stranger, { conversationId: first.conversationId, turnId: first.turnId, rating: 'down' })).status).toBe(404);

    const mine = await read(first.token!);
    expect(mine.status).toBe(200);
    expect((mine.body as { turns: unknown[] }).turns).toHaveLength(2);
    expect((await post(o.publicId, '/feedback', first.token, { conversationId: first.conversationId, turnId: first.turnId, rating: 'up', comment: 'Thanks!' })).status).toBe(204);
    expect((await post(o.publicId, '/feedback', first.token, { conversationId: first.conversationId, turnId: '01ARZ3NDEKTSV4RRFFQ69G5FAV', rating: 'up' })).status).toBe(404);

    const list = await o.request<{ items: Array<{ conversationId: string; turnCount: number; expiresAt: string }> }>('GET', `/v1/bots/${o.botId}/conversations`);
    expect(list.body.items).toEqual([expect.objectContaining({ conversationId: first.conversationId, turnCount: 2 })]);
    const days = (Date.parse(list.body.items[0]!.expiresAt) - Date.now()) / 86_400_000;
    expect(days).toBeGreaterThan(89);
    expect(days).toBeLessThan(91);
    const full = await o.request<{ turns: Array<{ question: string; answer: string; keyClass: string; feedback?: { rating: string; comment?: string } }> }>(
      'GET', `/v1/bots/${o.botId}/conversations/${first.conversationId}`,
    );
    expect(full.body.turns.map((t) => t.question)).toEqual(['When does the shop open?', 'Is it open on Sundays?']);
    expect(full.body.turns[0]).toMatchObject({ keyClass: 'local', feedback: { rating: 'up', comment: 'Thanks!' } });
    expect(full.body.turns[1]!.answer).toContain('closed');
  });

  it('stores nothing when the account keeps no conversations', async () => {
    const o = await owner();
    expect((await o.request('PATCH', '/v1/account', { retentionDays: 0 })).status).toBe(200);
    const reply = await ask(platform(), o.publicId, 'When does the shop open?');
    expect(reply.answer).toContain('nine');
    expect((await o.request<{ items: unknown[] }>('GET', `/v1/bots/${o.botId}/conversations`)).body.items).toEqual([]);
    expect((await ask(platform(), o.publicId, 'And Sundays?', {}, { token: reply.token!, conversationId: reply.conversationId! })).status).toBe(404);
  });

  it('takes a request for a human with a way to reach the visitor, and shows it to the owner', async () => {
    const o = await owner();
    const reply = await ask(platform(), o.publicId, 'When does the shop open?');
    expect((await post(o.publicId, '/handoff', reply.token, { message: 'Call me' })).status).toBe(400);
    expect((await post(o.publicId, '/handoff', reply.token, { message: 'Call me', email: 'not-an-email' })).status).toBe(400);
    const ok = await post(o.publicId, '/handoff', reply.token, { name: 'Ada', email: 'ada@example.com', message: 'Can I book a fitting?', conversationId: reply.conversationId });
    expect(ok.status).toBe(201);
    const handoffs = await o.request<{ handoffs: Array<Record<string, unknown>> }>('GET', `/v1/bots/${o.botId}/handoffs`);
    expect(handoffs.body.handoffs).toEqual([expect.objectContaining({ name: 'Ada', email: 'ada@example.com', message: 'Can I book a fitting?', conversationId: reply.conversationId })]);
    expect((await o.request<{ entries: Array<{ action: string }> }>('GET', '/v1/audit?action=visitor')).body.entries.map((e) => e.action)).toEqual(['visitor.handoff']);

    // Dealt with: the owner removes it, with the visitor's details; nobody else can, not even with their own bot.
    const contactId = String(handoffs.body.handoffs[0]!.contactId);
    const stranger = await owner();
    expect((await stranger.request('DELETE', `/v1/bots/${stranger.botId}/handoffs/${contactId}`)).status).toBe(404);
    expect((await stranger.request('DELETE', `/v1/bots/${o.botId}/handoffs/${contactId}`)).status).toBe(404);
    expect((await o.request('DELETE', `/v1/bots/${o.botId}/leads/${contactId}`)).status).toBe(404);
    expect((await o.request('DELETE', `/v1/bots/${o.botId}/handoffs/${contactId}`)).status).toBe(204);
    expect((await o.request('DELETE', `/v1/bots/${o.botId}/handoffs/${contactId}`)).status).toBe(404);
    expect((await o.request<{ handoffs: unknown[] }>('GET', `/v1/bots/${o.botId}/handoffs`)).body.handoffs).toEqual([]);
    const audit = await o.request<{ entries: Array<{ action: string; target?: string; outcome: string }> }>('GET', '/v1/audit?action=contact');
    expect(audit.body.entries.map((e) => [e.action, e.outcome])).toEqual(expect.arrayContaining([['contact.delete', 'ok']]));
  });

  it('takes leads through the owner’s own form, refusing what the form does not ask for', async () => {
    const o = await owner();
    const token = await visitorToken(platform(), o.publicId);
    expect((await post(o.publicId, '/lead', token, { name: 'Ada', email: 'ada@example.com' })).status).toBe(403);
    await o.request('PATCH', `/v1/bots/${o.botId}`, {
      leadForm: { when: 'before', fields: [{ name: 'company', label: 'Company', type: 'text', required: true }, { name: 'phone', label: 'Phone', type: 'tel', required: false }] },
    });
    const config = await call<{ leadForm: { when: string } }>(platform().apiUrl, 'GET', `/widget/v1/${o.publicId}/config`);
    expect(config.body.leadForm.when).toBe('before');
    expect((await post(o.publicId, '/lead', token, { name: 'Ada', email: 'ada@example.com' })).status).toBe(400);
    expect((await post(o.publicId, '/lead', token, { name: 'Ada', email: 'ada@example.com', fields: { company: 'Acme', salary: '1' } })).status).toBe(400);
    expect((await post(o.publicId, '/lead', token, { name: 'Ada', email: 'ada@example.com', fields: { company: 'Acme', phone: 'call me' } })).status).toBe(400);
    expect((await post(o.publicId, '/lead', token, { name: 'Ada', email: 'ada@example.com', fields: { company: 'Acme', phone: '+44 20 7946 0000' } })).status).toBe(201);
    const leads = await o.request<{ leads: Array<Record<string, unknown>> }>('GET', `/v1/bots/${o.botId}/leads`);
    expect(leads.body.leads).toEqual([expect.objectContaining({ name: 'Ada', fields: { company: 'Acme', phone: '+44 20 7946 0000' } })]);

    // Switched off again: the widget offers no form, and a lead is refused as before.
    const off = await o.request<{ bot: { leadForm?: unknown } }>('PATCH', `/v1/bots/${o.botId}`, { leadForm: null });
    expect(off.status).toBe(200);
    expect(off.body.bot.leadForm).toBeUndefined();
    expect((await call<{ leadForm: unknown }>(platform().apiUrl, 'GET', `/widget/v1/${o.publicId}/config`)).body.leadForm).toBeNull();
    expect((await post(o.publicId, '/lead', token, { name: 'Ada', email: 'ada@example.com' })).status).toBe(403);
  });

  it('answers 404 to another account on every conversation, lead and handoff route', async () => {
    const alice = await owner();
    const bob = await newOwner(platform());
    const reply = await ask(platform(), alice.publicId, 'When does the shop open?');
    const bot = `/v1/bots/${alice.botId}`;
    for (const [method, path] of [
      ['GET', `${bot}/conversations`],
      ['GET', `${bot}/conversations/${reply.conversationId}`],
      ['DELETE', `${bot}/conversations/${reply.conversationId}`],
      ['GET', `${bot}/leads`],
      ['GET', `${bot}/handoffs`],
      // Bob's own bot, Alice's conversation id.
      ['GET', `/v1/bots/${bob.botId}/conversations/${reply.conversationId}`],
    ] as const) {
      const res = await bob.request(method, path);
      expect({ method, path, status: res.status }).toEqual({ method, path, status: 404 });
    }
    expect((await bob.request<{ rows: unknown[] }>('GET', '/v1/usage')).body.rows).toEqual([]);
    expect((await alice.request('GET', `${bot}/conversations/${reply.conversationId}`)).status).toBe(200);
    expect((await alice.request('DELETE', `${bot}/conversations/${reply.conversationId}`)).status).toBe(204);
    expect((await alice.request('GET', `${bot}/conversations/${reply.conversationId}`)).status).toBe(404);
  });
});
