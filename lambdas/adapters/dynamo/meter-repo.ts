/**
 * Rate limits, budgets and usage under the account's meter partition `A#<acc>#M`:
 * - `RATE#<key>#<windowStart>`: attempts in one window (epoch seconds). Limits slide:
 *   the previous window's count weighs in by the share of it still inside the last
 *   `window` seconds, so a burst across a window boundary cannot pass twice the limit.
 * - `BUDGET#<bot>#D#<YYYY-MM-DD>` and `BUDGET#<bot>#M#<YYYY-MM>`: tokens and cost
 *   reserved or spent in a UTC day and month.
 * - `USAGE#<YYYY-MM>#<bot>#<keyClass>`: a month's answers, and its embedding of documents
 *   and questions, for the usage page.
 * Embedding adds its cost to the budget items after the fact (no reservation), so
 * ingestion asks first whether the cost budgets have room (`costRoom`, a read).
 * Every counter is a number changed by `ADD` in a conditional update, so concurrent
 * instances never lose a count or overshoot a limit. A counter's key names its period,
 * so it is addressed only while the period lasts, before it expires.
 */
import { GetCommand, QueryCommand, TransactWriteCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { BotBudget, KeyClass, UsageRow } from '../../core/records.ts';
import type { BudgetAmount, Meter } from '../../core/ports.ts';
import type { TenantContext } from '../../core/tenancy.ts';
import { live, type Item } from './items.ts';
import { meterItems } from './key-layout.ts';
import type { Tables } from './tables.ts';

const DAY = 86_400;
/** A rate window's item outlives its window a little, for clocks that disagree slightly. */
const RATE_GRACE_SECONDS = 60;
/** Kept for the usage page and budget checks across a year, with room to spare. */
const MONTH_RETENTION_DAYS = 400;
const MAX_ATTEMPTS = 10;

const BUDGET_NAMES = { '#t': 'tokens', '#c': 'costMicros', '#e': 'expiresAt' };
const codesOf = (err: unknown) => ((err as { CancellationReasons?: Array<{ Code?: string }> }).CancellationReasons ?? []).map((r) => r.Code);
const sleep = (attempt: number) => new Promise((r) => setTimeout(r, Math.random() * Math.min(500, 10 * 2 ** attempt)));

/** True when a write lost a race with a transaction on the same item; retrying is safe. */
const isConflict = (err: unknown) =>
  (err as { name?: string }).name === 'TransactionConflictException' || codesOf(err).includes('TransactionConflict');

/** Runs `write`, retrying conflicts with jittered backoff: the SDK does not retry them. */
const retryConflicts = async <T>(write: () => Promise<T>): Promise<T> => {
  for (let attempt = 0; ; attempt++) {
    try {
      return await write();
    } catch (err) {
      if (!isConflict(err) || codesOf(err).includes('ConditionalCheckFailed') || attempt + 1 >= MAX_ATTEMPTS) throw err;
      await sleep(attempt);
    }
  }
};

/** The day and month budget items of an instant (UTC), with their expiry. */
const budgetItems = (t: TenantContext, botId: string, at: Date) => {
  const iso = at.toISOString();
  const dayStart = Date.UTC(at.getUTCFullYear(), at.getUTCMonth(), at.getUTCDate()) / 1000;
  const monthStart = Date.UTC(at.getUTCFullYear(), at.getUTCMonth(), 1) / 1000;
  return [
    // A day's counter is needed only that day and by settlements shortly after.
    { key: { pk: meterItems.pk(t), sk: meterItems.budgetDay(botId, iso.slice(0, 10)) }, expiresAt: dayStart + 3 * DAY },
    { key: { pk: meterItems.pk(t), sk: meterItems.budgetMonth(botId, iso.slice(0, 7)) }, expiresAt: monthStart + MONTH_RETENTION_DAYS * DAY },
  ] as const;
};

/** Adds `tokens` and `costMicros` to the day and month budget items of an instant (a settlement, or spend after the fact). */
const addToBudgets = (tables: Tables, table: string, tenant: TenantContext, botId: string, at: Date, tokens: number, costMicros: number) =>
  Promise.all(budgetItems(tenant, botId, at).map(({ key, expiresAt }) => retryConflicts(() => tables.tenant(tenant).send(new UpdateCommand({
    TableName: table,
    Key: key,
    UpdateExpression: 'ADD #t :t, #c :c SET #e = if_not_exists(#e, :e)',
    ExpressionAttributeNames: BUDGET_NAMES,
    ExpressionAttributeValues: { ':t': tokens, ':c': costMicros, ':e': expiresAt },
  })))));

/** The month's usage item of a bot and key class, and when it expires. */
const usageItem = (tenant: TenantContext, botId: string, keyClass: KeyClass, now: Date) => {
  const month = now.toISOString().slice(0, 7);
  return {
    month,
    key: { pk: meterItems.pk(tenant), sk: meterItems.usage(month, botId, keyClass) },
    expiresAt: Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 1) / 1000 + MONTH_RETENTION_DAYS * DAY,
  };
};

