import { describe, expect, it } from 'vitest';
import { ask, newOwner, uploadDocument, usePlatform } from './fixtures/platform.ts';

const FAQ = `# Returns

You can return any item within 30 days of delivery for a full refund.
Refunds go back to the card you paid with.

# Shipping

We ship to the EU and the UK. Delivery takes three to five working days.
`;

describe('the thin slice, through real HTTP', () => {
  const platform = usePlatform();

  it('answers a visitor from an uploaded Markdown file, with citations', async () => {
    const owner = await newOwner(platform());

    const doc = await uploadDocument(platform(), owner, 'store-faq.md', FAQ);
    expect(doc).toMatchObject({ status: 'ready', chunkCount: 2 });

    const listed = await owner.request<{ documents: Array<{ docId: string; status: string }> }>('GET', `/v1/bots/${owner.botId}/documents`);
    expect(listed.body.documents.map((d) => d.docId)).toEqual([doc.docId]);

    const reply = await ask(platform(), owner.publicId, 'How many days do I have to return an item?');
    expect(reply.status).toBe(200);
    expect(reply.events.map((e) => e.event)).toEqual(expect.arrayContaining(['sources', 'delta', 'done']));
    expect(reply.events[0]?.event).toBe('sources');
    expect(reply.events.at(-1)?.event).toBe('done');
    expect(reply.answer).toContain('within 30 days of delivery');
    expect(reply.answer).toContain('[1]');
    expect(reply.sources[0]).toMatchObject({ n: 1, document: 'store-faq.md', section: 'Returns', docId: doc.docId });
    expect(String(reply.sources[0]?.quote)).toContain('return any item within 30 days');
  });

  it('says it does not know when nothing in the documents matches', async () => {
    const owner = await newOwner(platform());
    await uploadDocument(platform(), owner, 'faq.md', FAQ);
    const reply = await ask(platform(), owner.publicId, 'Quantum chromodynamics lattice gauge');
    expect(reply.sources).toEqual([]);
    expect(reply.answer).toMatch(/couldn't find that/);
    expect(reply.events.at(-1)?.data).toMatchObject({ answered: false });
  });

  it('does not quote a near but unrelated passage: a question sharing no word with the documents gets "not found" and a person', async () => {
    const owner = await newOwner(platform());
    await uploadDocument(platform(), owner, 'menu.md', '# Breads\n\nWe bake sourdough every morning with organic rye flour.\n\n# Cakes\n\nCarrot cake and lemon drizzle are baked on Fridays.\n');
    const reply = await ask(platform(), owner.publicId, 'Do you sell croissants with chocolate?');
    expect(reply.answer).toMatch(/couldn't find that/);
    expect(reply.sources).toEqual([]);
    expect(reply.done).toMatchObject({ answered: false, offerHandoff: true });
    const lemon = await ask(platform(), owner.publicId, 'When is the lemon drizzle baked?');
    expect(lemon.answer).toBe('Carrot cake and lemon drizzle are baked on Fridays. [1]');
  });

  it('stops answering from a document once it is deleted', async () => {
    const owner = await newOwner(platform());
    const doc = await uploadDocument(platform(), owner, 'faq.md', FAQ);
    expect((await ask(platform(), owner.publicId, 'return an item refund')).sources.length).toBeGreaterThan(0);

    expect((await owner.request('DELETE', `/v1/bots/${owner.botId}/documents/${doc.docId}`)).status).toBe(204);
    expect((await owner.request('GET', `/v1/bots/${owner.botId}/documents/${doc.docId}`)).status).toBe(404);
    expect((await ask(platform(), owner.publicId, 'return an item refund')).sources).toEqual([]);
  });

  it('serves the widget config for the public id', async () => {
    const owner = await newOwner(platform());
    const res = await fetch(`${platform().apiUrl}/widget/v1/${owner.publicId}/config`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({
      name: 'Help desk',
      welcomeMessage: expect.any(String) as string,
      suggestedQuestions: [],
      theme: { color: '#2563eb', position: 'right', mode: 'auto' },
      leadForm: null,
      handoff: true,
      available: true,
    });
  });

  it('deletes a bot with its documents, and its public id stops answering', async () => {
    const owner = await newOwner(platform());
    await uploadDocument(platform(), owner, 'faq.md', FAQ);
    expect((await owner.request('DELETE', `/v1/bots/${owner.botId}`)).status).toBe(204);
    expect((await owner.request('GET', `/v1/bots/${owner.botId}`)).status).toBe(404);
    expect((await ask(platform(), owner.publicId, 'return')).status).toBe(404);
  });
});
