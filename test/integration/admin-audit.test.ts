// Every admin action is in the audit log: who, what, which, from where, and whether
// it was allowed — refused attempts included.
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { joinTeam, newOwner, uploadDocument, usePlatform } from './fixtures/platform.ts';

interface Entry { action: string; outcome: string; target?: string; sourceIp?: string; actor: { kind: string; userId?: string }; detail?: Record<string, unknown> }

describe('the audit log of admin actions', () => {
  // Website sources are only queued here; the crawl of this unreachable name fails on its own.
  const platform = usePlatform({ env: () => ({ PARLEY_EGRESS_ALLOW_HOSTS: 'docs.invalid', PARLEY_CRAWL_DELAY_MS: '0' }) });

  it('records bot, document and source changes with their target and address, and refusals', async () => {
    const owner = await newOwner(platform());
    await owner.request('PATCH', `/v1/bots/${owner.botId}`, { name: 'Renamed' });
    const doc = await uploadDocument(platform(), owner, 'hours.md', '# Hours\n\nNine to five.\n');
    await owner.request('POST', `/v1/bots/${owner.botId}/sources`, { kind: 'text', title: 'Note', text: 'Closed on Sundays.' });
    await owner.request('DELETE', `/v1/bots/${owner.botId}/documents/${doc.docId}`);
    const email = `viewer-${randomUUID()}@example.com`;
    const viewer = await joinTeam(platform(), owner, 'viewer', email);
    expect((await viewer.request('PATCH', `/v1/bots/${owner.botId}`, { name: 'Taken' })).status).toBe(403);

    const entries = async (action: string) => (await owner.request<{ entries: Entry[] }>('GET', `/v1/audit?action=${action}`)).body.entries;
    const bots = await entries('bot');
    // The newest first: the viewer's refused rename, the owner's rename, the bot's creation.
    expect(bots.map((e) => `${e.action}:${e.outcome}`)).toEqual(['bot.update:refused', 'bot.update:ok', 'bot.create:ok']);
    expect(bots.every((e) => e.target === owner.botId && e.sourceIp === '127.0.0.1')).toBe(true);
    expect(bots[0]!.actor.userId).not.toBe(bots[1]!.actor.userId);
    const documents = await entries('document');
    expect(documents.map((e) => e.action)).toEqual(['document.delete', 'document.source', 'document.upload']);
    expect(documents[0]!.target).toBe(doc.docId);
  });

  it('keeps each document’s name and kind of source with the event, so a deleted one is still named', async () => {
    const owner = await newOwner(platform());
    const sources = `/v1/bots/${owner.botId}/sources`;
    const doc = await uploadDocument(platform(), owner, 'returns-policy.md', '# Returns\n\nWithin 30 days.\n');
    const pairs = [{ question: 'Do you sell gift cards?', answer: 'Yes, in the shop.' }];
    expect((await owner.request('POST', sources, { kind: 'text', title: 'Opening hours', text: 'Nine to five.' })).status).toBe(201);
    expect((await owner.request('POST', sources, { kind: 'qa', title: 'Gift cards', pairs })).status).toBe(201);
    expect((await owner.request('POST', sources, { kind: 'qa', title: 'Improved answer: gift cards', label: 'Do you sell gift cards?', pairs, improvedAnswer: true })).status).toBe(201);
    expect((await owner.request('POST', sources, { kind: 'website', url: 'https://docs.invalid/help' })).status).toBe(201);
    expect((await owner.request('POST', `/v1/bots/${owner.botId}/documents/${doc.docId}/reingest`)).status).toBe(202);
    expect((await owner.request('DELETE', `/v1/bots/${owner.botId}/documents/${doc.docId}`)).status).toBe(204);
    // A viewer's refused delete of a document is named too.
    const viewer = await joinTeam(platform(), owner, 'viewer', `viewer-${randomUUID()}@example.com`);
    const hours = (await owner.request<{ documents: Array<{ docId: string; name: string }> }>('GET', `/v1/bots/${owner.botId}/documents`))
      .body.documents.find((d) => d.name === 'Opening hours.txt')!;
    expect((await viewer.request('DELETE', `/v1/bots/${owner.botId}/documents/${hours.docId}`)).status).toBe(403);

    const entries = (await owner.request<{ entries: Entry[] }>('GET', '/v1/audit?action=document')).body.entries;
    expect(entries.map((e) => [e.action, e.outcome, e.detail])).toEqual([
      ['document.delete', 'refused', { document: 'Opening hours.txt', source: 'text' }],
      ['document.delete', 'ok', { document: 'returns-policy.md', source: 'upload' }],
      ['document.reingest', 'ok', { document: 'returns-policy.md', source: 'upload' }],
      ['document.source', 'ok', { document: 'docs.invalid/help', source: 'website' }],
      ['document.source', 'ok', { document: 'Improved answer: gift cards.md', source: 'improved_answer' }],
      ['document.source', 'ok', { document: 'Gift cards.md', source: 'qa' }],
      ['document.source', 'ok', { document: 'Opening hours.txt', source: 'text' }],
      ['document.upload', 'ok', { document: 'returns-policy.md', source: 'upload' }],
    ]);
    // Another account's document is neither deleted nor named in anyone's log.
    const other = await newOwner(platform());
    expect((await other.request('DELETE', `/v1/bots/${owner.botId}/documents/${hours.docId}`)).status).toBe(404);
    expect((await other.request<{ entries: Entry[] }>('GET', '/v1/audit?action=document')).body.entries).toEqual([]);
  });
});
