import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { createDocumentClient } from '../../lambdas/adapters/dynamo/client.ts';
import { ContentKeyUnavailable } from '../../lambdas/core/errors.ts';
import { tenantForSystem } from '../../lambdas/core/tenancy.ts';
import { ask, newOwner, segmentObjects, uploadDocument, usePlatform } from './fixtures/platform.ts';

const SECRET_PHRASE = 'the vault combination is seven eleven';
const DOC = `# Internal\n\nRemember that ${SECRET_PHRASE}, and never tell anyone.\n`;

describe('tenant content at rest', () => {
  const platform = usePlatform();
  const rawItems = async (pk: string) => {
    const db = createDocumentClient({ region: 'eu-west-1', endpoint: platform().dynamodbUrl });
    const out = await db.send(new QueryCommand({ TableName: platform().table, KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': pk } }));
    db.destroy();
    return out.Items ?? [];
  };

  /** The sealed blob of a chunk or an index segment part; the index pointer and heads hold only ids and counts. */
  const sealedOf = (item: Record<string, unknown>) => (item.sk === 'INDEX' || String(item.sk).startsWith('GEN#') ? undefined : (item.sealed ?? item.data) as Uint8Array);

  it('stores chunk text, vectors and index segments only sealed under the account key', async () => {
    const owner = await newOwner(platform());
    await uploadDocument(platform(), owner, 'internal.md', DOC);
    const items = await rawItems(`A#${owner.accountId}#B#${owner.botId}`);
    expect([...new Set(items.map((i) => String(i.sk).split('#')[0]))].sort()).toEqual(['CHUNK', 'GEN', 'INDEX']);
    // The index segment is one object in S3, sealed too.
    const objects = await segmentObjects(platform(), owner);
    expect(objects.size).toBe(1);
    for (const bytes of objects.values()) expect(Buffer.from(bytes).toString('latin1')).not.toContain('vault');
    for (const item of items) {
      expect(item).not.toHaveProperty('text');
      expect(item).not.toHaveProperty('vector');
      const sealed = sealedOf(item);
      if (sealed) expect(Buffer.from(sealed).toString('latin1')).not.toContain('vault combination');
      expect(JSON.stringify(item)).not.toContain('vault');
    }
    // …and still answers from it.
    expect((await ask(platform(), owner.publicId, 'What is the vault combination?')).answer).toContain(SECRET_PHRASE);
  });

  it('cannot open a sealed value under another account or for another purpose', async () => {
    const alice = await newOwner(platform());
    const bob = await newOwner(platform());
    const { cipher } = platform().deps;
    const sealed = await cipher.seal(tenantForSystem(alice.accountId), 'chunk', new TextEncoder().encode('hello'));
    expect(new TextDecoder().decode(await cipher.open(tenantForSystem(alice.accountId), 'chunk', sealed))).toBe('hello');
    await cipher.seal(tenantForSystem(bob.accountId), 'chunk', new Uint8Array([1]));
    await expect(cipher.open(tenantForSystem(bob.accountId), 'chunk', sealed)).rejects.toThrow(ContentKeyUnavailable);
    await expect(cipher.open(tenantForSystem(alice.accountId), 'conversation', sealed)).rejects.toThrow(ContentKeyUnavailable);
    const tampered = Uint8Array.from(sealed);
    tampered[20] = tampered[20]! ^ 1;
    await expect(cipher.open(tenantForSystem(alice.accountId), 'chunk', tampered)).rejects.toThrow(ContentKeyUnavailable);
  });

  it('makes every copy unreadable once the account key is destroyed, backups included', async () => {
    const owner = await newOwner(platform());
    await uploadDocument(platform(), owner, 'internal.md', DOC);
    const tenant = tenantForSystem(owner.accountId);
    // A "backup": the raw items as they are now.
    const backup = await rawItems(`A#${owner.accountId}#B#${owner.botId}`);
    const sealedItems = backup.filter((i) => sealedOf(i));
    // The segment is stored as one object of sections (meta, sign bits, codes, one term bucket), each sealed on its own.
    const [ref] = (await platform().deps.index.getHead(tenant, owner.botId)).segments;
    const sections = ['codes', 'meta', 'signs', 'terms-0'];
    expect([...(await segmentObjects(platform(), owner)).keys()]).toEqual([ref!.id]);
    expect(sealedItems.length).toBe((await platform().deps.chunks.listForBot(tenant, owner.botId)).length);
    expect((await platform().deps.index.getSections(tenant, owner.botId, ref!, sections)).size).toBe(sections.length);

    await platform().deps.cipher.destroyAccountKey(tenant);

    for (const item of sealedItems.filter((i) => !String(i.sk).startsWith('SEG#'))) {
      await expect(platform().deps.cipher.open(tenant, 'chunk', sealedOf(item)!)).rejects.toThrow(ContentKeyUnavailable);
    }
    for (const name of sections) await expect(platform().deps.index.getSections(tenant, owner.botId, ref!, [name])).rejects.toThrow(ContentKeyUnavailable);
    await expect(platform().deps.chunks.listForBot(tenant, owner.botId)).rejects.toThrow(ContentKeyUnavailable);
    // The wrapped key is gone from the keys table itself.
    const db = createDocumentClient({ region: 'eu-west-1', endpoint: platform().dynamodbUrl });
    const keyItems = await db.send(new QueryCommand({ TableName: platform().keysTable, KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': `A#${owner.accountId}` } }));
    expect(keyItems.Items).toEqual([]);
    db.destroy();
  });

  it('binds an owner provider key to its account and provider', async () => {
    const alice = await newOwner(platform());
    const bob = await newOwner(platform());
    const { secrets } = platform().deps;
    const sealed = await secrets.sealProviderKey(tenantForSystem(alice.accountId), 'openai', 'sk-test-alice-0123456789');
    expect(Buffer.from(sealed).toString('latin1')).not.toContain('sk-test-alice');
    expect(await secrets.openProviderKey(tenantForSystem(alice.accountId), 'openai', sealed)).toBe('sk-test-alice-0123456789');
    await expect(secrets.openProviderKey(tenantForSystem(bob.accountId), 'openai', sealed)).rejects.toThrow('encryption context mismatch');
    await expect(secrets.openProviderKey(tenantForSystem(alice.accountId), 'anthropic', sealed)).rejects.toThrow('encryption context mismatch');
  });
});
