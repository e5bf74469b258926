// Every admin action is in the audit log: who, what, which, from where, and whether
// it was allowed — refused attempts included.
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { joinTeam, newOwner, uploadDocument, usePlatform } from './fixtures/platform.ts';

interface Entry { action: string; outcome: string; target?: string; sourceIp?: string; actor: { kind: string; userId?: string } }

describe('the audit log of admin actions', () => {
  const platform = usePlatform();

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
});
