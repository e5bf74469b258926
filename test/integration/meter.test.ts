import { GetCommand, PutCommand, TransactWriteCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDocumentClient } from '../../lambdas/adapters/dynamo/client.ts';
import { createMeter } from '../../lambdas/adapters/dynamo/meter-repo.ts';
import { newId } from '../../lambdas/core/ids.ts';
import type { BotBudget } from '../../lambdas/core/records.ts';
import { tenantForSystem } from '../../lambdas/core/tenancy.ts';
import { usePlatform } from './fixtures/platform.ts';
import { createTables } from '../../lambdas/adapters/dynamo/tables.ts';

/** What a row of answers alone says of embedding. */
const NO_EMBEDDING = { embeddingTokens: 0, embeddingCostMicros: 0 };

/** Roomy cost limits, so a test about tokens is decided by tokens alone. */
const budget = (over: Partial<BotBudget> = {}): BotBudget => ({
  dailyTokens: 100, monthlyTokens: 1_000, dailyCostMicros: 1e9, monthlyCostMicros: 1e10, ...over,
});

describe('meter', () => {
  const platform = usePlatform();
  let db: DynamoDBDocumentClient;
  beforeAll(() => {
    db = createDocumentClient({ region: 'eu-west-1', endpoint: platform().dynamodbUrl });
  });
  afterAll(() => db.destroy());

  /** A meter on a clock the test moves, for a fresh account and bot. */
  const setup = (at: string, client = db) => {
    const clock = { at: new Date(at), now() { return this.at; } };
    const tenant = tenantForSystem(newId());
    const meter = createMeter(createTables({ base: client }), platform().table, clock);
    const counter = async (sk: string) =>
      (await db.send(new GetCommand({ TableName: platform().table, Key: { pk: `A#${tenant.accountId}#M`, sk } }))).Item;
    return { clock, tenant, botId: newId(), meter, counter, moveTo: (iso: string) => { clock.at = new Date(iso); } };
  };

  describe('rate limits', () => {
    it('allows the limit within a window, then refuses until the window ends', async () => {
      const { tenant, meter, moveTo } = setup('2030-01-15T10:00:10Z');
      for (let k = 0; k < 3; k++) expect(await meter.hit(tenant, 'chat:visitor', 3, 60)).toEqual({ ok: true });
      expect(await meter.hit(tenant, 'chat:visitor', 3, 60)).toEqual({ ok: false, retryAfterSeconds: 50 });
      moveTo('2030-01-15T10:00:59.600Z');
      expect(await meter.hit(tenant, 'chat:visitor', 3, 60)).toEqual({ ok: false, retryAfterSeconds: 1 });
    });

    it('slides: the last window still counts for the part of it within the last minute, refused attempts included', async () => {
      const { tenant, meter, moveTo } = setup('2030-01-15T10:00:50Z');
      for (let k = 0; k < 3; k++) expect((await meter.hit(tenant, 'chat:slide', 3, 60)).ok).toBe(true);
      // A third of the way into the next window, two of those three still count: room for one.
      moveTo('2030-01-15T10:01:20Z');
      expect((await meter.hit(tenant, 'chat:slide', 3, 60)).ok).toBe(true);
      expect((await meter.hit(tenant, 'chat:slide', 3, 60)).ok).toBe(false);
      // The refused attempt counted too: two in this window, and little of the last left.
      moveTo('2030-01-15T10:01:55Z');
      expect((await meter.hit(tenant, 'chat:slide', 3, 60)).ok).toBe(false);
      moveTo('2030-01-15T10:02:50Z');
      expect((await meter.hit(tenant, 'chat:slide', 3, 60)).ok).toBe(true);
    });

    it('lets exactly 10 of 30 concurrent requests through a limit of 10', async () => {
      const { tenant, meter } = setup('2030-01-15T10:00:00Z');
      const decisions = await Promise.all(Array.from({ length: 30 }, () => meter.hit(tenant, 'chat:burst', 10, 60)));
      expect(decisions.filter((d) => d.ok)).toHaveLength(10);
    });

    it('counts each key and each account apart, and refuses everything under a limit of 0', async () => {
      const { tenant, meter } = setup('2030-01-15T10:00:00Z');
      const other = tenantForSystem(newId());
      expect(await meter.hit(tenant, 'a', 1, 60)).toEqual({ ok: true });
      expect((await meter.hit(tenant, 'a', 1, 60)).ok).toBe(false);
      expect(await meter.hit(tenant, 'b', 1, 60)).toEqual({ ok: true });
      expect(await meter.hit(other, 'a', 1, 60)).toEqual({ ok: true });
      expect(await meter.hit(tenant, 'c', 0, 60)).toEqual({ ok: false, retryAfterSeconds: 60 });
    });
  });

  describe('budgets', () => {
    it('reserves within the budget and names the daily budget once the day is full', async () => {
      const { tenant, botId, meter, counter } = setup('2030-01-15T10:00:00Z');
      expect(await meter.reserve(tenant, botId, { tokens: 60, costMicros: 5 }, budget())).toBe('ok');
      expect(await meter.reserve(tenant, botId, { tokens: 40, costMicros: 5 }, budget())).toBe('ok');
      expect(await meter.reserve(tenant, botId, { tokens: 1, costMicros: 0 }, budget())).toBe('daily');
      expect(await counter(`BUDGET#${botId}#D#2030-01-15`)).toMatchObject({ tokens: 100, costMicros: 10 });
      expect(await counter(`BUDGET#${botId}#M#2030-01`)).toMatchObject({ tokens: 100, costMicros: 10 });
    });

    it('names the monthly budget when the month is full though the day has room, and then changes neither', async () => {
      const { tenant, botId, meter, counter, moveTo } = setup('2030-01-15T10:00:00Z');
      const b = budget({ monthlyTokens: 150 });
      expect(await meter.reserve(tenant, botId, { tokens: 100, costMicros: 1 }, b)).toBe('ok');
      moveTo('2030-01-16T10:00:00Z');
      expect(await meter.reserve(tenant, botId, { tokens: 40, costMicros: 1 }, b)).toBe('ok');
      expect(await meter.reserve(tenant, botId, { tokens: 20, costMicros: 1 }, b)).toBe('monthly');
      expect(await counter(`BUDGET#${botId}#D#2030-01-16`)).toMatchObject({ tokens: 40, costMicros: 1 });
      expect(await counter(`BUDGET#${botId}#M#2030-01`)).toMatchObject({ tokens: 140, costMicros: 2 });
    });

    it('counts cost as well as tokens', async () => {
      const { tenant, botId, meter } = setup('2030-01-15T10:00:00Z');
      const b = budget({ dailyCostMicros: 1_000, monthlyCostMicros: 1_500 });
      expect(await meter.reserve(tenant, botId, { tokens: 1, costMicros: 900 }, b)).toBe('ok');
      expect(await meter.reserve(tenant, botId, { tokens: 1, costMicros: 200 }, b)).toBe('daily');
    });

    it('refuses an amount larger than a whole budget, and anything under a zero budget, without writing', async () => {
      const { tenant, botId, meter, counter } = setup('2030-01-15T10:00:00Z');
      expect(await meter.reserve(tenant, botId, { tokens: 101, costMicros: 1 }, budget())).toBe('daily');
      expect(await meter.reserve(tenant, botId, { tokens: 50, costMicros: 1 }, budget({ monthlyTokens: 49 }))).toBe('monthly');
      expect(await meter.reserve(tenant, botId, { tokens: 0, costMicros: 0 }, budget({ dailyCostMicros: 0 }))).toBe('daily');
      expect(await meter.reserve(tenant, botId, { tokens: 0, costMicros: 0 }, budget({ monthlyTokens: 0 }))).toBe('monthly');
      expect(await counter(`BUDGET#${botId}#D#2030-01-15`)).toBeUndefined();
      expect(await counter(`BUDGET#${botId}#M#2030-01`)).toBeUndefined();
    });

    it('lets exactly 5 of 20 concurrent reservations through when only 5 fit', async () => {
      const { tenant, botId, meter, counter } = setup('2030-01-15T10:00:00Z');
      const results = await Promise.all(Array.from({ length: 20 }, () => meter.reserve(tenant, botId, { tokens: 20, costMicros: 3 }, budget())));
      expect(results.filter((r) => r === 'ok')).toHaveLength(5);
      expect(results.filter((r) => r === 'daily')).toHaveLength(15);
      expect(await counter(`BUDGET#${botId}#D#2030-01-15`)).toMatchObject({ tokens: 100, costMicros: 15 });
      expect(await counter(`BUDGET#${botId}#M#2030-01`)).toMatchObject({ tokens: 100, costMicros: 15 });
    });

    it('retries a reservation and a settlement that lost a race with another transaction', async () => {
      // DynamoDB Local serialises transactions, so the race is staged: each first write loses it.
      const lost = new Set<unknown>();
      const racing = {
        send: async (command: object) => {
          const kind = command instanceof TransactWriteCommand ? 'transact' : command instanceof UpdateCommand ? 'update' : 'other';
          if (kind !== 'other' && !lost.has(kind)) {
            lost.add(kind);
            throw Object.assign(new Error('conflict'), kind === 'transact'
              ? { name: 'TransactionCanceledException', CancellationReasons: [{ Code: 'TransactionConflict' }, { Code: 'None' }] }
              : { name: 'TransactionConflictException' });
          }
          return db.send(command as never);
        },
      } as unknown as DynamoDBDocumentClient;
      const { tenant, botId, meter, counter } = setup('2030-01-15T10:00:00Z', racing);
      expect(await meter.reserve(tenant, botId, { tokens: 30, costMicros: 300 }, budget())).toBe('ok');
      await meter.settle(tenant, botId, new Date('2030-01-15T10:00:00Z'), { tokens: 30, costMicros: 300 }, { tokens: 10, costMicros: 100 });
      expect(lost.size).toBe(2);
      expect(await counter(`BUDGET#${botId}#D#2030-01-15`)).toMatchObject({ tokens: 10, costMicros: 100 });
      expect(await counter(`BUDGET#${botId}#M#2030-01`)).toMatchObject({ tokens: 10, costMicros: 100 });
    });

    it('settles a reservation down or up to what the answer used', async () => {
      const { tenant, botId, meter, counter } = setup('2030-01-15T10:00:00Z');
      const at = new Date('2030-01-15T10:00:00Z');
      await meter.reserve(tenant, botId, { tokens: 50, costMicros: 500 }, budget());
      await meter.settle(tenant, botId, at, { tokens: 50, costMicros: 500 }, { tokens: 20, costMicros: 120 });
      expect(await counter(`BUDGET#${botId}#D#2030-01-15`)).toMatchObject({ tokens: 20, costMicros: 120 });
      await meter.reserve(tenant, botId, { tokens: 10, costMicros: 100 }, budget());
      await meter.settle(tenant, botId, at, { tokens: 10, costMicros: 100 }, { tokens: 35, costMicros: 400 });
      expect(await counter(`BUDGET#${botId}#D#2030-01-15`)).toMatchObject({ tokens: 55, costMicros: 520 });
      expect(await counter(`BUDGET#${botId}#M#2030-01`)).toMatchObject({ tokens: 55, costMicros: 520 });
      // The room given back is there to reserve again.
      expect(await meter.reserve(tenant, botId, { tokens: 45, costMicros: 1 }, budget())).toBe('ok');
    });

    it('settles on the day and month of the reservation, not of the moment it settles', async () => {
      const { tenant, botId, meter, counter, moveTo } = setup('2030-01-31T23:59:50Z');
      await meter.reserve(tenant, botId, { tokens: 80, costMicros: 800 }, budget());
      moveTo('2030-02-01T00:00:20Z');
      await meter.settle(tenant, botId, new Date('2030-01-31T23:59:50Z'), { tokens: 80, costMicros: 800 }, { tokens: 30, costMicros: 300 });
      expect(await counter(`BUDGET#${botId}#D#2030-01-31`)).toMatchObject({ tokens: 30, costMicros: 300 });
      expect(await counter(`BUDGET#${botId}#M#2030-01`)).toMatchObject({ tokens: 30, costMicros: 300 });
      expect(await counter(`BUDGET#${botId}#D#2030-02-01`)).toBeUndefined();
      expect(await counter(`BUDGET#${botId}#M#2030-02`)).toBeUndefined();
    });
  });

  describe('usage', () => {
    it('adds answers to one row per month, bot and key class, counting those that declined or failed as unanswered', async () => {
      const { tenant, botId, meter, moveTo } = setup('2030-03-10T08:00:00Z');
      const otherBot = newId();
      await meter.recordUsage(tenant, botId, 'platform', { inputTokens: 100, outputTokens: 20, costMicros: 300, answered: true });
      await meter.recordUsage(tenant, botId, 'platform', { inputTokens: 50, outputTokens: 10, costMicros: 150, answered: false });
      await meter.recordUsage(tenant, botId, 'owner', { inputTokens: 7, outputTokens: 3, costMicros: 40, answered: true });
      await meter.recordUsage(tenant, otherBot, 'local', { inputTokens: 0, outputTokens: 0, costMicros: 0, answered: false });
      moveTo('2030-04-01T00:00:00Z');
      await meter.recordUsage(tenant, botId, 'platform', { inputTokens: 1, outputTokens: 1, costMicros: 1, answered: true });

      const march = await meter.usage(tenant, '2030-03');
      expect(march).toHaveLength(3);
      expect(march).toEqual(expect.arrayContaining([
        { month: '2030-03', botId, keyClass: 'platform', messages: 2, unanswered: 1, inputTokens: 150, outputTokens: 30, costMicros: 450, ...NO_EMBEDDING },
        { month: '2030-03', botId, keyClass: 'owner', messages: 1, unanswered: 0, inputTokens: 7, outputTokens: 3, costMicros: 40, ...NO_EMBEDDING },
        { month: '2030-03', botId: otherBot, keyClass: 'local', messages: 1, unanswered: 1, inputTokens: 0, outputTokens: 0, costMicros: 0, ...NO_EMBEDDING },
      ]));
      expect(await meter.usage(tenant, '2030-04')).toEqual([
        { month: '2030-04', botId, keyClass: 'platform', messages: 1, unanswered: 0, inputTokens: 1, outputTokens: 1, costMicros: 1, ...NO_EMBEDDING },
      ]);
      expect(await meter.usage(tenantForSystem(newId()), '2030-03')).toEqual([]);
    });

    it('adds embedding to the same rows, and its cost (not its tokens) to the bot\'s day and month budgets', async () => {
      const { tenant, botId, meter, counter, moveTo } = setup('2030-03-10T08:00:00Z');
      await meter.recordUsage(tenant, botId, 'bedrock', { inputTokens: 100, outputTokens: 20, costMicros: 300, answered: true });
      await meter.recordEmbedding(tenant, botId, 'bedrock', { tokens: 5_000, costMicros: 100 });
      await meter.recordEmbedding(tenant, botId, 'bedrock', { tokens: 12, costMicros: 1 });
      await meter.recordEmbedding(tenant, botId, 'owner', { tokens: 40, costMicros: 1 });
      await meter.recordEmbedding(tenant, botId, 'owner', { tokens: 0, costMicros: 0 });

      expect(await meter.usage(tenant, '2030-03')).toEqual(expect.arrayContaining([
        { month: '2030-03', botId, keyClass: 'bedrock', messages: 1, unanswered: 0, inputTokens: 100, outputTokens: 20, costMicros: 300, embeddingTokens: 5_012, embeddingCostMicros: 101 },
        // A row of embedding alone has no answers.
        { month: '2030-03', botId, keyClass: 'owner', messages: 0, unanswered: 0, inputTokens: 0, outputTokens: 0, costMicros: 0, embeddingTokens: 40, embeddingCostMicros: 1 },
      ]));
      expect(await counter(`BUDGET#${botId}#D#2030-03-10`)).toMatchObject({ tokens: 0, costMicros: 102 });
      expect(await counter(`BUDGET#${botId}#M#2030-03`)).toMatchObject({ tokens: 0, costMicros: 102 });
      moveTo('2030-03-11T00:00:00Z');
      await meter.recordEmbedding(tenant, botId, 'bedrock', { tokens: 10, costMicros: 1 });
      expect(await counter(`BUDGET#${botId}#D#2030-03-11`)).toMatchObject({ costMicros: 1 });
      expect(await counter(`BUDGET#${botId}#M#2030-03`)).toMatchObject({ costMicros: 103 });
    });

    it('says whether a bot\'s cost budgets have room, by the day\'s and the month\'s spend, answers and embedding alike', async () => {
      const { tenant, botId, meter, moveTo } = setup('2030-03-10T08:00:00Z');
      const limits = budget({ dailyCostMicros: 100, monthlyCostMicros: 150 });
      expect(await meter.costRoom(tenant, botId, limits)).toBe('ok');
      expect(await meter.reserve(tenant, botId, { tokens: 10, costMicros: 60 }, limits)).toBe('ok');
      expect(await meter.costRoom(tenant, botId, limits)).toBe('ok');
      await meter.recordEmbedding(tenant, botId, 'bedrock', { tokens: 2_000, costMicros: 40 });
      expect(await meter.costRoom(tenant, botId, limits)).toBe('daily');
      moveTo('2030-03-11T08:00:00Z');
      expect(await meter.costRoom(tenant, botId, limits)).toBe('ok');
      await meter.recordEmbedding(tenant, botId, 'bedrock', { tokens: 2_500, costMicros: 50 });
      expect(await meter.costRoom(tenant, botId, limits)).toBe('monthly');
      // A budget of 0 allows no spend at all; another bot's and another account's budgets are their own.
      expect(await meter.costRoom(tenant, newId(), budget({ dailyCostMicros: 0 }))).toBe('daily');
      expect(await meter.costRoom(tenant, newId(), limits)).toBe('ok');
      expect(await meter.costRoom(tenantForSystem(newId()), botId, limits)).toBe('ok');
    });

    it('ignores expired usage rows', async () => {
      const { tenant, botId, meter } = setup('2030-03-10T08:00:00Z');
      await meter.recordUsage(tenant, botId, 'owner', { inputTokens: 1, outputTokens: 1, costMicros: 1, answered: true });
      const expired = { month: '2030-03', botId: newId(), keyClass: 'platform', messages: 9, inputTokens: 9, outputTokens: 9, costMicros: 9 };
      await db.send(new PutCommand({
        TableName: platform().table,
        Item: { pk: `A#${tenant.accountId}#M`, sk: `USAGE#2030-03#${expired.botId}#platform`, ...expired, expiresAt: Date.parse('2030-03-10T07:00:00Z') / 1000 },
      }));
      expect((await meter.usage(tenant, '2030-03')).map((r) => r.botId)).toEqual([botId]);
    });
  });
});
