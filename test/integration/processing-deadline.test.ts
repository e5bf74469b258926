// The processing deadline: a document whose work was lost, or whose failure could
// not be written, does not stay "processing": past PROCESSING_DEADLINE_MINUTES the
// next look at it marks it failed with a reason the owner can act on.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { INGEST_MAX_RECEIVE_COUNT, PROCESSING_DEADLINE_MINUTES } from '../../lambdas/core/limits.ts';
import { PROCESSING_STOPPED } from '../../lambdas/core/processing-deadline.ts';
import { tenantForSystem } from '../../lambdas/core/tenancy.ts';
import { captureLoggedErrors } from './fixtures/expected-errors.ts';
import { newOwner, uploadDocument, usePlatform, type Owner } from './fixtures/platform.ts';

interface Doc { docId: string; status: string; error?: string; chunkCount: number; processingSince?: string }

describe('a document whose processing was lost', () => {
  const platform = usePlatform();
  afterEach(() => {
    vi.restoreAllMocks();
  });

  const documentOf = async (owner: Owner, docId: string) =>
    owner.request<{ document: Doc }>('GET', `/v1/bots/${owner.botId}/documents/${docId}`);
  /** The platform's clock, this many minutes after the document's processing began. */
  const moveClock = (doc: Doc, minutes: number) =>
    vi.spyOn(platform().deps.clock, 'now').mockReturnValue(new Date(Date.parse(doc.processingSince!) + minutes * 60_000));

  it('is marked failed at its deadline when its failure could not be recorded', async () => {
    const owner = await newOwner(platform());
    const { deps } = platform();
    // The embedding service is down, and on the last delivery so is the database the
    // failure would be written to (as when DynamoDB Local is stopped mid-ingest).
    const embed = vi.spyOn(deps.embedders.local, 'embed').mockRejectedValue(new Error('embedding service down'));
    const errors = captureLoggedErrors();
    const get = deps.documents.get.bind(deps.documents);
    const down = vi.spyOn(deps.documents, 'get').mockImplementation(async (...args) => {
      if (embed.mock.calls.length >= INGEST_MAX_RECEIVE_COUNT) throw Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:8000'), { code: 'ECONNREFUSED' });
      return get(...args);
    });
    // uploadDocument's own look at the document fails too (the database is still down).
    await uploadDocument(platform(), owner, 'faq.md', '# FAQ\n\nSome text.\n');
    down.mockRestore();
    errors.stop();
    expect(embed).toHaveBeenCalledTimes(INGEST_MAX_RECEIVE_COUNT);
    // Logged (captured here, not printed): each failed delivery, the failure that could not be
    // written, and the upload's own look at the document while the database was down.
    expect(errors.logged.filter((e) => e.message === 'ingest failed')).toEqual(Array.from({ length: INGEST_MAX_RECEIVE_COUNT }, () => ({ message: 'ingest failed', error: 'embedding service down' })));
    expect(errors.logged.filter((e) => e.message !== 'ingest failed')).toEqual([
      { message: 'could not mark failed', error: 'connect ECONNREFUSED 127.0.0.1:8000' },
      { message: 'unhandled error', error: 'connect ECONNREFUSED 127.0.0.1:8000' },
    ]);
    expect(platform().ingest.deadLetters.length).toBeGreaterThan(0);

    const [listed] = (await owner.request<{ documents: Doc[] }>('GET', `/v1/bots/${owner.botId}/documents`)).body.documents;
    expect(listed).toMatchObject({ status: 'processing' });

    // A minute before the deadline it may still finish; at the deadline it has failed.
    moveClock(listed!, PROCESSING_DEADLINE_MINUTES - 1);
    expect((await documentOf(owner, listed!.docId)).body.document.status).toBe('processing');
    const clock = moveClock(listed!, PROCESSING_DEADLINE_MINUTES);
    const res = await documentOf(owner, listed!.docId);
    expect(res.body.document).toMatchObject({ status: 'failed', error: PROCESSING_STOPPED, chunkCount: 0 });
    expect(res.body.document.processingSince).toBeUndefined();
    clock.mockRestore();

    // Stored, not only shown: the list says so too, and processing it again starts afresh.
    const [again] = (await owner.request<{ documents: Doc[] }>('GET', `/v1/bots/${owner.botId}/documents`)).body.documents;
    expect(again).toMatchObject({ status: 'failed', error: PROCESSING_STOPPED });
    embed.mockRestore();
    expect((await owner.request('POST', `/v1/bots/${owner.botId}/documents/${listed!.docId}/reingest`)).status).toBe(202);
    await platform().ingest.idle();
    expect((await documentOf(owner, listed!.docId)).body.document).toMatchObject({ status: 'ready' });
  });

  it('lets a document that finished in time keep its state', async () => {
    const owner = await newOwner(platform());
    const doc = await uploadDocument(platform(), owner, 'notes.md', '# Notes\n\nOpening hours are nine to five.\n');
    expect(doc.status).toBe('ready');
    vi.spyOn(platform().deps.clock, 'now').mockReturnValue(new Date(Date.now() + 10 * PROCESSING_DEADLINE_MINUTES * 60_000));
    const after = (await documentOf(owner, doc.docId)).body.document;
    expect(after).toMatchObject({ status: 'ready', chunkCount: doc.chunkCount });
    expect(after).not.toHaveProperty('error');
  });

  it("is another account's: 404, and nothing is marked", async () => {
    const owner = await newOwner(platform());
    const other = await newOwner(platform());
    const doc = await uploadDocument(platform(), owner, 'hours.md', '# Hours\n\nOpen nine to five.\n');
    // Its re-processing was lost: the function was stopped before it wrote anything more.
    const tenant = tenantForSystem(owner.accountId);
    const since = new Date(Date.now() - PROCESSING_DEADLINE_MINUTES * 60_000).toISOString();
    await platform().deps.documents.update(tenant, owner.botId, doc.docId, { status: 'processing', processingSince: since, updatedAt: since });
    expect((await other.request('GET', `/v1/bots/${owner.botId}/documents/${doc.docId}`)).status).toBe(404);
    expect((await other.request('GET', `/v1/bots/${owner.botId}/documents`)).status).toBe(404);
    expect((await platform().deps.documents.get(tenant, owner.botId, doc.docId))?.status).toBe('processing');
    expect((await documentOf(owner, doc.docId)).body.document).toMatchObject({ status: 'failed', error: PROCESSING_STOPPED });
  });
});
