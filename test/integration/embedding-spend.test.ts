// Embedding spend through the local platform, the real OpenAI and Bedrock SDKs against the
// fakes on loopback: a document's and a question's embedding show on the usage page (tokens
// as the provider counted them, list-price cost, by who paid) and in the export, and count
// toward the bot's cost budget; a document that would start with no budget room left fails
// with a retryable reason naming the budget, and is indexed once processed again with room.
// Another account sees none of it.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeBedrock, TITAN_EMBED_V2, type FakeBedrock } from '../fakes/bedrock-server.ts';
import { TEST_BEDROCK_MODELS } from '../iam/call-log-file.ts';
import { DEFAULT_BOT_BUDGET } from '../../lambdas/core/limits.ts';
import type { UsageRow } from '../../lambdas/core/records.ts';
import { tenantForSystem } from '../../lambdas/core/tenancy.ts';
import { ask, newOwner, uploadDocument, useFakeProvider, usePlatform, type Owner } from './fixtures/platform.ts';

const PLATFORM_KEY = 'sk-platform-embedding-spend-000000000000';
const COHERE = 'cohere.embed-multilingual-v3';
const HOURS = '# Hours\n\nThe shop opens at nine in the morning and closes at six in the evening.\n';
const PARKING = '# Parking\n\nCustomers park for free behind the shop on weekdays.\n';
const QUESTION = 'When does the shop open?';

/** Words: how both fakes count tokens, as a real provider's count would differ from characters / 4. */
const words = (text: string) => text.split(/\s+/).filter(Boolean).length;
/** List price, rounded up per metered call, in micro-dollars. */
const micros = (tokens: number, usdPerMillion: number) => Math.ceil(tokens * usdPerMillion);

interface Usage { rows: UsageRow[]; totals: Omit<UsageRow, 'month' | 'botId' | 'keyClass'> }

