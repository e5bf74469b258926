// The EU residency profile, enforced: Anthropic and owner endpoints outside the
// operator's declared hosts are refused with the reason when an owner configures
// them (nothing is sent, not even a key check), OpenAI through an endpoint inside
// the profile is accepted, and a bot configured before the profile changed gets the
// clear error at chat time instead of a call. The fake provider's host is on the
// egress allowlist, which is how an operator declares an endpoint inside the EU.
import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { createDocumentClient } from '../../lambdas/adapters/dynamo/client.ts';
import type { Bot } from '../../lambdas/core/records.ts';
import { tenantForSystem } from '../../lambdas/core/tenancy.ts';
import { ask, newOwner, uploadDocument, useFakeProvider, usePlatform, type Owner } from './fixtures/platform.ts';

const OWNER_ANTHROPIC_KEY = 'sk-ant-api03-owner-eu-aaaaaaaaaaaa1111';
const OWNER_OPENAI_KEY = 'sk-proj-owner-eu-bbbbbbbbbbbbbbbb2222';
const OWNER_COMPAT_KEY = 'compat-owner-eu-cccccccccccccc3333';
const PLATFORM_ANTHROPIC_KEY = 'sk-ant-api03-platform-eu-dddddddd4444';
const PLATFORM_OPENAI_KEY = 'sk-proj-platform-eu-eeeeeeeeeeee5555';

interface ErrorBody { error: { code: string; message: string; field?: string; reason?: string } }
interface Flow {
  answers: { recipient: string; keyClass: string; summary: string; refused?: string };
  embeddings: { recipient: string; summary: string; refused?: string };
  residency: { profile: string; region: string; summary: string };
  storage: { region: string; summary: string };
}

