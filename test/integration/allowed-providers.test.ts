// The operator's allowed providers (PARLEY_ALLOWED_PROVIDERS=anthropic here): a
// provider outside the list is refused wherever an owner configures it (model, key,
// embeddings), and a bot configured for it earlier gets the clear error when a
// visitor asks and when a document is indexed, with nothing sent to the provider.
import { describe, expect, it } from 'vitest';
import type { Bot } from '../../lambdas/core/records.ts';
import { tenantForSystem } from '../../lambdas/core/tenancy.ts';
import { ask, newOwner, uploadDocument, useFakeProvider, usePlatform, type Owner } from './fixtures/platform.ts';

const OWNER_OPENAI_KEY = 'sk-proj-owner-allowed-aaaaaaaaaaaa1111';
const OWNER_ANTHROPIC_KEY = 'sk-ant-api03-owner-allowed-bbbbbbbb2222';
const PLATFORM_OPENAI_KEY = 'sk-proj-platform-allowed-cccccccc3333';
const NOT_OFFERED = 'This Parley deployment does not offer OpenAI: its operator allows only Anthropic.';

interface ErrorBody { error: { code: string; message: string; field?: string; reason?: string } }
interface Flow { answers: { recipient: string; refused?: string }; embeddings: { recipient: string; refused?: string; summary: string } }

describe('the operator’s allowed providers', () => {
  const fake = useFakeProvider();
  const platform = usePlatform({ env: () => ({ ...fake.env(), PARLEY_ALLOWED_PROVIDERS: 'anthropic', PARLEY_PLATFORM_OPENAI_KEY: PLATFORM_OPENAI_KEY, PARLEY_DEFAULT_CONVERSATION_RETENTION_DAYS: '14' }) });

  const openAiRequests = () => fake.provider().requests.filter((r) => r.provider === 'openai');
  const configureBehindTheList = async (owner: Owner, change: Partial<Bot>) => {
    const tenant = tenantForSystem(owner.accountId);
    const bot = await platform().deps.bots.get(tenant, owner.botId);
    await platform().deps.bots.update(tenant, { ...bot!, ...change });
  };

  it("gives new accounts the operator's conversation retention", async () => {
    const owner = await newOwner(platform());
    const account = await owner.request<{ account: { retentionDays: number } }>('GET', '/v1/account');
    expect(account.body.account.retentionDays).toBe(14);
  });

  it('lists no Amazon Bedrock model where the operator approved none', async () => {
    const owner = await newOwner(platform());
    const res = await owner.request('GET', '/v1/bedrock/models');
    expect(res).toMatchObject({ status: 200, body: { chat: [], embedding: [] } });
  });

  it('refuses a model of a provider not on the list, and accepts one on it', async () => {
    const owner = await newOwner(platform());
    for (const provider of ['openai', 'openai-compatible']) {
      const res = await owner.request<ErrorBody>('PATCH', `/v1/bots/${owner.botId}`, { model: { provider, model: 'some-model' } });
      expect(res.status, provider).toBe(400);
      expect(res.body.error, provider).toMatchObject({ code: 'invalid_request', field: 'model', reason: 'provider_not_allowed' });
    }
    const openai = await owner.request<ErrorBody>('POST', '/v1/bots', { name: 'Second', model: { provider: 'openai', model: 'gpt-4.1-mini' } });
    expect(openai.status).toBe(400);
    expect(openai.body.error.message).toBe(NOT_OFFERED);
    expect((await owner.request('PATCH', `/v1/bots/${owner.botId}`, { model: { provider: 'anthropic', model: 'claude-sonnet-4-5' } })).status).toBe(200);
  });

  it('refuses keys of providers not on the list without checking them with the provider', async () => {
    const owner = await newOwner(platform());
    const put = await owner.request<ErrorBody>('PUT', '/v1/keys/openai', { apiKey: OWNER_OPENAI_KEY });
    expect(put.status).toBe(400);
    expect(put.body.error).toMatchObject({ code: 'invalid_request', field: 'provider', reason: 'provider_not_allowed', message: NOT_OFFERED });
    const compat = await owner.request<ErrorBody>('PUT', '/v1/keys/openai-compatible', { apiKey: OWNER_OPENAI_KEY, baseUrl: fake.provider().openaiBaseUrl });
    expect(compat.status).toBe(400);
    expect(compat.body.error.message).toBe('This Parley deployment does not offer your own OpenAI-compatible endpoint: its operator allows only Anthropic.');
    expect(fake.provider().requests.filter((r) => r.apiKey === OWNER_OPENAI_KEY)).toEqual([]);
    expect((await owner.request('PUT', '/v1/keys/anthropic', { apiKey: OWNER_ANTHROPIC_KEY })).status).toBe(200);
  });

  it('refuses OpenAI embeddings, though the platform has an OpenAI key', async () => {
    const owner = await newOwner(platform());
    const res = await owner.request<ErrorBody>('PATCH', `/v1/bots/${owner.botId}`, { embedding: { provider: 'openai', dimensions: 256 } });
    expect(res.status).toBe(400);
    expect(res.body.error).toMatchObject({ field: 'embedding', reason: 'provider_not_allowed', message: NOT_OFFERED });
  });

  it('answers a bot configured for OpenAI earlier with the clear error, calling nobody', async () => {
    const owner = await newOwner(platform());
    await uploadDocument(platform(), owner, 'hours.md', '# Opening hours\n\nThe shop opens at nine and closes at six, Monday to Saturday.\n');
    await configureBehindTheList(owner, { model: { provider: 'openai', model: 'gpt-4.1-mini' } });
    fake.provider().reset();
    const reply = await ask(platform(), owner.publicId, 'When does the shop open?');
    expect(reply.status).toBe(409);
    expect(JSON.parse(reply.text)).toEqual({
      error: { code: 'conflict', reason: 'provider_not_allowed', message: `This assistant cannot answer: its owner chose a model provider this Parley deployment does not allow. ${NOT_OFFERED}` },
    });
    expect(openAiRequests()).toEqual([]);
    const flow = (await owner.request<{ dataFlow: Flow }>('GET', `/v1/bots/${owner.botId}/data-flow`)).body.dataFlow;
    expect(flow.answers).toMatchObject({ recipient: 'Parley only', refused: NOT_OFFERED });
  });

  it('fails a document of a bot embedding with OpenAI earlier with the reason, and keeps questions at home', async () => {
    const owner = await newOwner(platform());
    await configureBehindTheList(owner, { embedding: { provider: 'openai', dimensions: 256 } });
    fake.provider().reset();
    const doc = await uploadDocument(platform(), owner, 'hours.md', '# Opening hours\n\nThe shop opens at nine and closes at six.\n');
    expect(doc).toMatchObject({ status: 'failed', error: NOT_OFFERED });
    await ask(platform(), owner.publicId, 'When does the shop open?');
    expect(openAiRequests()).toEqual([]);
    const flow = (await owner.request<{ dataFlow: Flow }>('GET', `/v1/bots/${owner.botId}/data-flow`)).body.dataFlow;
    expect(flow.embeddings).toMatchObject({ recipient: 'Parley only', refused: NOT_OFFERED });
    expect(flow.embeddings.summary).toContain('switch to the local embedder');
  });
});
