import { QueryCommand, TransactWriteCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDocumentClient } from '../../lambdas/adapters/dynamo/client.ts';
import { createContactRepository } from '../../lambdas/adapters/dynamo/contact-repo.ts';
import { createConversationRepository } from '../../lambdas/adapters/dynamo/conversation-repo.ts';
import { newId } from '../../lambdas/core/ids.ts';
import type { Conversation, ConversationTurn } from '../../lambdas/core/records.ts';
import type { ConversationRepository } from '../../lambdas/core/ports.ts';
import { tenantForSystem } from '../../lambdas/core/tenancy.ts';
import { usePlatform } from './fixtures/platform.ts';
import { createTables } from '../../lambdas/adapters/dynamo/tables.ts';

const HOUR = 3_600_000;
const inAnHour = () => new Date(Date.now() + HOUR).toISOString();
const aMinuteAgo = () => new Date(Date.now() - 60_000).toISOString();

const conversation = (botId: string, over: Partial<Conversation> = {}): Conversation => {
  const now = new Date().toISOString();
  return {
    conversationId: newId(), botId, visitorId: newId(), origin: 'https://shop.example', createdAt: now, updatedAt: now,
    expiresAt: inAnHour(), turnCount: 0, preview: 'Where is parcel 4711?', ...over,
  };
};

/** Turn ids made `k` milliseconds apart, so they sort in the order the test appends them. */
const turn = (k: number, over: Partial<ConversationTurn> = {}): ConversationTurn => ({
  turnId: newId(Date.now() + k), question: 'Where is parcel 4711?', answer: 'It left the Rotterdam depot [1].',
  citations: [{ n: 1, docId: newId(), document: 'shipping.md', section: 'Tracking', quote: 'Parcels leave the Rotterdam depot daily.', score: 0.83 }],
  answered: true, keyClass: 'platform', provider: 'openai', model: 'gpt-4o-mini', usage: { inputTokens: 120, outputTokens: 30 },
  createdAt: new Date(Date.now() + k).toISOString(), ...over,
});

