// Erasing an account leaves nothing: no item under its partitions, no object under
// its prefix, no link from its members, and its content key destroyed, so a copy of
// its items kept from before (a backup, say) can no longer be read.
import { ListObjectsV2Command } from '@aws-sdk/client-s3';
import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { createDocumentClient } from '../../lambdas/adapters/dynamo/client.ts';
import { createS3Client } from '../../lambdas/adapters/s3/client.ts';
import { ContentKeyUnavailable } from '../../lambdas/core/errors.ts';
import { tenantForSystem } from '../../lambdas/core/tenancy.ts';
import { ask, call, newOwner, signIn, uploadDocument, useFakeProvider, usePlatform } from './fixtures/platform.ts';

const DOC = '# Vault\n\nThe vault combination is four eight fifteen sixteen.\n';

describe('erasing an account', () => {
  const fake = useFakeProvider();
  const platform = usePlatform({ env: () => fake.env() });

  const itemsOf = async (table: string, accountId: string) => {
    const db = createDocumentClient({ region: 'eu-west-1', endpoint: platform().dynamodbUrl });
    const items: Array<Record<string, unknown>> = [];
    let start: Record<string, unknown> | undefined;
    do {
      const page = await db.send(new ScanCommand({ TableName: table, ExclusiveStartKey: start }));
      items.push(...(page.Items ?? []).filter((i) => JSON.stringify(i).includes(accountId)));
      start = page.LastEvaluatedKey;
    } while (start);
    db.destroy();
    return items;
  };
  const objectsOf = async (accountId: string) => {
    const s3 = createS3Client({ region: 'eu-west-1', endpoint: platform().s3Url });
    const out = await s3.send(new ListObjectsV2Command({ Bucket: platform().bucket, Prefix: `accounts/${accountId}/` }));
    s3.destroy();
    return out.Contents ?? [];
  };

  it('removes every item, object and link, and destroys the key, so a kept copy no longer opens', async () => {
    const owner = await newOwner(platform());
    await uploadDocument(platform(), owner, 'vault.md', DOC);
    const reply = await ask(platform(), owner.publicId, 'What is the vault combination?');
    expect(reply.answer).toContain('four eight fifteen');
    expect((await owner.request('PUT', '/v1/keys/openai', { apiKey: 'sk-erase-me-000000000000000000000000' })).status).toBe(200);
    await call(platform().apiUrl, 'POST', `/widget/v1/${owner.publicId}/handoff`, { message: 'Call me', email: 'ada@example.com' }, { authorization: `Bearer ${reply.token}` });
    // Notification choices, a webhook (sealed URL and secret) and the e-mails sent about the handoff.
    expect((await owner.request('PUT', '/v1/me/notifications', { email: { 'lead.created': false } })).status).toBe(200);
    expect((await owner.request('PUT', `/v1/bots/${owner.botId}/notifications`, { email: { 'lead.created': false } })).status).toBe(200);
    expect((await owner.request('POST', `/v1/bots/${owner.botId}/webhooks`, { url: 'https://hooks.example.com/in/erase-me', events: ['document.failed'] })).status).toBe(201);
    await platform().notify.idle();

    const before = await itemsOf(platform().table, owner.accountId);
    for (const prefix of ['NOTIFY#M#', 'NOTIFY#B#', 'HOOK#', 'MAIL#']) expect(before.some((i) => String(i.sk).startsWith(prefix))).toBe(true);
    expect(before.length).toBeGreaterThan(10);
    expect(await objectsOf(owner.accountId)).not.toEqual([]);
    const kept = before.find((i) => String(i.sk).startsWith('CHUNK#'));
    expect(kept).toBeDefined();
    // Nobody but a member of the account reaches it, let alone erases it.
    const stranger = await signIn(platform());
    expect((await stranger.request('DELETE', '/v1/account')).status).toBe(403);

    expect((await owner.request('DELETE', '/v1/account')).status).toBe(204);

    const after = await itemsOf(platform().table, owner.accountId);
    expect(after.map((i) => `${String(i.pk)} ${String(i.sk)}`)).toEqual([`ERASED#${owner.accountId} ERASURE`]);
    expect(Object.keys(after[0]!).sort()).toEqual(['erasedAt', 'pk', 'sk']);
    expect(await itemsOf(platform().keysTable, owner.accountId)).toEqual([]);
    expect(await objectsOf(owner.accountId)).toEqual([]);
    await expect(platform().deps.cipher.open(tenantForSystem(owner.accountId), 'chunk', kept!.sealed as Uint8Array)).rejects.toThrow(ContentKeyUnavailable);

    // Nothing answers any more: not the panel, not the widget.
    expect((await owner.request('GET', '/v1/account')).status).toBe(403);
    expect((await call(platform().apiUrl, 'GET', `/widget/v1/${owner.publicId}/config`)).status).toBe(404);
    // The owner may start again with a new, empty account.
    expect((await owner.request('POST', '/v1/account', { name: 'Fresh start' })).status).toBe(201);
  });

  it('locks the account at once: a locked account admits nobody but its erasure', async () => {
    const owner = await newOwner(platform());
    const account = await platform().deps.accounts.get(tenantForSystem(owner.accountId));
    await platform().deps.accounts.update(tenantForSystem(owner.accountId), { ...account!, status: 'locked' });
    expect((await owner.request('GET', `/v1/bots/${owner.botId}`)).status).toBe(403);
    expect((await owner.request('DELETE', '/v1/account')).status).toBe(204);
    expect(await itemsOf(platform().table, owner.accountId)).toHaveLength(1);
  });
});
