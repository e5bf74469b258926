import { describe, expect, it, vi } from 'vitest';
import { createS3Client } from '../../lambdas/adapters/s3/client.ts';
import { createObjectStore } from '../../lambdas/adapters/s3/object-store.ts';
import { tenantForSystem } from '../../lambdas/core/tenancy.ts';
import { ask, newOwner, uploadDocument, usePlatform } from './fixtures/platform.ts';

const DOC = '# Contact\n\nWrite to help@example.com for anything about your order.\n';

describe('re-ingest and delete, from any state', () => {
  const platform = usePlatform();

  it('re-indexes a document from its sealed copy, applying the account’s current settings', async () => {
    const owner = await newOwner(platform());
    const doc = await uploadDocument(platform(), owner, 'contact.md', DOC);
    expect((await ask(platform(), owner.publicId, 'Where do I write about my order?')).answer).toContain('help@example.com');

    await owner.request('PATCH', '/v1/account', { piiHandling: 'redact' });
    const res = await owner.request<{ document: { status: string } }>('POST', `/v1/bots/${owner.botId}/documents/${doc.docId}/reingest`);
    expect(res.status).toBe(202);
    expect(res.body.document.status).toBe('processing');
    await platform().ingest.idle();

    const after = await owner.request<{ document: { status: string; chunkCount: number } }>('GET', `/v1/bots/${owner.botId}/documents/${doc.docId}`);
    expect(after.body.document).toMatchObject({ status: 'ready', chunkCount: doc.chunkCount });
    const reply = await ask(platform(), owner.publicId, 'Where do I write about my order?');
    expect(reply.text).not.toContain('help@example.com');
    expect(reply.answer).toContain('••••••••••••••••');
  });

  it('refuses a document with no file yet, and another account’s document', async () => {
    const owner = await newOwner(platform());
    const other = await newOwner(platform());
    const ticket = await owner.request<{ document: { docId: string } }>('POST', `/v1/bots/${owner.botId}/documents`, { name: 'a.md', contentType: 'text/markdown', size: 5 });
    expect((await owner.request('POST', `/v1/bots/${owner.botId}/documents/${ticket.body.document.docId}/reingest`)).status).toBe(409);
    const doc = await uploadDocument(platform(), owner, 'contact.md', DOC);
    expect((await other.request('POST', `/v1/bots/${owner.botId}/documents/${doc.docId}/reingest`)).status).toBe(404);
  });

  it('leaves nothing behind when a document is deleted while it is being processed', async () => {
    const owner = await newOwner(platform());
    const embedder = platform().deps.embedders.local;
    const original = embedder.embed.bind(embedder);
    let deleted = 0;
    const spy = vi.spyOn(embedder, 'embed').mockImplementation(async (texts) => {
      if (deleted === 0) {
        deleted++;
        const docs = await owner.request<{ documents: Array<{ docId: string }> }>('GET', `/v1/bots/${owner.botId}/documents`);
        for (const d of docs.body.documents) expect((await owner.request('DELETE', `/v1/bots/${owner.botId}/documents/${d.docId}`)).status).toBe(204);
      }
      return original(texts);
    });
    try {
      const ticket = await owner.request<{ document: { docId: string }; upload: { url: string; headers: Record<string, string> } }>(
        'POST', `/v1/bots/${owner.botId}/documents`, { name: 'contact.md', contentType: 'text/markdown', size: Buffer.byteLength(DOC) },
      );
      await fetch(ticket.body.upload.url, { method: 'PUT', headers: ticket.body.upload.headers, body: DOC });
      await platform().ingest.idle();
      expect(deleted).toBe(1);
      const tenant = tenantForSystem(owner.accountId);
      expect(await platform().deps.documents.get(tenant, owner.botId, ticket.body.document.docId)).toBeNull();
      expect(await platform().deps.chunks.listForBot(tenant, owner.botId)).toEqual([]);
      const s3 = createS3Client({ region: 'eu-west-1', endpoint: platform().s3Url });
      const store = createObjectStore(() => s3, platform().bucket);
      const dir = `bots/${owner.botId}/docs/${ticket.body.document.docId}/`;
      expect(await store.get(tenant, `${dir}sealed.bin`, 1e6)).toBeNull();
      expect(await store.get(tenant, `${dir}contact.md`, 1e6)).toBeNull();
      s3.destroy();
    } finally {
      spy.mockRestore();
    }
  });

  it('switches a re-ingest in all at once: the previous run answering until the new run is complete, then removes it', async () => {
    const owner = await newOwner(platform());
    const doc = await uploadDocument(platform(), owner, 'contact.md', DOC);
    const tenant = tenantForSystem(owner.accountId);
    const before = await platform().deps.chunks.listForBot(tenant, owner.botId);
    const oldRun = before[0]!.run;

    const embedder = platform().deps.embedders.local;
    const original = embedder.embed.bind(embedder);
    let duringReingest: Awaited<ReturnType<typeof ask>> | undefined;
    let asked = false;
    // The re-ingest's first embedding call: its new run is not written yet. Ask then.
    const spy = vi.spyOn(embedder, 'embed').mockImplementation(async (texts) => {
      if (!asked) {
        asked = true;
        duringReingest = await ask(platform(), owner.publicId, 'Where do I write about my order?');
      }
      return original(texts);
    });
    try {
      await owner.request('POST', `/v1/bots/${owner.botId}/documents/${doc.docId}/reingest`);
      await platform().ingest.idle();
    } finally {
      spy.mockRestore();
    }
    expect(duringReingest?.answer).toContain('help@example.com');
    expect(duringReingest?.sources).toHaveLength(1);

    const after = await platform().deps.chunks.listForBot(tenant, owner.botId);
    expect(after).toHaveLength(before.length);
    expect(new Set(after.map((c) => c.run)).size).toBe(1);
    expect(after[0]!.run).not.toBe(oldRun);
    const record = await platform().deps.documents.get(tenant, owner.botId, doc.docId);
    expect(record).toMatchObject({ status: 'ready', indexedRun: after[0]!.run });
  });
});