describe('conversation repository', () => {
  const platform = usePlatform();
  let db: DynamoDBDocumentClient;
  let repo: ConversationRepository;
  beforeAll(() => {
    db = createDocumentClient({ region: 'eu-west-1', endpoint: platform().dynamodbUrl });
    repo = createConversationRepository(createTables({ base: db }), platform().table, platform().deps.cipher);
  });
  afterAll(() => db.destroy());

  const rawItems = async (pk: string) =>
    (await db.send(new QueryCommand({ TableName: platform().table, KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': pk } }))).Items ?? [];
  const fresh = () => ({ tenant: tenantForSystem(newId()), botId: newId() });

  it('returns a conversation and its turns as they were stored, oldest turn first', async () => {
    const { tenant, botId } = fresh();
    const c = conversation(botId);
    await repo.create(tenant, c);
    expect(await repo.get(tenant, botId, c.conversationId)).toEqual(c);
    const first = turn(1, { answered: false, error: 'The provider timed out.' });
    const second = turn(2, { keyClass: 'local', feedback: { rating: 'up', comment: 'Spot on', at: new Date().toISOString() } });
    await repo.appendTurn(tenant, botId, c.conversationId, first, c.expiresAt);
    await repo.appendTurn(tenant, botId, c.conversationId, second, c.expiresAt);
    expect(await repo.listTurns(tenant, botId, c.conversationId)).toEqual([first, second]);
  });

  it('bumps the turn count, update time and expiry of the conversation when a turn is appended', async () => {
    const { tenant, botId } = fresh();
    const c = conversation(botId);
    await repo.create(tenant, c);
    const t = turn(5);
    const expiresAt = new Date(Date.now() + 2 * HOUR).toISOString();
    await repo.appendTurn(tenant, botId, c.conversationId, t, expiresAt);
    expect(await repo.get(tenant, botId, c.conversationId)).toEqual({ ...c, turnCount: 1, updatedAt: t.createdAt, expiresAt });
    const record = (await rawItems(`A#${tenant.accountId}#C#${botId}`)).find((i) => i.sk === `CONV#${c.conversationId}`);
    expect(record?.expiresAt).toBe(Math.floor(Date.parse(expiresAt) / 1000));
  });

  it('stores the preview, questions, answers, quotes and comments only sealed', async () => {
    const { tenant, botId } = fresh();
    const c = conversation(botId, { preview: 'Is my neighbour Ada Lovelace home?' });
    await repo.create(tenant, c);
    await repo.appendTurn(tenant, botId, c.conversationId, turn(1), c.expiresAt);
    const [t] = await repo.listTurns(tenant, botId, c.conversationId);
    await repo.setFeedback(tenant, botId, c.conversationId, t!.turnId, { rating: 'down', comment: 'Wrong depot, try Antwerp', at: new Date().toISOString() });
    const items = await rawItems(`A#${tenant.accountId}#C#${botId}`);
    expect(items).toHaveLength(2);
    const raw = items.flatMap((i) => Object.values(i).map((v) => (v instanceof Uint8Array ? Buffer.from(v).toString('latin1') : JSON.stringify(v)))).join('\n');
    for (const plain of ['Lovelace', 'parcel 4711', 'Rotterdam', 'Antwerp']) expect(raw).not.toContain(plain);
    expect(raw).toContain(c.conversationId);
  });

  it('ignores expired conversations and turns on every read', async () => {
    const { tenant, botId } = fresh();
    const kept = conversation(botId);
    const gone = conversation(botId);
    await repo.create(tenant, kept);
    await repo.create(tenant, gone);
    const t = turn(1);
    // A turn appended with an expiry in the past expires the conversation with it.
    await repo.appendTurn(tenant, botId, gone.conversationId, t, aMinuteAgo());
    const stale = conversation(botId, { expiresAt: aMinuteAgo() });
    await repo.create(tenant, stale);

    expect(await repo.get(tenant, botId, gone.conversationId)).toBeNull();
    expect(await repo.get(tenant, botId, stale.conversationId)).toBeNull();
    expect(await repo.listTurns(tenant, botId, gone.conversationId)).toEqual([]);
    expect((await repo.list(tenant, botId, { limit: 10 })).items.map((i) => i.conversationId)).toEqual([kept.conversationId]);
    expect(await repo.setFeedback(tenant, botId, gone.conversationId, t.turnId, { rating: 'up', at: new Date().toISOString() })).toBe(false);
    await expect(repo.appendTurn(tenant, botId, stale.conversationId, turn(2), inAnHour())).rejects.toMatchObject({ code: 'not_found' });
  });

  it('shows another account nothing for the same bot and conversation ids', async () => {
    const { tenant: alice, botId } = fresh();
    const bob = tenantForSystem(newId());
    const c = conversation(botId);
    const t = turn(1);
    await repo.create(alice, c);
    await repo.appendTurn(alice, botId, c.conversationId, t, c.expiresAt);

    expect(await repo.get(bob, botId, c.conversationId)).toBeNull();
    expect(await repo.listTurns(bob, botId, c.conversationId)).toEqual([]);
    expect(await repo.list(bob, botId, { limit: 10 })).toEqual({ items: [] });
    expect(await repo.setFeedback(bob, botId, c.conversationId, t.turnId, { rating: 'down', at: new Date().toISOString() })).toBe(false);
    await expect(repo.appendTurn(bob, botId, c.conversationId, turn(2), c.expiresAt)).rejects.toMatchObject({ code: 'not_found' });
    expect(await repo.delete(bob, botId, c.conversationId)).toBe(false);
    await repo.deleteForBot(bob, botId);

    expect(await rawItems(`A#${bob.accountId}#C#${botId}`)).toEqual([]);
    expect(await repo.get(alice, botId, c.conversationId)).toMatchObject({ turnCount: 1 });
    expect(await repo.listTurns(alice, botId, c.conversationId)).toEqual([t]);
  });

  it('pages conversations newest first with a cursor, filling pages past expired ones', async () => {
    const { tenant, botId } = fresh();
    const start = Date.now();
    const all = Array.from({ length: 6 }, (_, k) => conversation(botId, { conversationId: newId(start + k), ...(k === 3 ? { expiresAt: aMinuteAgo() } : {}) }));
    for (const c of all) await repo.create(tenant, c);
    const ids = (k: number[]) => k.map((i) => all[i]!.conversationId);

    const first = await repo.list(tenant, botId, { limit: 2 });
    expect(first.items.map((i) => i.conversationId)).toEqual(ids([5, 4]));
    const second = await repo.list(tenant, botId, { limit: 2, cursor: first.cursor! });
    expect(second.items.map((i) => i.conversationId)).toEqual(ids([2, 1]));
    const third = await repo.list(tenant, botId, { limit: 2, cursor: second.cursor! });
    expect(third.items.map((i) => i.conversationId)).toEqual(ids([0]));
    expect(third.cursor).toBeUndefined();
    expect(second.items[0]).toEqual(all[2]);
  });

  it('refuses a cursor from another account or another bot, and a made-up one', async () => {
    const { tenant: alice, botId } = fresh();
    const bob = tenantForSystem(newId());
    for (let k = 0; k < 3; k++) await repo.create(alice, conversation(botId));
    await repo.create(bob, conversation(botId));
    const { cursor } = await repo.list(alice, botId, { limit: 1 });
    expect(cursor).toBeTruthy();

    await expect(repo.list(bob, botId, { limit: 1, cursor: cursor! })).rejects.toMatchObject({ code: 'invalid_request' });
    await expect(repo.list(alice, newId(), { limit: 1, cursor: cursor! })).rejects.toMatchObject({ code: 'invalid_request' });
    await expect(repo.list(alice, botId, { limit: 1, cursor: 'not-a-cursor' })).rejects.toMatchObject({ code: 'invalid_request' });
    const turnCursor = Buffer.from(JSON.stringify({ pk: `A#${alice.accountId}#C#${botId}`, sk: `TURN#${newId()}#${newId()}` })).toString('base64url');
    await expect(repo.list(alice, botId, { limit: 1, cursor: turnCursor })).rejects.toMatchObject({ code: 'invalid_request' });
  });

  it('sets feedback on a turn, replaces it whole, and returns false for a missing turn', async () => {
    const { tenant, botId } = fresh();
    const c = conversation(botId);
    await repo.create(tenant, c);
    const t = turn(1);
    await repo.appendTurn(tenant, botId, c.conversationId, t, c.expiresAt);

    const down = { rating: 'down', comment: 'Too vague', at: new Date().toISOString() } as const;
    expect(await repo.setFeedback(tenant, botId, c.conversationId, t.turnId, down)).toBe(true);
    expect(await repo.listTurns(tenant, botId, c.conversationId)).toEqual([{ ...t, feedback: down }]);
    const up = { rating: 'up', at: new Date().toISOString() } as const;
    expect(await repo.setFeedback(tenant, botId, c.conversationId, t.turnId, up)).toBe(true);
    expect((await repo.listTurns(tenant, botId, c.conversationId))[0]?.feedback).toEqual(up);

    expect(await repo.setFeedback(tenant, botId, c.conversationId, newId(), up)).toBe(false);
    expect(await repo.setFeedback(tenant, botId, newId(), t.turnId, up)).toBe(false);
    expect(await repo.listTurns(tenant, botId, c.conversationId)).toHaveLength(1);
  });

  it('retries a turn that lost a race with another append, and counts it once', async () => {
    // DynamoDB Local serialises transactions, so the race is staged: the first write loses it.
    let lost = false;
    const racing = {
      send: async (command: object) => {
        if (command instanceof TransactWriteCommand && !lost) {
          lost = true;
          throw Object.assign(new Error('conflict'), { name: 'TransactionCanceledException', CancellationReasons: [{ Code: 'None' }, { Code: 'TransactionConflict' }] });
        }
        return db.send(command as never);
      },
    } as unknown as DynamoDBDocumentClient;
    const racingRepo = createConversationRepository(createTables({ base: racing }), platform().table, platform().deps.cipher);
    const { tenant, botId } = fresh();
    const c = conversation(botId);
    await racingRepo.create(tenant, c);
    const t = turn(1);
    await racingRepo.appendTurn(tenant, botId, c.conversationId, t, c.expiresAt);
    expect(lost).toBe(true);
    expect(await repo.get(tenant, botId, c.conversationId)).toMatchObject({ turnCount: 1 });
    expect(await repo.listTurns(tenant, botId, c.conversationId)).toEqual([t]);
  });

  it('refuses a turn for a conversation that does not exist, and writes nothing', async () => {
    const { tenant, botId } = fresh();
    await expect(repo.appendTurn(tenant, botId, newId(), turn(1), inAnHour())).rejects.toMatchObject({ code: 'not_found' });
    expect(await rawItems(`A#${tenant.accountId}#C#${botId}`)).toEqual([]);
  });

  it('deletes a conversation with all its turns, and says when there was nothing to delete', async () => {
    const { tenant, botId } = fresh();
    const [doomed, other] = [conversation(botId), conversation(botId)];
    for (const c of [doomed, other]) {
      await repo.create(tenant, c);
      for (const k of [1, 2, 3]) await repo.appendTurn(tenant, botId, c.conversationId, turn(k), c.expiresAt);
    }
    expect(await repo.delete(tenant, botId, doomed.conversationId)).toBe(true);
    expect(await repo.get(tenant, botId, doomed.conversationId)).toBeNull();
    expect(await repo.listTurns(tenant, botId, doomed.conversationId)).toEqual([]);
    const left = await rawItems(`A#${tenant.accountId}#C#${botId}`);
    expect(left.filter((i) => String(i.sk).includes(doomed.conversationId))).toEqual([]);
    expect(left).toHaveLength(4);
    expect(await repo.delete(tenant, botId, doomed.conversationId)).toBe(false);
    expect(await repo.listTurns(tenant, botId, other.conversationId)).toHaveLength(3);
  });

  it("erases the bot's whole conversation partition, expired items and contacts included", async () => {
    const { tenant, botId } = fresh();
    const c = conversation(botId);
    await repo.create(tenant, c);
    await repo.appendTurn(tenant, botId, c.conversationId, turn(1), c.expiresAt);
    await repo.create(tenant, conversation(botId, { expiresAt: aMinuteAgo() }));
    await createContactRepository(createTables({ base: db }), platform().table, platform().deps.cipher).put(tenant, {
      contactId: newId(), botId, kind: 'lead', visitorId: newId(), email: 'ada@example.com', createdAt: new Date().toISOString(), expiresAt: inAnHour(),
    });
    const otherBot = newId();
    await repo.create(tenant, conversation(otherBot));
    expect(await rawItems(`A#${tenant.accountId}#C#${botId}`)).toHaveLength(4);

    await repo.deleteForBot(tenant, botId);
    expect(await rawItems(`A#${tenant.accountId}#C#${botId}`)).toEqual([]);
    expect((await repo.list(tenant, otherBot, { limit: 5 })).items).toHaveLength(1);
  });
});