describe('embedding spend', () => {
  let bedrock: FakeBedrock | undefined;
  beforeAll(async () => {
    bedrock = await startFakeBedrock();
  });
  afterAll(() => bedrock?.close());
  const fake = useFakeProvider();
  const platform = usePlatform({
    env: () => ({
      ...fake.env(),
      PARLEY_PLATFORM_OPENAI_KEY: PLATFORM_KEY,
      PARLEY_BEDROCK_MODELS: TEST_BEDROCK_MODELS.join(','),
      PARLEY_BEDROCK_ENDPOINT: bedrock!.url,
    }),
  });
  const usage = async (owner: Owner) => (await owner.request<Usage>('GET', '/v1/usage')).body;
  const invokes = () => bedrock!.requests.filter((r) => r.endpoint === 'invoke');

  it('counts OpenAI embedding on the platform key: the document, then the question, by usage.prompt_tokens', async () => {
    const owner = await newOwner(platform());
    expect((await owner.request('PATCH', `/v1/bots/${owner.botId}`, { embedding: { provider: 'openai', dimensions: 512 } })).status).toBe(200);
    fake.provider().reset();

    expect(await uploadDocument(platform(), owner, 'hours.md', HOURS)).toMatchObject({ status: 'ready' });
    const [documentCall] = fake.provider().requests.filter((r) => r.endpoint === 'openai.embeddings');
    const documentTokens = words(((documentCall!.body as { input: string[] }).input).join(' '));
    expect(documentCall!.apiKey).toBe(PLATFORM_KEY);
    expect(documentTokens).toBeGreaterThan(10);

    const afterDocument = await usage(owner);
    expect(afterDocument.rows).toEqual([expect.objectContaining({
      botId: owner.botId, keyClass: 'platform', messages: 0, embeddingTokens: documentTokens, embeddingCostMicros: micros(documentTokens, 0.02),
    })]);

    await ask(platform(), owner.publicId, QUESTION);
    const after = await usage(owner);
    // The local answerer answered (no answer cost); the question was embedded with OpenAI, paid by the platform.
    expect(after.rows).toEqual(expect.arrayContaining([expect.objectContaining({
      keyClass: 'platform', embeddingTokens: documentTokens + words(QUESTION), embeddingCostMicros: micros(documentTokens, 0.02) + micros(words(QUESTION), 0.02),
    })]));
    expect(after.totals).toMatchObject({ embeddingTokens: documentTokens + words(QUESTION) });
  });

  it('counts Titan V2 embedding, paid by the deployment, by Titan\'s inputTextTokenCount, and adds it to the bot\'s cost budgets', async () => {
    const owner = await newOwner(platform());
    bedrock!.reset();

    await uploadDocument(platform(), owner, 'hours.md', HOURS);
    await ask(platform(), owner.publicId, QUESTION);

    const titan = invokes().filter((r) => r.modelId === TITAN_EMBED_V2).map((r) => words((r.body as { inputText: string }).inputText));
    expect(titan).toHaveLength(2);
    const cost = micros(titan[0]!, 0.02) + micros(titan[1]!, 0.02);
    // Beside the row of the local answerer's answer, which embedding does not touch.
    expect((await usage(owner)).rows).toEqual(expect.arrayContaining([
      expect.objectContaining({ botId: owner.botId, keyClass: 'bedrock', messages: 0, embeddingTokens: titan[0]! + titan[1]!, embeddingCostMicros: cost }),
      expect.objectContaining({ botId: owner.botId, keyClass: 'local', messages: 1, embeddingTokens: 0, embeddingCostMicros: 0 }),
    ]));
    // The bot's day and month cost counters hold exactly that spend (its local answerer reserved nothing).
    const tenant = tenantForSystem(owner.accountId);
    expect(await platform().deps.meter.costRoom(tenant, owner.botId, { ...DEFAULT_BOT_BUDGET, dailyCostMicros: cost + 1 })).toBe('ok');
    expect(await platform().deps.meter.costRoom(tenant, owner.botId, { ...DEFAULT_BOT_BUDGET, dailyCostMicros: cost })).toBe('daily');
    expect(await platform().deps.meter.costRoom(tenant, owner.botId, { ...DEFAULT_BOT_BUDGET, monthlyCostMicros: cost })).toBe('monthly');
  });

  it('counts Cohere embedding by the token count Bedrock sends in its header, not an estimate', async () => {
    const owner = await newOwner(platform());
    expect((await owner.request('PATCH', `/v1/bots/${owner.botId}`, { embedding: { provider: 'bedrock', model: COHERE, dimensions: 1024 } })).status).toBe(200);
    bedrock!.reset();

    await uploadDocument(platform(), owner, 'hours.md', HOURS);

    const [call] = invokes().filter((r) => r.modelId === COHERE);
    const texts = (call!.body as { texts: string[] }).texts;
    const counted = texts.reduce((n, t) => n + words(t), 0);
    expect(counted).not.toBe(texts.reduce((n, t) => n + Math.ceil(t.length / 4), 0));
    expect((await usage(owner)).rows).toEqual([expect.objectContaining({ keyClass: 'bedrock', embeddingTokens: counted, embeddingCostMicros: micros(counted, 0.1) })]);
  });

  it('refuses a document once the bot\'s daily cost budget is spent, retryably and naming the budget; processed again with room, it is indexed', async () => {
    const owner = await newOwner(platform());
    expect((await owner.request('PATCH', `/v1/bots/${owner.botId}`, { budget: { ...DEFAULT_BOT_BUDGET, dailyCostMicros: 1 } })).status).toBe(200);
    await uploadDocument(platform(), owner, 'hours.md', HOURS);
    const called = invokes().length;

    const refused = await uploadDocument(platform(), owner, 'parking.md', PARKING);

    expect(refused).toMatchObject({ status: 'failed', retryable: true, chunkCount: 0 });
    expect(refused.error).toMatch(/used its daily budget \(\$0\.000001 at list prices\), which embedding documents counts toward.*Process it again tomorrow/);
    expect(invokes()).toHaveLength(called);

    // A question is never refused for its embedding: it is embedded and counted all the same.
    const reply = await ask(platform(), owner.publicId, QUESTION);
    expect(reply.status).toBe(200);
    expect(invokes()).toHaveLength(called + 1);

    expect((await owner.request('PATCH', `/v1/bots/${owner.botId}`, { budget: DEFAULT_BOT_BUDGET })).status).toBe(200);
    expect((await owner.request('POST', `/v1/bots/${owner.botId}/documents/${refused.docId}/reingest`)).status).toBe(202);
    await platform().ingest.idle();
    const again = await owner.request<{ document: { status: string; chunkCount: number } }>('GET', `/v1/bots/${owner.botId}/documents/${refused.docId}`);
    expect(again.body.document).toMatchObject({ status: 'ready', chunkCount: 1 });
  });

  it('puts embedding spend in the export, and shows another account none of it', async () => {
    const owner = await newOwner(platform());
    await uploadDocument(platform(), owner, 'hours.md', HOURS);
    const [row] = (await usage(owner)).rows;
    expect(row!.embeddingTokens).toBeGreaterThan(0);

    const started = await owner.request<{ export: { exportId: string } }>('POST', '/v1/account/exports');
    await platform().exports.idle();
    const ready = await owner.request<{ downloads: Array<{ name: string; url: string }> }>('GET', `/v1/account/exports/${started.body.export.exportId}`);
    const archive = await (await fetch(ready.body.downloads.find((d) => d.name === 'parley-export.json')!.url)).json() as { usage: UsageRow[] };
    expect(archive.usage).toEqual([expect.objectContaining({ botId: owner.botId, keyClass: 'bedrock', embeddingTokens: row!.embeddingTokens, embeddingCostMicros: row!.embeddingCostMicros })]);

    const other = await newOwner(platform());
    expect((await usage(other)).rows).toEqual([]);
    const [doc] = (await owner.request<{ documents: Array<{ docId: string }> }>('GET', `/v1/bots/${owner.botId}/documents`)).body.documents;
    expect((await other.request('POST', `/v1/bots/${owner.botId}/documents/${doc!.docId}/reingest`)).status).toBe(404);
    expect((await other.request('GET', `/v1/account/exports/${started.body.export.exportId}`)).status).toBe(404);
  });
});
