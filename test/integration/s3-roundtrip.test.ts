import { describe, expect, it } from 'vitest';
import { createS3Client } from '../../lambdas/adapters/s3/client.ts';
import { createObjectStore } from '../../lambdas/adapters/s3/object-store.ts';
import { tenantForSystem } from '../../lambdas/core/tenancy.ts';
import { newOwner, usePlatform } from './fixtures/platform.ts';

describe('documents in the local S3', () => {
  const platform = usePlatform();

  it('round-trips every byte value exactly through a presigned upload and the sealed copy', async () => {
    const owner = await newOwner(platform());
    const bytes = new Uint8Array(70_000).map((_, i) => (i * 7) % 256);
    const ticket = await owner.request<{ document: { docId: string; objectName: string }; upload: { url: string; headers: Record<string, string> } }>(
      'POST', `/v1/bots/${owner.botId}/documents`, { name: 'data.txt', contentType: 'text/plain', size: bytes.byteLength },
    );
    const put = await fetch(ticket.body.upload.url, { method: 'PUT', headers: ticket.body.upload.headers, body: bytes });
    expect(put.status).toBe(200);
    await platform().ingest.idle();

    const s3 = createS3Client({ region: 'eu-west-1', endpoint: platform().s3Url });
    const store = createObjectStore(() => s3, platform().bucket);
    const tenant = tenantForSystem(owner.accountId);
    const docDir = `bots/${owner.botId}/docs/${ticket.body.document.docId}/`;
    // Ingestion keeps the file only sealed under the account key; the plaintext upload is gone.
    expect(await store.get(tenant, docDir + ticket.body.document.objectName, 1_000_000)).toBeNull();
    const path = `${docDir}sealed.bin`;
    const sealed = await store.get(tenant, path, 1_000_000);
    expect(Buffer.from(sealed!).includes(Buffer.from(bytes.subarray(0, 64)))).toBe(false);
    expect(await platform().deps.cipher.open(tenant, 'document', sealed!)).toEqual(bytes);
    await expect(store.get(tenant, path, 1_000)).rejects.toThrow('larger than');
    // Another account's prefix holds nothing at that path.
    expect(await store.get(tenantForSystem(owner.botId), path, 1_000_000)).toBeNull();

    await store.deletePrefix(tenant, `bots/${owner.botId}/`);
    expect(await store.get(tenant, path, 1_000_000)).toBeNull();
    s3.destroy();
  });

  it('refuses relative tricks in object paths', async () => {
    const s3 = createS3Client({ region: 'eu-west-1', endpoint: platform().s3Url });
    const store = createObjectStore(() => s3, platform().bucket);
    const tenant = tenantForSystem('01ARZ3NDEKTSV4RRFFQ69G5FAV');
    await expect(store.get(tenant, '../01BX5ZZKBKACTAV9WEVGEMMVRZ/secret', 10)).rejects.toThrow('relative');
    await expect(store.get(tenant, '/abs', 10)).rejects.toThrow('relative');
    s3.destroy();
  });
});
