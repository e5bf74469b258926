// Where a bot's data goes, stated from its configuration: it changes as the owner
// changes the model, adds a key or turns on BYOK-only, and never reveals a key.
import { describe, expect, it } from 'vitest';
import { newOwner, useFakeProvider, usePlatform } from './fixtures/platform.ts';

interface Flow { answers: { recipient: string; keyClass: string; summary: string }; embeddings: { recipient: string }; storage: { region: string }; retention: { conversationsDays: number; summary: string }; training: string }

describe('the data-flow statement', () => {
  const fake = useFakeProvider();
  const platform = usePlatform({ env: () => ({ ...fake.env(), PARLEY_PLATFORM_OPENAI_KEY: 'sk-platform-dataflow-000000000000000' }) });

  it('follows the bot’s model, the keys and the account’s settings', async () => {
    const owner = await newOwner(platform());
    const flow = async () => (await owner.request<{ dataFlow: Flow }>('GET', `/v1/bots/${owner.botId}/data-flow`)).body.dataFlow;

    expect(await flow()).toMatchObject({ answers: { recipient: 'Parley only', keyClass: 'local' }, embeddings: { recipient: 'Parley only' }, storage: { region: 'eu-west-1' } });
    await owner.request('PATCH', `/v1/bots/${owner.botId}`, { model: { provider: 'openai', model: 'gpt-4.1-mini' } });
    expect((await flow()).answers).toMatchObject({ recipient: 'OpenAI', keyClass: 'platform', summary: expect.stringContaining("Parley's key") as string });
    const key = 'sk-owner-dataflow-1111111111111111111';
    expect((await owner.request('PUT', '/v1/keys/openai', { apiKey: key })).status).toBe(200);
    const withKey = await flow();
    expect(withKey.answers).toMatchObject({ keyClass: 'owner', summary: expect.stringContaining('your own key') as string });
    expect(JSON.stringify(withKey)).not.toContain(key.slice(0, 12));
    await owner.request('DELETE', '/v1/keys/openai');
    await owner.request('PATCH', '/v1/account', { byokOnly: true, retentionDays: 0 });
    const byok = await flow();
    expect(byok.answers).toMatchObject({ recipient: 'Parley only', keyClass: 'local' });
    expect(byok.retention).toMatchObject({ conversationsDays: 0, summary: expect.stringContaining('Conversations are not stored') as string });
  });

  it('answers 404 for another account’s bot', async () => {
    const alice = await newOwner(platform());
    const bob = await newOwner(platform());
    expect((await bob.request('GET', `/v1/bots/${alice.botId}/data-flow`)).status).toBe(404);
  });
});
