import { PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { createDocumentClient } from '../../lambdas/adapters/dynamo/client.ts';
import { chooseKey } from '../../lambdas/core/keys.ts';
import { tenantForSystem } from '../../lambdas/core/tenancy.ts';
import { newOwner, useFakeProvider, usePlatform, type Owner } from './fixtures/platform.ts';

const OPENAI_KEY = 'sk-proj-owner-aaaaaaaaaaaaaaaa1111';
const OPENAI_KEY_2 = 'sk-proj-owner-bbbbbbbbbbbbbbbb2222';
const ANTHROPIC_KEY = 'sk-ant-api03-owner-cccccccccccc3333';
const REVOKED = 'sk-proj-revoked-dddddddddddddd4444';
const PLATFORM_KEY = 'sk-proj-platform-eeeeeeeeeeee5555';

interface KeyView { provider: string; lastFour: string; status: string; failure?: string; rotationDue: boolean; baseUrl?: string }

describe('owner provider keys (bring your own key)', () => {
  const fake = useFakeProvider({ invalidKeys: [REVOKED] });
  const platform = usePlatform({ env: () => ({ ...fake.env(), PARLEY_PLATFORM_OPENAI_KEY: PLATFORM_KEY }) });

  const auditActions = async (owner: Owner) =>
    (await owner.request<{ entries: Array<{ action: string; outcome: string; target?: string; sourceIp?: string }> }>('GET', '/v1/audit?action=key')).body.entries;

  it('validates a key with the provider, stores it sealed and shows only its last four characters', async () => {
    const owner = await newOwner(platform());
    const put = await owner.request<{ key: KeyView }>('PUT', '/v1/keys/openai', { apiKey: OPENAI_KEY });
    expect(put.status).toBe(200);
    expect(put.body.key).toMatchObject({ provider: 'openai', lastFour: '1111', status: 'valid', rotationDue: false });
    expect(put.text).not.toContain(OPENAI_KEY);
    // The provider was asked with exactly that key.
    expect(fake.provider().requests.some((r) => r.apiKey === OPENAI_KEY && r.endpoint === 'openai.models')).toBe(true);

    const list = await owner.request<{ keys: KeyView[] }>('GET', '/v1/keys');
    expect(list.body.keys.map((k) => [k.provider, k.lastFour])).toEqual([['openai', '1111']]);
    expect(list.text).not.toContain('owner-aaaa');

    const db = createDocumentClient({ region: 'eu-west-1', endpoint: platform().dynamodbUrl });
    const raw = await db.send(new QueryCommand({ TableName: platform().table, KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': `A#${owner.accountId}` } }));
    db.destroy();
    expect(Buffer.from(JSON.stringify(raw.Items)).includes('owner-aaaa')).toBe(false);
    expect(raw.Items?.some((i) => Buffer.from(i.sealed as Uint8Array ?? []).toString('latin1').includes('owner-aaaa'))).toBe(false);

    expect(await auditActions(owner)).toEqual([expect.objectContaining({ action: 'key.add', outcome: 'ok', target: 'openai', sourceIp: '127.0.0.1' })]);
  });

  it('refuses a bad key with the provider’s reason in plain words, storing nothing', async () => {
    const owner = await newOwner(platform());
    const put = await owner.request<{ error: { code: string; message: string } }>('PUT', '/v1/keys/openai', { apiKey: REVOKED });
    expect(put.status).toBe(400);
    expect(put.body.error.message).toMatch(/^The provider refused this key: it is not valid, or it was revoked\./);
    expect(put.text).not.toContain('revoked-dddd');
    expect((await owner.request<{ keys: unknown[] }>('GET', '/v1/keys')).body.keys).toEqual([]);
    expect(await auditActions(owner)).toEqual([expect.objectContaining({ action: 'key.add', outcome: 'refused' })]);
  });

  it('refuses malformed keys and unknown providers', async () => {
    const owner = await newOwner(platform());
    expect((await owner.request('PUT', '/v1/keys/openai', { apiKey: 'short' })).status).toBe(400);
    expect((await owner.request('PUT', '/v1/keys/openai', { apiKey: 'has spaces in it' })).status).toBe(400);
    expect((await owner.request('PUT', '/v1/keys/openai', { apiKey: OPENAI_KEY, baseUrl: 'https://x.example' })).status).toBe(400);
    expect((await owner.request('PUT', '/v1/keys/mistral', { apiKey: OPENAI_KEY })).status).toBe(404);
    expect((await owner.request('PUT', '/v1/keys/openai-compatible', { apiKey: OPENAI_KEY })).status).toBe(400);
  });

  it('rotates, re-tests, flags a revoked key, and deletes', async () => {
    const owner = await newOwner(platform());
    await owner.request('PUT', '/v1/keys/anthropic', { apiKey: ANTHROPIC_KEY });
    const tenant = tenantForSystem(owner.accountId);
    const account = (await owner.request<{ account: never }>('GET', '/v1/account')).body.account;
    expect(await chooseKey(platform().deps, tenant, account, 'anthropic')).toMatchObject({ keyClass: 'owner', apiKey: ANTHROPIC_KEY });

    await owner.request('PUT', '/v1/keys/openai', { apiKey: OPENAI_KEY });
    expect(await chooseKey(platform().deps, tenant, account, 'openai')).toMatchObject({ keyClass: 'owner', apiKey: OPENAI_KEY });
    const rotated = await owner.request<{ key: KeyView }>('PUT', '/v1/keys/openai', { apiKey: OPENAI_KEY_2 });
    expect(rotated.body.key.lastFour).toBe('2222');
    // The decrypted old key was wiped from memory: the new one is used at once.
    expect(await chooseKey(platform().deps, tenant, account, 'openai')).toMatchObject({ keyClass: 'owner', apiKey: OPENAI_KEY_2 });

    expect((await owner.request<{ key: KeyView }>('POST', '/v1/keys/openai/test')).body.key.status).toBe('valid');
    fake.provider().invalidKeys.add(OPENAI_KEY_2);
    const failing = await owner.request<{ key: KeyView }>('POST', '/v1/keys/openai/test');
    expect(failing.body.key).toMatchObject({ status: 'failing', failure: expect.stringContaining('refused this key') as string });
    expect((await owner.request<{ keys: KeyView[] }>('GET', '/v1/keys')).body.keys.find((k) => k.provider === 'openai')?.status).toBe('failing');

    expect((await owner.request('DELETE', '/v1/keys/openai')).status).toBe(204);
    expect((await owner.request('DELETE', '/v1/keys/openai')).status).toBe(404);
    expect((await owner.request('POST', '/v1/keys/openai/test')).status).toBe(404);
    expect(await chooseKey(platform().deps, tenant, account, 'openai')).toMatchObject({ keyClass: 'platform', apiKey: PLATFORM_KEY });

    expect((await auditActions(owner)).map((e) => `${e.action}:${e.outcome}`).reverse()).toEqual([
      'key.add:ok', 'key.add:ok', 'key.rotate:ok', 'key.test:ok', 'key.test:failed', 'key.delete:ok',
    ]);
  });

  it('flags keys older than the account’s rotation age', async () => {
    const owner = await newOwner(platform());
    await owner.request('PUT', '/v1/keys/openai', { apiKey: OPENAI_KEY });
    const db = createDocumentClient({ region: 'eu-west-1', endpoint: platform().dynamodbUrl });
    const { sealed } = (await platform().deps.keys.get(tenantForSystem(owner.accountId), 'openai'))!;
    await db.send(new PutCommand({ TableName: platform().table, Item: {
      pk: `A#${owner.accountId}`, sk: 'KEY#openai', provider: 'openai', lastFour: '1111', sealed,
      addedAt: new Date(Date.now() - 100 * 86_400_000).toISOString(), validatedAt: new Date().toISOString(), status: 'valid',
    } }));
    db.destroy();
    expect((await owner.request<{ keys: KeyView[] }>('GET', '/v1/keys')).body.keys[0]?.rotationDue).toBe(true);
    await owner.request('PATCH', '/v1/account', { keyMaxAgeDays: 365 });
    expect((await owner.request<{ keys: KeyView[] }>('GET', '/v1/keys')).body.keys[0]?.rotationDue).toBe(false);
  });

  it('never uses the platform key for a BYOK-only account', async () => {
    const owner = await newOwner(platform());
    const tenant = tenantForSystem(owner.accountId);
    const before = (await owner.request<{ account: never }>('GET', '/v1/account')).body.account;
    expect(await chooseKey(platform().deps, tenant, before, 'openai')).toMatchObject({ keyClass: 'platform' });
    const patched = await owner.request<{ account: { byokOnly: boolean } }>('PATCH', '/v1/account', { byokOnly: true });
    expect(patched.body.account.byokOnly).toBe(true);
    const after = (await owner.request<{ account: never }>('GET', '/v1/account')).body.account;
    expect(await chooseKey(platform().deps, tenant, after, 'openai')).toEqual({ keyClass: 'local' });
    expect(await chooseKey(platform().deps, tenant, after, 'anthropic')).toEqual({ keyClass: 'local' });
    await owner.request('PUT', '/v1/keys/openai', { apiKey: OPENAI_KEY });
    expect(await chooseKey(platform().deps, tenant, after, 'openai')).toMatchObject({ keyClass: 'owner' });
    expect((await owner.request<{ entries: Array<{ action: string }> }>('GET', '/v1/audit?action=account')).body.entries[0]).toMatchObject({ action: 'account.updated' });
  });

  it('accepts an OpenAI-compatible endpoint only where the operator allows it', async () => {
    const owner = await newOwner(platform());
    const ok = await owner.request<{ key: KeyView }>('PUT', '/v1/keys/openai-compatible', { apiKey: OPENAI_KEY, baseUrl: fake.provider().openaiBaseUrl });
    expect(ok.status).toBe(200);
    expect(ok.body.key.baseUrl).toBe(fake.provider().openaiBaseUrl);
    for (const baseUrl of ['http://169.254.169.254/latest', 'http://127.0.0.1:9/v1', 'http://[::ffff:127.0.0.1]/v1', 'http://2130706433/v1', 'ftp://example.com']) {
      const refused = await owner.request<{ error: { message: string } }>('PUT', '/v1/keys/openai-compatible', { apiKey: OPENAI_KEY, baseUrl });
      expect({ baseUrl, status: refused.status }).toEqual({ baseUrl, status: 400 });
      // Locally the refusal goes on to say how to allow a host on this machine (PARLEY_EGRESS_ALLOW_HOSTS).
      if (!baseUrl.startsWith('ftp')) expect(refused.body.error.message).toMatch(/^This address is not allowed: Parley only connects to public internet hosts\. .*PARLEY_EGRESS_ALLOW_HOSTS/);
      expect(refused.text).not.toMatch(/127\.0\.0\.1|169\.254/);
    }
  });

  it('keeps each account’s keys to itself', async () => {
    const alice = await newOwner(platform());
    const bob = await newOwner(platform());
    await alice.request('PUT', '/v1/keys/openai', { apiKey: OPENAI_KEY });
    expect((await bob.request<{ keys: unknown[] }>('GET', '/v1/keys')).body.keys).toEqual([]);
    expect((await bob.request('DELETE', '/v1/keys/openai')).status).toBe(404);
    expect((await bob.request('POST', '/v1/keys/openai/test')).status).toBe(404);
    // Bob's log holds his own actions only (creating his bot), nothing of Alice's keys.
    const bobsLog = (await bob.request<{ entries: Array<{ action: string; target?: string }> }>('GET', '/v1/audit')).body.entries;
    expect(bobsLog.map((e) => `${e.action} ${e.target}`)).toEqual([`bot.create ${bob.botId}`]);
    expect((await alice.request<{ keys: unknown[] }>('GET', '/v1/keys')).body.keys).toHaveLength(1);
  });
});
