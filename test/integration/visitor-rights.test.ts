// One visitor's data, found by e-mail, conversation or visitor id, returned whole and
// erased on its own, leaving other visitors' data as it was.
import { describe, expect, it } from 'vitest';
import { ask, call, newOwner, uploadDocument, usePlatform } from './fixtures/platform.ts';

interface Found { visitorIds: string[]; conversations: Array<{ conversationId: string; turns: unknown[] }>; contacts: Array<{ email?: string }> }

describe('a visitor’s own data', () => {
  const platform = usePlatform();

  it('is found by e-mail or conversation, exported whole, and erased alone', async () => {
    const owner = await newOwner(platform());
    await uploadDocument(platform(), owner, 'hours.md', '# Hours\n\nThe shop opens at nine in the morning.\n');
    const ada = await ask(platform(), owner.publicId, 'When does the shop open?');
    await ask(platform(), owner.publicId, 'And on Sundays?', {}, { token: ada.token!, conversationId: ada.conversationId! });
    await call(platform().apiUrl, 'POST', `/widget/v1/${owner.publicId}/handoff`, { message: 'Call me', email: 'Ada@Example.com', conversationId: ada.conversationId }, { authorization: `Bearer ${ada.token}` });
    const bob = await ask(platform(), owner.publicId, 'When does the shop open?');

    const byEmail = await owner.request<Found>('GET', '/v1/visitors?email=ada@example.com');
    expect(byEmail.body.visitorIds).toHaveLength(1);
    expect(byEmail.body.conversations).toEqual([expect.objectContaining({ conversationId: ada.conversationId })]);
    expect(byEmail.body.conversations[0]!.turns).toHaveLength(2);
    expect(byEmail.body.contacts).toEqual([expect.objectContaining({ email: 'Ada@Example.com' })]);
    const byConversation = await owner.request<Found>('GET', `/v1/visitors?conversationId=${ada.conversationId}`);
    expect(byConversation.body.visitorIds).toEqual(byEmail.body.visitorIds);
    expect((await owner.request('GET', '/v1/visitors')).status).toBe(400);

    const visitorId = byEmail.body.visitorIds[0]!;
    const erased = await owner.request<{ erased: { conversations: number; contacts: number } }>('DELETE', `/v1/visitors/${visitorId}`);
    expect(erased.body.erased).toEqual({ conversations: 1, contacts: 1 });
    const left = await owner.request<{ items: Array<{ conversationId: string }> }>('GET', `/v1/bots/${owner.botId}/conversations`);
    expect(left.body.items.map((c) => c.conversationId)).toEqual([bob.conversationId]);
    expect((await owner.request<{ handoffs: unknown[] }>('GET', `/v1/bots/${owner.botId}/handoffs`)).body.handoffs).toEqual([]);
    expect((await owner.request<Found>('GET', `/v1/visitors?visitorId=${visitorId}`)).body.conversations).toEqual([]);
    expect((await owner.request('DELETE', `/v1/visitors/${visitorId}`)).status).toBe(404);
    expect((await owner.request<{ entries: Array<{ action: string }> }>('GET', '/v1/audit?action=visitor.erase')).body.entries).toHaveLength(1);
  });

  it('shows another account nothing, and lets it erase nothing', async () => {
    const alice = await newOwner(platform());
    await uploadDocument(platform(), alice, 'hours.md', '# Hours\n\nThe shop opens at nine in the morning.\n');
    const reply = await ask(platform(), alice.publicId, 'When does the shop open?');
    const found = await alice.request<Found>('GET', `/v1/visitors?conversationId=${reply.conversationId}`);
    const bob = await newOwner(platform());
    expect((await bob.request<Found>('GET', `/v1/visitors?visitorId=${found.body.visitorIds[0]}`)).body).toEqual({ visitorIds: [found.body.visitorIds[0]], conversations: [], contacts: [] });
    expect((await bob.request('DELETE', `/v1/visitors/${found.body.visitorIds[0]}`)).status).toBe(404);
    expect((await alice.request<{ items: unknown[] }>('GET', `/v1/bots/${alice.botId}/conversations`)).body.items).toHaveLength(1);
  });
});
