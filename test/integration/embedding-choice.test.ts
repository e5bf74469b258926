// A bot's embedding setting: OpenAI embeddings with the owner's key (through the
// real SDK, against the fake provider), recorded on every document, questions
// embedded the same way, and a change of setting re-embeds the bot.
import { describe, expect, it } from 'vitest';
import { tenantForSystem } from '../../lambdas/core/tenancy.ts';
import { ask, newOwner, uploadDocument, usePlatform, useFakeProvider } from './fixtures/platform.ts';

const OWNER_KEY = 'sk-owner-embeddings-0000000000000000';
const DOC = '# Delivery\n\nParcels leave our warehouse within two working days and arrive by courier.\n';

interface Doc { docId: string; status: string; error?: string; embeddedWith?: string }

describe('a bot embedded with OpenAI', () => {
  const { provider, env } = useFakeProvider();
  const platform = usePlatform({ env });

  const embeddingRequests = () => provider().requests.filter((r) => r.endpoint === 'openai.embeddings');

  it('needs a key it may use before the setting is accepted', async () => {
    const owner = await newOwner(platform());
    const res = await owner.request<{ error: { message: string } }>('PATCH', `/v1/bots/${owner.botId}`, { embedding: { provider: 'openai', dimensions: 256 } });
    expect(res.status).toBe(400);
    expect(res.body.error.message).toMatch(/no OpenAI key/);
    expect((await owner.request('PATCH', `/v1/bots/${owner.botId}`, { embedding: { provider: 'openai', dimensions: 300 } })).status).toBe(400);
    expect((await owner.request('PATCH', `/v1/bots/${owner.botId}`, { embedding: { provider: 'cohere' } })).status).toBe(400);
  });

  it('re-embeds every document with the owner key when the setting changes, and answers with it', async () => {
    const owner = await newOwner(platform());
    const doc = await uploadDocument(platform(), owner, 'delivery.md', DOC);
    expect((doc as Doc).embeddedWith).toBe('parley-hashed-lexical-v1@512');
    expect((await owner.request('PUT', '/v1/keys/openai', { apiKey: OWNER_KEY })).status).toBe(200);

    provider().reset();
    const patch = await owner.request<{ bot: { embedding: unknown } }>('PATCH', `/v1/bots/${owner.botId}`, { embedding: { provider: 'openai', dimensions: 256 } });
    expect(patch.status).toBe(200);
    expect(patch.body.bot.embedding).toEqual({ provider: 'openai', dimensions: 256 });
    await platform().ingest.idle();

    const after = (await owner.request<{ document: Doc }>('GET', `/v1/bots/${owner.botId}/documents/${doc.docId}`)).body.document;
    expect(after).toMatchObject({ status: 'ready', embeddedWith: 'text-embedding-3-small@256' });
    expect(embeddingRequests()).toHaveLength(1);
    expect(embeddingRequests()[0]).toMatchObject({ apiKey: OWNER_KEY, body: { model: 'text-embedding-3-small', dimensions: 256 } });
    const chunks = await platform().deps.chunks.listForBot(tenantForSystem(owner.accountId), owner.botId);
    expect(chunks.every((c) => c.vector.length === 256)).toBe(true);

    const reply = await ask(platform(), owner.publicId, 'How many working days until parcels leave our warehouse?');
    expect(reply.sources[0]).toMatchObject({ docId: doc.docId });
    expect(embeddingRequests()).toHaveLength(2);
    expect(embeddingRequests()[1]).toMatchObject({ body: { input: ['How many working days until parcels leave our warehouse?'] } });

    // Back to the local embedder: re-embedded again, no more provider calls for questions.
    expect((await owner.request('PATCH', `/v1/bots/${owner.botId}`, { embedding: { provider: 'local' } })).status).toBe(200);
    await platform().ingest.idle();
    const local = (await owner.request<{ document: Doc }>('GET', `/v1/bots/${owner.botId}/documents/${doc.docId}`)).body.document;
    expect(local.embeddedWith).toBe('parley-hashed-lexical-v1@512');
    await ask(platform(), owner.publicId, 'How many working days until parcels leave our warehouse?');
    expect(embeddingRequests()).toHaveLength(2);
  });

  it('fails a document with a reason, and flags the key, when the provider refuses the key', async () => {
    const owner = await newOwner(platform());
    const key = `${OWNER_KEY}-revoked`;
    expect((await owner.request('PUT', '/v1/keys/openai', { apiKey: key })).status).toBe(200);
    expect((await owner.request('PATCH', `/v1/bots/${owner.botId}`, { embedding: { provider: 'openai', dimensions: 512 } })).status).toBe(200);
    provider().invalidKeys.add(key);
    try {
      const doc = await uploadDocument(platform(), owner, 'delivery.md', DOC);
      expect(doc.status).toBe('failed');
      expect(doc.error).toMatch(/OpenAI refused the key \(401\)\. Check the key on the Keys page/);
      expect(doc.error).not.toContain(key);
      const keys = await owner.request<{ keys: Array<{ status: string }> }>('GET', '/v1/keys');
      expect(keys.body.keys[0]?.status).toBe('failing');
    } finally {
      provider().invalidKeys.delete(key);
    }
  });
});
