// A bot's `documentComments` setting (issue 24 item 3): reviewers' comments in
// Word documents are left out until the owner turns them on; switching it reads
// the bot's Word documents again (and only those), and the change is audited.
import { describe, expect, it } from 'vitest';
import { tenantForSystem } from '../../lambdas/core/tenancy.ts';
import { buildDocx, commentsPart, heading, noteRef, para, run } from '../fixtures/documents/docx-builder.ts';
import { newOwner, uploadDocument, usePlatform, type Owner } from './fixtures/platform.ts';

const DOCX = 'application/vnd.openxmlformats-officedocument.wordprocessingml.document';
const COMMENT = 'Check the refund window with legal before publishing.';
const POLICY = buildDocx(
  heading('Returns') + para(run('Send it back within 14 days for a refund.') + noteRef('comment', 0)),
  { 'comments.xml': commentsPart({ 0: COMMENT }) },
);

interface Doc { docId: string; status: string; indexedRun?: string }

describe('reviewers\' comments in Word documents', () => {
  const platform = usePlatform();

  const indexedText = async (owner: Owner, docId: string): Promise<string> => {
    const chunks = await platform().deps.chunks.listForBot(tenantForSystem(owner.accountId), owner.botId);
    return chunks.filter((c) => c.docId === docId).map((c) => c.text).join('\n');
  };
  const documentOf = async (owner: Owner, docId: string): Promise<Doc> =>
    (await owner.request<{ document: Doc }>('GET', `/v1/bots/${owner.botId}/documents/${docId}`)).body.document;
  const setComments = async (owner: Owner, value: unknown) =>
    owner.request<{ bot: { documentComments?: boolean }; error?: { message: string } }>('PATCH', `/v1/bots/${owner.botId}`, { documentComments: value });

  it('are left out by default, read once the setting is on, and left out again once it is off; other documents are not read again', async () => {
    const owner = await newOwner(platform());
    const bot = await owner.request<{ bot: { documentComments?: boolean } }>('GET', `/v1/bots/${owner.botId}`);
    expect(bot.body.bot.documentComments).toBeUndefined();
    const word = await uploadDocument(platform(), owner, 'returns.docx', POLICY, DOCX);
    const notes = await uploadDocument(platform(), owner, 'notes.md', '# Notes\n\nParcels leave within two days.\n');
    expect(word.status).toBe('ready');
    expect(await indexedText(owner, word.docId)).toContain('within 14 days');
    expect(await indexedText(owner, word.docId)).not.toContain(COMMENT);
    const notesRun = (await documentOf(owner, notes.docId)).indexedRun;
    expect(notesRun).toBeTruthy();

    const on = await setComments(owner, true);
    expect(on.status).toBe(200);
    expect(on.body.bot.documentComments).toBe(true);
    await platform().ingest.idle();
    expect((await documentOf(owner, word.docId)).status).toBe('ready');
    expect(await indexedText(owner, word.docId)).toContain(`[comment 1] ${COMMENT}`);
    expect((await owner.request<{ bot: { documentComments?: boolean } }>('GET', `/v1/bots/${owner.botId}`)).body.bot.documentComments).toBe(true);
    expect((await documentOf(owner, notes.docId)).indexedRun).toBe(notesRun);

    const wordRun = (await documentOf(owner, word.docId)).indexedRun;
    // Saving the same value again reads nothing again.
    expect((await setComments(owner, true)).status).toBe(200);
    await platform().ingest.idle();
    expect((await documentOf(owner, word.docId)).indexedRun).toBe(wordRun);

    expect((await setComments(owner, false)).body.bot.documentComments).toBe(false);
    await platform().ingest.idle();
    expect(await indexedText(owner, word.docId)).not.toContain(COMMENT);
    expect((await documentOf(owner, word.docId)).indexedRun).not.toBe(wordRun);

    const audit = await owner.request<{ entries: Array<{ action: string; outcome: string; target?: string }> }>('GET', '/v1/audit?action=bot.update');
    expect(audit.body.entries.filter((e) => e.target === owner.botId && e.outcome === 'ok')).toHaveLength(3);
  });

  it('is read on upload when the setting is on at creation', async () => {
    const owner = await newOwner(platform());
    const created = await owner.request<{ bot: { botId: string; documentComments?: boolean } }>('POST', '/v1/bots', { name: 'Reviewed', documentComments: true });
    expect(created.status).toBe(201);
    expect(created.body.bot.documentComments).toBe(true);
    const reviewed = { ...owner, botId: created.body.bot.botId };
    const word = await uploadDocument(platform(), reviewed, 'returns.docx', POLICY, DOCX);
    expect(await indexedText(reviewed, word.docId)).toContain(COMMENT);
  });

  it('refuses a value that is not true or false', async () => {
    const owner = await newOwner(platform());
    expect((await setComments(owner, 'yes')).status).toBe(400);
    expect((await setComments(owner, null)).status).toBe(400);
  });
});
