// Amazon Bedrock through the local platform, the real SDK against the fake Bedrock:
// a new bot embeds with Titan V2 by default, answers through ConverseStream on an
// approved profile, and the usage page, audit log and data-flow statement say the
// deployment's AWS account paid, with no key anywhere; what was not approved is refused.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeBedrock, TITAN_EMBED_V2, type FakeBedrock } from '../fakes/bedrock-server.ts';
import { TEST_BEDROCK_MODELS } from '../iam/call-log-file.ts';
import type { BedrockCatalogue } from '../../lambdas/core/views.ts';
import { ask, call, joinTeam, newOwner, uploadDocument, usePlatform, type Owner } from './fixtures/platform.ts';

const SONNET_EU = 'eu.anthropic.claude-sonnet-4-5-20250929-v1:0';
const COHERE = 'cohere.embed-multilingual-v3';
const HOURS = '# Hours\n\nThe shop opens at nine in the morning and closes at six.\n';

describe('Amazon Bedrock on the platform', () => {
  let fake: FakeBedrock | undefined;
  beforeAll(async () => {
    fake = await startFakeBedrock();
  });
  afterAll(() => fake?.close());
  const bedrock = () => fake!;
  const platform = usePlatform({ env: () => ({ PARLEY_BEDROCK_MODELS: TEST_BEDROCK_MODELS.join(','), PARLEY_BEDROCK_ENDPOINT: bedrock().url }) });

  const bedrockBot = async (): Promise<Owner> => {
    const owner = await newOwner(platform());
    expect((await owner.request('PATCH', `/v1/bots/${owner.botId}`, { model: { provider: 'bedrock', model: SONNET_EU } })).status).toBe(200);
    return owner;
  };

  it('embeds a new bot\'s documents with Titan V2 by default, and records it', async () => {
    const owner = await newOwner(platform());
    const bot = await owner.request<{ bot: { embedding?: unknown } }>('GET', `/v1/bots/${owner.botId}`);
    expect(bot.body.bot.embedding).toEqual({ provider: 'bedrock', dimensions: 1024 });
    bedrock().reset();

    const doc = await uploadDocument(platform(), owner, 'hours.md', HOURS);

    expect(doc).toMatchObject({ status: 'ready', chunkCount: 1 });
    const invokes = bedrock().requests.filter((r) => r.endpoint === 'invoke');
    expect(invokes.length).toBeGreaterThan(0);
    expect(invokes[0]).toMatchObject({ modelId: TITAN_EMBED_V2, body: { dimensions: 1024, normalize: true } });
    const listed = await owner.request<{ documents: Array<{ embeddedWith?: string }> }>('GET', `/v1/bots/${owner.botId}/documents`);
    expect(listed.body.documents[0]?.embeddedWith).toBe(`${TITAN_EMBED_V2}@1024`);
  });

  it('answers through ConverseStream, and the usage page and audit log say Bedrock paid', async () => {
    const owner = await bedrockBot();
    await uploadDocument(platform(), owner, 'hours.md', HOURS);
    bedrock().reset();
    bedrock().script({ kind: 'reply', text: 'We open at nine in the morning. [1]' });

    const reply = await ask(platform(), owner.publicId, 'When does the shop open?');

    expect(reply.answer).toBe('We open at nine in the morning. [1]');
    expect(reply.done).toMatchObject({ answered: true, keyClass: 'bedrock', usage: { outputTokens: 8 } });
    // The question was embedded as the documents were, then answered on the approved profile.
    expect(bedrock().requests.map((r) => [r.endpoint, r.modelId])).toEqual([['invoke', TITAN_EMBED_V2], ['converse-stream', SONNET_EU]]);
    const usage = await owner.request<{ rows: Array<Record<string, unknown>> }>('GET', '/v1/usage');
    expect(usage.body.rows).toEqual([expect.objectContaining({ botId: owner.botId, keyClass: 'bedrock', messages: 1, outputTokens: 8 })]);
    const audit = await owner.request<{ entries: Array<{ action: string; detail?: Record<string, unknown> }> }>('GET', '/v1/audit?action=chat');
    expect(audit.body.entries.filter((e) => e.action === 'chat.provider_call')).toEqual([
      expect.objectContaining({ detail: expect.objectContaining({ provider: 'bedrock', model: SONNET_EU, keyClass: 'bedrock' }) as unknown }),
    ]);
  });

  it('tells a throttled visitor to try again, as for any provider', async () => {
    const owner = await bedrockBot();
    await uploadDocument(platform(), owner, 'hours.md', HOURS);
    bedrock().script({ kind: 'error', type: 'ThrottlingException' });

    const reply = await ask(platform(), owner.publicId, 'When does the shop open?');

    expect(reply.events.find((e) => e.event === 'error')?.data).toEqual({ code: 'rate_limited', message: expect.stringMatching(/very busy/) as string });
    expect(reply.done).toMatchObject({ answered: false, offerHandoff: true });
    const audit = await owner.request<{ entries: Array<{ action: string; detail?: Record<string, unknown> }> }>('GET', '/v1/audit?action=chat');
    expect(audit.body.entries.filter((e) => e.action === 'chat.provider_error').map((e) => e.detail?.kind)).toEqual(['rate_limited']);
  });

  it('says where the data goes: the deployment\'s AWS account, within the EU', async () => {
    const owner = await bedrockBot();

    const flow = await owner.request<{ dataFlow: { answers: { recipient: string; keyClass: string; summary: string }; embeddings: { keyClass: string; summary: string }; training: string } }>('GET', `/v1/bots/${owner.botId}/data-flow`);

    expect(flow.status).toBe(200);
    expect(flow.body.dataFlow.answers).toMatchObject({ recipient: 'Amazon Bedrock', keyClass: 'bedrock' });
    expect(flow.body.dataFlow.answers.summary).toContain("inside this Parley deployment's own AWS account, within the EU");
    expect(flow.body.dataFlow.answers.summary).toContain(SONNET_EU);
    expect(flow.body.dataFlow.embeddings.keyClass).toBe('bedrock');
    expect(flow.body.dataFlow.embeddings.summary).toContain('Titan Text Embeddings V2');
    expect(flow.body.dataFlow.training).toContain('Amazon Bedrock does not use requests to train models');
  });

  it('lists the approved models with their names and places to any member, a viewer too', async () => {
    const owner = await newOwner(platform());
    const viewer = await joinTeam(platform(), owner, 'viewer');

    const res = await viewer.request<BedrockCatalogue>('GET', '/v1/bedrock/models');

    expect(res.status).toBe(200);
    expect(res.body.chat).toEqual([
      expect.objectContaining({ id: SONNET_EU, name: 'Claude Sonnet 4.5', place: { kind: 'geography', prefix: 'eu', name: 'the EU' }, allowed: true }),
      expect.objectContaining({ id: 'amazon.nova-lite-v1:0', name: 'Amazon Nova Lite', place: { kind: 'region', region: 'eu-west-1' }, where: 'in the AWS region eu-west-1 (Ireland)', allowed: true }),
    ]);
    expect(res.body.embedding).toEqual([
      expect.objectContaining({ id: TITAN_EMBED_V2, name: 'Titan Text Embeddings V2', allowed: true, dimensions: [256, 512, 1024] }),
      expect.objectContaining({ id: COHERE, name: 'Cohere Embed Multilingual v3', allowed: true, dimensions: [1024] }),
    ]);
    expect((await call(platform().apiUrl, 'GET', '/v1/bedrock/models')).status).toBe(401);
  });

  it('re-embeds a bot\'s documents with Cohere Embed v3 when chosen, and embeds its questions as search queries', async () => {
    const owner = await bedrockBot();
    const doc = await uploadDocument(platform(), owner, 'hours.md', HOURS);
    bedrock().reset();

    const patched = await owner.request('PATCH', `/v1/bots/${owner.botId}`, { embedding: { provider: 'bedrock', model: COHERE, dimensions: 1024 } });
    await platform().ingest.idle();

    expect(patched.status).toBe(200);
    const listed = await owner.request<{ documents: Array<{ docId: string; embeddedWith?: string }> }>('GET', `/v1/bots/${owner.botId}/documents`);
    expect(listed.body.documents.find((d) => d.docId === doc.docId)?.embeddedWith).toBe(`${COHERE}@1024`);
    expect(bedrock().requests.filter((r) => r.endpoint === 'invoke').map((r) => [r.modelId, (r.body as { input_type?: string }).input_type])).toEqual([[COHERE, 'search_document']]);
    bedrock().reset();
    bedrock().script({ kind: 'reply', text: 'We open at nine. [1]' });

    const reply = await ask(platform(), owner.publicId, 'When does the shop open?');

    expect(reply.done).toMatchObject({ answered: true });
    expect(bedrock().requests.map((r) => [r.endpoint, r.modelId, (r.body as { input_type?: string }).input_type])).toEqual([['invoke', COHERE, 'search_query'], ['converse-stream', SONNET_EU, undefined]]);
    const flow = await owner.request<{ dataFlow: { embeddings: { summary: string } } }>('GET', `/v1/bots/${owner.botId}/data-flow`);
    expect(flow.body.dataFlow.embeddings.summary).toContain('(Cohere Embed Multilingual v3)');
  });

  it('refuses a Bedrock embedding model the operator did not approve, a size Cohere does not make, and a model named for OpenAI', async () => {
    const owner = await newOwner(platform());

    const english = await owner.request<{ error: { message: string } }>('PATCH', `/v1/bots/${owner.botId}`, { embedding: { provider: 'bedrock', model: 'cohere.embed-english-v3', dimensions: 1024 } });
    const chat = await owner.request<{ error: { message: string } }>('PATCH', `/v1/bots/${owner.botId}`, { embedding: { provider: 'bedrock', model: SONNET_EU, dimensions: 1024 } });
    const size = await owner.request<{ error: { message: string } }>('PATCH', `/v1/bots/${owner.botId}`, { embedding: { provider: 'bedrock', model: COHERE, dimensions: 512 } });

    const onOpenAi = await owner.request<{ error: { message: string } }>('PATCH', `/v1/bots/${owner.botId}`, { embedding: { provider: 'openai', model: COHERE, dimensions: 1024 } });

    expect([english.status, chat.status, size.status, onOpenAi.status]).toEqual([400, 400, 400, 400]);
    expect(english.body.error.message).toContain('approved only');
    expect(size.body.error.message).toContain('embeds at 1024 dimensions, not 512');
  });

  it('refuses a model the operator did not approve, a key for Bedrock, and a size Titan does not make', async () => {
    const owner = await newOwner(platform());

    const model = await owner.request<{ error: { message: string } }>('PATCH', `/v1/bots/${owner.botId}`, { model: { provider: 'bedrock', model: 'meta.llama3-3-70b-instruct-v1:0' } });
    const key = await owner.request<{ error: { message: string } }>('PUT', '/v1/keys/bedrock', { apiKey: 'anything-at-all' });
    const size = await owner.request<{ error: { message: string } }>('PATCH', `/v1/bots/${owner.botId}`, { embedding: { provider: 'bedrock', dimensions: 1536 } });

    expect(model.status).toBe(400);
    expect(model.body.error.message).toContain('approved only');
    expect(key.status).toBe(400);
    expect(key.body.error.message).toContain('takes no key');
    expect(size.status).toBe(400);
    expect(size.body.error.message).toContain('256, 512, 1024');
  });
});