/** Zero means no answers at all; otherwise the amount must fit below the limit on its own. */
const canEverFit = (amount: BudgetAmount, tokens: number, costMicros: number) =>
  tokens > 0 && costMicros > 0 && amount.tokens <= tokens && amount.costMicros <= costMicros;

/** The meter; `clock` decides windows, days and months (injectable for tests). */
export const createMeter = (tables: Tables, table: string, clock: { now(): Date }): Meter => ({
  async hit(tenant, key, limit, windowSeconds) {
    const window = Math.max(1, Math.floor(windowSeconds));
    const now = clock.now().getTime() / 1000;
    const start = Math.floor(now / window) * window;
    const refused = { ok: false, retryAfterSeconds: Math.max(1, Math.ceil(start + window - now)) } as const;
    if (limit < 1) return refused;
    // One round trip: the previous window's count is read while this one is counted. Every
    // attempt counts, refused ones too, so a client that keeps hammering stays refused.
    const [previous, current] = await Promise.all([
      tables.tenant(tenant).send(new GetCommand({ TableName: table, Key: { pk: meterItems.pk(tenant), sk: meterItems.rate(key, start - window) }, ProjectionExpression: 'n' })),
      tables.tenant(tenant).send(new UpdateCommand({
        TableName: table,
        Key: { pk: meterItems.pk(tenant), sk: meterItems.rate(key, start) },
        UpdateExpression: 'ADD #n :one SET #e = :e',
        ExpressionAttributeNames: { '#n': 'n', '#e': 'expiresAt' },
        // Kept through the next window, whose limit it still weighs on.
        ExpressionAttributeValues: { ':one': 1, ':e': start + 2 * window + RATE_GRACE_SECONDS },
        ReturnValues: 'UPDATED_NEW',
      })),
    ]);
    // Rounded up: a burst across the boundary never gets more than the limit.
    const carried = Math.ceil(Number(previous.Item?.n ?? 0) * (1 - (now - start) / window) - 1e-9);
    return carried + Number(current.Attributes?.n ?? 1) <= limit ? { ok: true } : refused;
  },

  async reserve(tenant, botId, amount, budget: BotBudget) {
    const limits = [[budget.dailyTokens, budget.dailyCostMicros], [budget.monthlyTokens, budget.monthlyCostMicros]] as const;
    // An amount larger than a whole budget can never fit: refuse it without a write.
    if (!canEverFit(amount, ...limits[0])) return 'daily';
    if (!canEverFit(amount, ...limits[1])) return 'monthly';
    const TransactItems = budgetItems(tenant, botId, clock.now()).map(({ key, expiresAt }, i) => ({
      Update: {
        TableName: table,
        Key: key,
        UpdateExpression: 'ADD #t :t, #c :c SET #e = if_not_exists(#e, :e)',
        // current + amount <= limit, written so it holds for a counter not yet created.
        ConditionExpression: '(attribute_not_exists(#t) OR #t <= :tr) AND (attribute_not_exists(#c) OR #c <= :cr)',
        ExpressionAttributeNames: BUDGET_NAMES,
        ExpressionAttributeValues: {
          ':t': amount.tokens, ':c': amount.costMicros, ':e': expiresAt,
          ':tr': limits[i]![0] - amount.tokens, ':cr': limits[i]![1] - amount.costMicros,
        },
      },
    }));
    try {
      await retryConflicts(() => tables.tenant(tenant).send(new TransactWriteCommand({ TransactItems })));
      return 'ok';
    } catch (err) {
      // Cancellation reasons come in request order: the day's item first.
      const codes = codesOf(err);
      if (codes[0] === 'ConditionalCheckFailed') return 'daily';
      if (codes[1] === 'ConditionalCheckFailed') return 'monthly';
      throw err;
    }
  },

  async settle(tenant, botId, reservedAt, reserved, actual) {
    const tokens = actual.tokens - reserved.tokens;
    const costMicros = actual.costMicros - reserved.costMicros;
    if (tokens === 0 && costMicros === 0) return;
    // The reservation's own day and month, even when the answer ended after midnight.
    await addToBudgets(tables, table, tenant, botId, reservedAt, tokens, costMicros);
  },

  async recordUsage(tenant, botId, keyClass: KeyClass, usage) {
    const { month, key, expiresAt } = usageItem(tenant, botId, keyClass, clock.now());
    await tables.tenant(tenant).send(new UpdateCommand({
      TableName: table,
      Key: key,
      UpdateExpression: 'ADD #m :one, #u :u, #i :i, #o :o, #c :c SET #month = :month, #bot = :bot, #kc = :kc, #e = if_not_exists(#e, :e)',
      ExpressionAttributeNames: {
        '#m': 'messages', '#u': 'unanswered', '#i': 'inputTokens', '#o': 'outputTokens', '#c': 'costMicros',
        '#month': 'month', '#bot': 'botId', '#kc': 'keyClass', '#e': 'expiresAt',
      },
      ExpressionAttributeValues: {
        ':one': 1, ':u': usage.answered ? 0 : 1, ':i': usage.inputTokens, ':o': usage.outputTokens, ':c': usage.costMicros,
        ':month': month, ':bot': botId, ':kc': keyClass, ':e': expiresAt,
      },
    }));
  },

  async recordEmbedding(tenant, botId, keyClass: KeyClass, usage) {
    if (usage.tokens <= 0 && usage.costMicros <= 0) return;
    const now = clock.now();
    const { month, key, expiresAt } = usageItem(tenant, botId, keyClass, now);
    await Promise.all([
      tables.tenant(tenant).send(new UpdateCommand({
        TableName: table,
        Key: key,
        UpdateExpression: 'ADD #et :t, #ec :c SET #month = :month, #bot = :bot, #kc = :kc, #e = if_not_exists(#e, :e)',
        ExpressionAttributeNames: { '#et': 'embeddingTokens', '#ec': 'embeddingCostMicros', '#month': 'month', '#bot': 'botId', '#kc': 'keyClass', '#e': 'expiresAt' },
        ExpressionAttributeValues: { ':t': usage.tokens, ':c': usage.costMicros, ':month': month, ':bot': botId, ':kc': keyClass, ':e': expiresAt },
      })),
      // Cost budgets only: the token budgets bound answers, and a document's embedding would swamp them.
      usage.costMicros > 0 ? addToBudgets(tables, table, tenant, botId, now, 0, usage.costMicros) : undefined,
    ]);
  },

  async costRoom(tenant, botId, budget: BotBudget) {
    if (!(budget.dailyCostMicros > 0)) return 'daily';
    if (!(budget.monthlyCostMicros > 0)) return 'monthly';
    const [day, month] = await Promise.all(budgetItems(tenant, botId, clock.now()).map(({ key }) => tables.tenant(tenant).send(new GetCommand({
      TableName: table, Key: key, ProjectionExpression: '#c', ExpressionAttributeNames: { '#c': 'costMicros' }, ConsistentRead: true,
    }))));
    if (Number(day?.Item?.costMicros ?? 0) >= budget.dailyCostMicros) return 'daily';
    if (Number(month?.Item?.costMicros ?? 0) >= budget.monthlyCostMicros) return 'monthly';
    return 'ok';
  },

  async usage(tenant, month) {
    // Only `YYYY-MM` names a month; anything else has no rows.
    if (!/^\d{4}-\d{2}$/.test(month)) return [];
    const rows: UsageRow[] = [];
    let start: Record<string, unknown> | undefined;
    do {
      const page = await tables.tenant(tenant).send(new QueryCommand({
        TableName: table,
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :p)',
        ExpressionAttributeValues: { ':pk': meterItems.pk(tenant), ':p': meterItems.usageOf(month) },
        ExclusiveStartKey: start,
      }));
      for (const i of live((page.Items ?? []) as Item[], clock.now())) {
        // A row with only embedding has no answer counts yet; rows written before unanswered answers, or embedding, were counted have none of those.
        rows.push({
          month: String(i.month), botId: String(i.botId), keyClass: i.keyClass as KeyClass, messages: Number(i.messages ?? 0),
          unanswered: Number(i.unanswered ?? 0),
          inputTokens: Number(i.inputTokens ?? 0), outputTokens: Number(i.outputTokens ?? 0), costMicros: Number(i.costMicros ?? 0),
          embeddingTokens: Number(i.embeddingTokens ?? 0), embeddingCostMicros: Number(i.embeddingCostMicros ?? 0),
        });
      }
      start = page.LastEvaluatedKey;
    } while (start);
    return rows;
  },
});
