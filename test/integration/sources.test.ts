import { describe, expect, it } from 'vitest';
import { MAX_QA_PAIRS } from '../../lambdas/core/limits.ts';
import { ask, newOwner, usePlatform, type Owner } from './fixtures/platform.ts';

describe('sources typed in the panel', () => {
  const platform = usePlatform();
  const addSource = async (owner: Owner, body: unknown) => {
    const res = await owner.request<{ document: { docId: string; source: string; status: string } }>('POST', `/v1/bots/${owner.botId}/sources`, body);
    await platform().ingest.idle();
    return res;
  };
  const statusOf = async (owner: Owner, docId: string) =>
    (await owner.request<{ document: { status: string; chunkCount: number; name: string } }>('GET', `/v1/bots/${owner.botId}/documents/${docId}`)).body.document;

  it('indexes pasted text, which then answers questions', async () => {
    const owner = await newOwner(platform());
    const res = await addSource(owner, { kind: 'text', title: 'Opening hours', text: 'The café opens at eight and closes at four on Sundays.' });
    expect(res.status).toBe(201);
    expect(res.body.document.source).toBe('text');
    expect(await statusOf(owner, res.body.document.docId)).toMatchObject({ status: 'ready', chunkCount: 1, name: 'Opening hours.txt' });
    expect((await ask(platform(), owner.publicId, 'When does the café close on Sundays?')).answer).toContain('closes at four on Sundays');
  });

  it('indexes question-and-answer pairs, one passage per pair', async () => {
    const owner = await newOwner(platform());
    const res = await addSource(owner, { kind: 'qa', title: 'FAQ', pairs: [
      { question: 'Do you deliver abroad?', answer: 'Yes, to every EU country.' },
      { question: 'Can I pay by invoice?', answer: 'Invoices are for business customers only.' },
    ] });
    expect(await statusOf(owner, res.body.document.docId)).toMatchObject({ status: 'ready', chunkCount: 2 });
    const reply = await ask(platform(), owner.publicId, 'Can I pay by invoice?');
    expect(reply.sources[0]).toMatchObject({ section: 'Can I pay by invoice?' });
    expect(reply.answer).toContain('business customers only');
  });

  it('shows visitors the owner’s title or label as the source, never the file name Parley made of it', async () => {
    const owner = await newOwner(platform());
    await addSource(owner, { kind: 'text', title: 'Opening hours', text: 'The café opens at eight and closes at four on Sundays.' });
    const improved = await addSource(owner, {
      kind: 'qa', title: 'Improved answer: Do you sell bikes for children?', label: 'Do you sell bikes for children?',
      pairs: [{ question: 'Do you sell bikes for children?', answer: 'Yes, we sell bikes for children: the Kids 20 and Kids 24, from six years.' }],
    });
    // The panel lists the title as the owner gave it, and the label visitors see.
    expect(await statusOf(owner, improved.body.document.docId)).toMatchObject({
      name: 'Improved answer: Do you sell bikes for children?.md', label: 'Do you sell bikes for children?',
    });
    const kids = await ask(platform(), owner.publicId, 'Do you sell bikes for children?');
    expect(kids.answer).toContain('Kids 20 and Kids 24');
    expect(kids.sources[0]).toMatchObject({ document: 'Do you sell bikes for children?', section: 'Do you sell bikes for children?' });
    const hours = await ask(platform(), owner.publicId, 'When does the café close on Sundays?');
    expect(hours.sources[0]).toMatchObject({ document: 'Opening hours' });
    for (const reply of [kids, hours]) expect(reply.text).not.toMatch(/Improved answer|\.md"|\.txt"/);
  });

  it('refuses empty, oversized or malformed sources, and another account’s bot', async () => {
    const owner = await newOwner(platform());
    const other = await newOwner(platform());
    const bad: unknown[] = [
      { kind: 'text', title: 'x', text: '' },
      { kind: 'text', title: '', text: 'hello' },
      { kind: 'qa', title: 'x', pairs: [] },
      { kind: 'qa', title: 'x', pairs: Array.from({ length: MAX_QA_PAIRS + 1 }, () => ({ question: 'q', answer: 'a' })) },
      { kind: 'website', title: 'x', url: 'https://example.com' },
      { kind: 'text', title: 'x', text: 'ok', extra: true },
      { kind: 'text', title: 'x', label: ' ', text: 'ok' },
      { kind: 'qa', title: 'x', label: 'x'.repeat(201), pairs: [{ question: 'q', answer: 'a' }] },
    ];
    for (const body of bad) expect((await owner.request('POST', `/v1/bots/${owner.botId}/sources`, body)).status).toBe(400);
    const foreign = await other.request('POST', `/v1/bots/${owner.botId}/sources`, { kind: 'text', title: 'x', text: 'taken over' });
    expect(foreign.status).toBe(404);
    expect((await owner.request<{ documents: unknown[] }>('GET', `/v1/bots/${owner.botId}/documents`)).body.documents).toEqual([]);
  });
});