describe('the EU residency profile', () => {
  const fake = useFakeProvider();
  const platform = usePlatform({
    env: () => ({ ...fake.env(), PARLEY_RESIDENCY: 'eu', PARLEY_PLATFORM_ANTHROPIC_KEY: PLATFORM_ANTHROPIC_KEY, PARLEY_PLATFORM_OPENAI_KEY: PLATFORM_OPENAI_KEY }),
  });

  const requestsWith = (key: string) => fake.provider().requests.filter((r) => r.apiKey === key);
  const botOf = async (owner: Owner) => (await owner.request<{ bot: Bot }>('GET', `/v1/bots/${owner.botId}`)).body.bot;
  /** What an owner could have saved before the operator turned the profile on. */
  const configureBehindTheProfile = async (owner: Owner, change: Partial<Bot>) => {
    const tenant = tenantForSystem(owner.accountId);
    const bot = await platform().deps.bots.get(tenant, owner.botId);
    await platform().deps.bots.update(tenant, { ...bot!, ...change });
  };

  it('refuses Anthropic as a bot’s model, on create and on change, and says why', async () => {
    const owner = await newOwner(platform());
    const patch = await owner.request<ErrorBody>('PATCH', `/v1/bots/${owner.botId}`, { model: { provider: 'anthropic', model: 'claude-sonnet-4-5' } });
    expect(patch.status).toBe(400);
    expect(patch.body.error).toMatchObject({ code: 'invalid_request', field: 'model', reason: 'outside_residency' });
    expect(patch.body.error.message).toMatch(/^This Parley deployment keeps data in the EU\. Anthropic's API offers no way to keep requests inside the EU/);
    expect((await botOf(owner)).model).toBeUndefined();

    const created = await owner.request<ErrorBody>('POST', '/v1/bots', { name: 'Second', model: { provider: 'anthropic', model: 'claude-sonnet-4-5' } });
    expect(created.status).toBe(400);
    expect(created.body.error.reason).toBe('outside_residency');
    expect((await owner.request<{ bots: unknown[] }>('GET', '/v1/bots')).body.bots).toHaveLength(1);
  });

  it('refuses an Anthropic key before sending it anywhere, and records the refusal', async () => {
    const owner = await newOwner(platform());
    const put = await owner.request<ErrorBody>('PUT', '/v1/keys/anthropic', { apiKey: OWNER_ANTHROPIC_KEY });
    expect(put.status).toBe(400);
    expect(put.body.error).toMatchObject({ code: 'invalid_request', reason: 'outside_residency' });
    expect(put.body.error.message).toContain('Anthropic cannot be used here');
    expect(requestsWith(OWNER_ANTHROPIC_KEY)).toEqual([]);
    expect((await owner.request<{ keys: unknown[] }>('GET', '/v1/keys')).body.keys).toEqual([]);
    const audit = (await owner.request<{ entries: Array<{ action: string; outcome: string; target?: string }> }>('GET', '/v1/audit?action=key')).body.entries;
    expect(audit).toEqual([expect.objectContaining({ action: 'key.add', outcome: 'refused', target: 'anthropic' })]);
  });

  it('accepts OpenAI through an endpoint inside the profile, for answers and embeddings', async () => {
    const owner = await newOwner(platform());
    expect((await owner.request('PUT', '/v1/keys/openai', { apiKey: OWNER_OPENAI_KEY })).status).toBe(200);
    expect((await owner.request('PATCH', `/v1/bots/${owner.botId}`, { model: { provider: 'openai', model: 'gpt-4.1-mini' } })).status).toBe(200);
    expect((await owner.request('PATCH', `/v1/bots/${owner.botId}`, { embedding: { provider: 'openai', dimensions: 256 } })).status).toBe(200);
    const flow = (await owner.request<{ dataFlow: Flow }>('GET', `/v1/bots/${owner.botId}/data-flow`)).body.dataFlow;
    expect(flow.answers).toMatchObject({ recipient: 'OpenAI', keyClass: 'owner' });
    expect(flow.answers.summary).toContain("an endpoint this deployment's operator declared to be inside the EU");
    expect(flow.answers.refused).toBeUndefined();
  });

  it('accepts an owner endpoint only on a host the operator declared inside the profile', async () => {
    const owner = await newOwner(platform());
    const outside = await owner.request<ErrorBody>('PUT', '/v1/keys/openai-compatible', { apiKey: OWNER_COMPAT_KEY, baseUrl: 'https://llm.example.com/v1' });
    expect(outside.status).toBe(400);
    expect(outside.body.error).toMatchObject({ field: 'baseUrl', reason: 'outside_residency' });
    expect(outside.body.error.message).toContain('llm.example.com is not one of the endpoints its operator has declared to be inside the EU');
    expect(requestsWith(OWNER_COMPAT_KEY)).toEqual([]);

    const inside = await owner.request('PUT', '/v1/keys/openai-compatible', { apiKey: OWNER_COMPAT_KEY, baseUrl: fake.provider().openaiBaseUrl });
    expect(inside.status).toBe(200);
    expect((await owner.request('PATCH', `/v1/bots/${owner.botId}`, { model: { provider: 'openai-compatible', model: 'llama-3.1-8b' } })).status).toBe(200);
  });

  it('states the profile and the region in plain words', async () => {
    const owner = await newOwner(platform());
    const flow = (await owner.request<{ dataFlow: Flow }>('GET', `/v1/bots/${owner.botId}/data-flow`)).body.dataFlow;
    expect(flow.residency).toEqual({
      profile: 'eu',
      region: 'eu-west-1',
      summary: 'This deployment keeps data in the EU: everything is stored in the AWS region eu-west-1 (Ireland), and model providers are called only through endpoints inside the EU.',
    });
    // The test platform is the local one: it says where the data really is.
    expect(flow.storage.summary).toContain("stored on this computer, by Parley's local platform");
  });

  it('answers a bot configured for Anthropic before the profile with the clear error, and calls nobody', async () => {
    const owner = await newOwner(platform());
    await uploadDocument(platform(), owner, 'returns.md', '# Returns\n\nYou can return any item within 30 days for a full refund.\n');
    await configureBehindTheProfile(owner, { model: { provider: 'anthropic', model: 'claude-sonnet-4-5' } });
    fake.provider().reset();

    for (let i = 0; i < 3; i++) {
      const reply = await ask(platform(), owner.publicId, 'How long do I have to return an item?');
      expect(reply.status).toBe(409);
      const body = JSON.parse(reply.text) as ErrorBody;
      expect(body.error).toMatchObject({ code: 'conflict', reason: 'outside_residency' });
      expect(body.error.message).toMatch(/^This assistant cannot answer: its owner chose a model provider this Parley deployment does not allow\. This Parley deployment keeps data in the EU\. Anthropic's API/);
    }
    // The platform's Anthropic key exists, and still nothing was sent.
    expect(fake.provider().requests).toEqual([]);

    const flow = (await owner.request<{ dataFlow: Flow }>('GET', `/v1/bots/${owner.botId}/data-flow`)).body.dataFlow;
    expect(flow.answers).toMatchObject({ recipient: 'Parley only', keyClass: 'local' });
    expect(flow.answers.refused).toContain("Anthropic's API offers no way to keep requests inside the EU");
    expect(flow.answers.summary).toContain('visitors get an error until you choose another model');
  });

  it('refuses at chat time an owner endpoint saved before the operator stopped declaring its host', async () => {
    const owner = await newOwner(platform());
    await uploadDocument(platform(), owner, 'returns.md', '# Returns\n\nYou can return any item within 30 days for a full refund.\n');
    const tenant = tenantForSystem(owner.accountId);
    const { deps } = platform();
    const now = new Date().toISOString();
    await deps.keys.put(tenant, { provider: 'openai-compatible', lastFour: '3333', baseUrl: 'https://llm.example.com/v1', addedAt: now, validatedAt: now, status: 'valid' },
      await deps.secrets.sealProviderKey(tenant, 'openai-compatible', OWNER_COMPAT_KEY));
    await configureBehindTheProfile(owner, { model: { provider: 'openai-compatible', model: 'llama-3.1-8b' } });

    const reply = await ask(platform(), owner.publicId, 'How long do I have to return an item?');
    expect(reply.status).toBe(409);
    expect((JSON.parse(reply.text) as ErrorBody).error.message).toContain('llm.example.com is not one of the endpoints its operator has declared to be inside the EU');
    // The refusal came after the budget reservation was made: it was given back whole.
    const db = createDocumentClient({ region: 'eu-west-1', endpoint: platform().dynamodbUrl });
    const budget = await db.send(new QueryCommand({
      TableName: platform().table,
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :b)',
      ExpressionAttributeValues: { ':pk': `A#${owner.accountId}#M`, ':b': `BUDGET#${owner.botId}#` },
    }));
    db.destroy();
    expect(budget.Items?.length).toBeGreaterThan(0);
    expect(budget.Items!.map((i): unknown[] => [i.tokens, i.costMicros])).toEqual(budget.Items!.map(() => [0, 0]));
    // Choosing it again is refused too, with the endpoint named.
    const patch = await owner.request<ErrorBody>('PATCH', `/v1/bots/${owner.botId}`, { model: { provider: 'openai-compatible', model: 'llama-3.1-8b' } });
    expect(patch.status).toBe(400);
    expect(patch.body.error.message).toContain('llm.example.com');
    // And so is re-testing the saved key, without sending it.
    const test = await owner.request<ErrorBody>('POST', '/v1/keys/openai-compatible/test');
    expect(test.status).toBe(400);
    expect(test.body.error.reason).toBe('outside_residency');
    expect(requestsWith(OWNER_COMPAT_KEY)).toEqual([]);
  });
});
