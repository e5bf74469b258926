// "Not found" as an outcome of its own: the done event, the sources, the stored turn,
// the export and the usage figures all say a declined answer was not an answer.
import { describe, expect, it } from 'vitest';
import { ask, newOwner, uploadDocument, useFakeProvider, usePlatform, type Owner } from './fixtures/platform.ts';

const PLATFORM_KEY = 'sk-platform-0000000000000000000000platform';
const SHOP = `# Trail 500

The Trail 500 is a hardtail mountain bike with a 500 Wh battery. The Trail 500 costs 2,499 euros.

# Batteries

A replacement 500 Wh battery costs 649 euros. Charging takes four hours.

# Privacy

The list of children attending our riding course is deleted after the course.
`;

describe('an answer that declines', () => {
  const fake = useFakeProvider();
  const platform = usePlatform({ env: () => ({ ...fake.env(), PARLEY_PLATFORM_OPENAI_KEY: PLATFORM_KEY }) });

  const shop = async (model?: Record<string, unknown>): Promise<Owner> => {
    const owner = await newOwner(platform());
    if (model) expect((await owner.request('PATCH', `/v1/bots/${owner.botId}`, { model })).status).toBe(200);
    await uploadDocument(platform(), owner, 'shop.md', SHOP);
    fake.provider().reset();
    return owner;
  };
  const turnsOf = async (owner: Owner, conversationId: string) =>
    (await owner.request<{ turns: Array<{ answered: boolean; citations: unknown[] }> }>('GET', `/v1/bots/${owner.botId}/conversations/${conversationId}`)).body.turns;
  const usageOf = async (owner: Owner) =>
    (await owner.request<{ rows: Array<Record<string, unknown>>; totals: Record<string, number> }>('GET', '/v1/usage')).body;

  it('from Parley’s own answerer: answered false, a person offered, no source, and counted unanswered', async () => {
    const owner = await shop();
    // "children" is in the documents, but nothing about bikes for them.
    const declined = await ask(platform(), owner.publicId, 'Do you sell bikes for children?');
    expect(declined.answer).toMatch(/^I couldn't find/);
    expect(declined.sources).toEqual([]);
    expect(declined.done).toMatchObject({ answered: false, offerHandoff: true, quoted: false, keyClass: 'local' });
    expect(await turnsOf(owner, declined.conversationId!)).toEqual([expect.objectContaining({ answered: false, citations: [] })]);

    const found = await ask(platform(), owner.publicId, 'How much does the Trail 500 cost?');
    expect(found.answer).toContain('The Trail 500 costs 2,499 euros.');
    expect(found.answer).not.toContain('649');
    expect(found.sources).toHaveLength(1);
    expect(found.done).toMatchObject({ answered: true, offerHandoff: false, quoted: true });

    const usage = await usageOf(owner);
    expect(usage.rows).toEqual([expect.objectContaining({ keyClass: 'local', messages: 2, unanswered: 1 })]);
    expect(usage.totals).toMatchObject({ messages: 2, unanswered: 1 });
  });

  it('from a model that says it could not find the answer: detected, a person offered, nothing cited, counted unanswered, exported as unanswered', async () => {
    const owner = await shop({ provider: 'openai', model: 'gpt-4.1-mini' });
    fake.provider().script({ kind: 'reply', text: "I couldn't find anything about bikes for children in the documents. Would you like to talk to a person?" });
    const declined = await ask(platform(), owner.publicId, 'Do you sell bikes for children?');
    expect(declined.done).toMatchObject({ answered: false, offerHandoff: true, quoted: false, keyClass: 'platform' });
    expect(await turnsOf(owner, declined.conversationId!)).toEqual([expect.objectContaining({ answered: false, citations: [] })]);
    // The provider call itself worked: the audit log does not call it failed.
    const audit = await owner.request<{ entries: Array<{ action: string; outcome: string }> }>('GET', '/v1/audit?action=chat');
    expect(audit.body.entries.filter((e) => e.action === 'chat.provider_call')).toEqual([expect.objectContaining({ outcome: 'ok' })]);

    fake.provider().script({ kind: 'reply', text: 'The Trail 500 costs 2,499 euros. [1]' });
    const found = await ask(platform(), owner.publicId, 'How much does the Trail 500 cost?');
    expect(found.done).toMatchObject({ answered: true, offerHandoff: false, quoted: false });
    expect((await usageOf(owner)).rows).toEqual([expect.objectContaining({ keyClass: 'platform', messages: 2, unanswered: 1 })]);

    const started = await owner.request<{ export: { exportId: string } }>('POST', '/v1/account/exports');
    expect(started.status).toBe(202);
    await platform().exports.idle();
    const ready = await owner.request<{ downloads: Array<{ name: string; url: string }> }>('GET', `/v1/account/exports/${started.body.export.exportId}`);
    const csvUrl = ready.body.downloads.find((d) => d.name === 'parley-conversations.csv')!.url;
    const rows = (await (await fetch(csvUrl)).text()).split('\r\n').slice(1);
    const answeredColumn = (question: string) => rows.find((r) => r.includes(question))?.split('","')[7];
    expect(answeredColumn('Do you sell bikes for children?')).toBe('false');
    expect(answeredColumn('How much does the Trail 500 cost?')).toBe('true');
  });
});
