import { describe, expect, it } from 'vitest';
import { tenantForSystem } from '../../lambdas/core/tenancy.ts';
import { ask, newOwner, uploadDocument, usePlatform } from './fixtures/platform.ts';

const CONTACTS = `# Support contacts

Our support lead is Anna, reachable at anna.berg@example.com or +44 20 7946 0958.
Refunds are paid to IBAN GB82 WEST 1234 5698 7654 32 within five days.
`;

describe('personal data in documents', () => {
  const platform = usePlatform();

  it('is counted by kind so the owner can be warned, and kept by default', async () => {
    const owner = await newOwner(platform());
    const doc = await uploadDocument(platform(), owner, 'contacts.md', CONTACTS);
    expect(doc).toMatchObject({ status: 'ready', personalData: { email: 1, phone: 1, iban: 1 } });
    expect((await ask(platform(), owner.publicId, 'How do I reach the support lead?')).answer).toContain('anna.berg@example.com');
  });

  it('is masked before embedding and storage when the account asks for redaction', async () => {
    const owner = await newOwner(platform());
    expect((await owner.request('PATCH', '/v1/account', { piiHandling: 'redact' })).status).toBe(200);
    const doc = await uploadDocument(platform(), owner, 'contacts.md', CONTACTS);
    expect(doc).toMatchObject({ status: 'ready', personalData: { email: 1, phone: 1, iban: 1 } });
    const chunks = await platform().deps.chunks.listForBot(tenantForSystem(owner.accountId), owner.botId);
    const stored = chunks.map((c) => c.text).join('\n');
    expect(stored).not.toMatch(/anna\.berg|7946|GB82/);
    expect(stored).toContain('reachable at ••••••••••••••••••••• or ••••••••••••••••');
    const reply = await ask(platform(), owner.publicId, 'How do I reach the support lead?');
    expect(reply.text).not.toMatch(/anna\.berg@example\.com|7946 0958/);
  });

  it('does no work twice when the same message is delivered again', async () => {
    const owner = await newOwner(platform());
    const doc = await uploadDocument(platform(), owner, 'contacts.md', CONTACTS);
    const tenant = tenantForSystem(owner.accountId);
    const before = await platform().deps.chunks.listForBot(tenant, owner.botId);
    const record = await platform().deps.documents.get(tenant, owner.botId, doc.docId);
    platform().ingest.send(platform().bucket, `accounts/${owner.accountId}/bots/${owner.botId}/docs/${doc.docId}/${record!.objectName}`, 10);
    await platform().ingest.idle();
    const after = await platform().deps.documents.get(tenant, owner.botId, doc.docId);
    expect(after).toMatchObject({ status: 'ready', chunkCount: doc.chunkCount, sha256: record!.sha256 });
    expect((await platform().deps.chunks.listForBot(tenant, owner.botId)).map((c) => c.seq)).toEqual(before.map((c) => c.seq));
  });
});
