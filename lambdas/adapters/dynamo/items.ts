/** Helpers shared by the repositories: paging, batch writes, expiry, error translation. */
import {
  BatchGetCommand,
  BatchWriteCommand,
  QueryCommand,
  type QueryCommandInput,
} from '@aws-sdk/lib-dynamodb';
import type { DocClient } from './tables.ts';

export type Item = Record<string, unknown>;

/**
 * Drops items whose `expiresAt` (epoch seconds) has passed: DynamoDB Local never
 * deletes them and AWS deletes them only eventually, so every read path filters.
 */
export const live = <T extends Item>(items: readonly T[], now: Date = new Date()): T[] => {
  const nowSeconds = Math.floor(now.getTime() / 1000);
  return items.filter((i) => typeof i.expiresAt !== 'number' || i.expiresAt > nowSeconds);
};

/** Strips the storage keys from an item before it becomes a record. */
export const withoutKeys = <T>(item: Item): T => {
  const { pk: _pk, sk: _sk, expiresAt: _e, ...rest } = item;
  return rest as T;
};

/** All pages of a query. */
export const queryAll = async (db: DocClient, input: QueryCommandInput): Promise<Item[]> => {
  const items: Item[] = [];
  let start: Record<string, unknown> | undefined;
  do {
    const page = await db.send(new QueryCommand({ ...input, ExclusiveStartKey: start }));
    items.push(...((page.Items ?? []) as Item[]));
    start = page.LastEvaluatedKey;
  } while (start);
  return live(items);
};

const MAX_BATCH = 25;
const MAX_ATTEMPTS = 8;

type WriteRequest = { PutRequest: { Item: Item } } | { DeleteRequest: { Key: Item } };

/** Batch writes in groups of 25, retrying unprocessed items with exponential backoff and jitter. */
export const batchWrite = async (db: DocClient, table: string, requests: readonly WriteRequest[]): Promise<void> => {
  for (let i = 0; i < requests.length; i += MAX_BATCH) {
    let pending: WriteRequest[] = requests.slice(i, i + MAX_BATCH);
    for (let attempt = 0; pending.length > 0; attempt++) {
      if (attempt >= MAX_ATTEMPTS) throw new Error(`DynamoDB left ${pending.length} writes unprocessed after ${MAX_ATTEMPTS} attempts`);
      if (attempt > 0) await new Promise((r) => setTimeout(r, Math.random() * 25 * 2 ** attempt));
      const out = await db.send(new BatchWriteCommand({ RequestItems: { [table]: pending } }));
      pending = (out.UnprocessedItems?.[table] ?? []) as WriteRequest[];
    }
  }
};

const MAX_BATCH_GET = 100;

/** Gets items by key, 100 a request, retrying unprocessed keys with backoff; order is not kept. */
export const batchGet = async (db: DocClient, table: string, keys: readonly Item[], consistent = false): Promise<Item[]> => {
  const out: Item[] = [];
  const groups: Item[][] = [];
  for (let i = 0; i < keys.length; i += MAX_BATCH_GET) groups.push(keys.slice(i, i + MAX_BATCH_GET));
  await Promise.all(groups.map(async (group) => {
    let pending = group;
    for (let attempt = 0; pending.length > 0; attempt++) {
      if (attempt >= MAX_ATTEMPTS) throw new Error(`DynamoDB left ${pending.length} reads unprocessed after ${MAX_ATTEMPTS} attempts`);
      if (attempt > 0) await new Promise((r) => setTimeout(r, Math.random() * 25 * 2 ** attempt));
      const res = await db.send(new BatchGetCommand({ RequestItems: { [table]: { Keys: pending, ConsistentRead: consistent } } }));
      out.push(...((res.Responses?.[table] ?? []) as Item[]));
      pending = (res.UnprocessedKeys?.[table]?.Keys ?? []) as Item[];
    }
  }));
  return live(out);
};

/**
 * Deletes every item of a partition whose sort key starts with `prefix` (all of it
 * when empty), expired ones too: an erase must not leave behind what DynamoDB has
 * yet to remove. Returns the keys deleted, with each one's `expiresAt`.
 */
export const deleteByPrefix = async (db: DocClient, table: string, pk: string, prefix: string): Promise<Item[]> => {
  const found: Item[] = [];
  let start: Record<string, unknown> | undefined;
  do {
    const page = await db.send(new QueryCommand({
      TableName: table,
      KeyConditionExpression: prefix ? 'pk = :pk AND begins_with(sk, :prefix)' : 'pk = :pk',
      ExpressionAttributeValues: prefix ? { ':pk': pk, ':prefix': prefix } : { ':pk': pk },
      ProjectionExpression: 'pk, sk, expiresAt',
      ExclusiveStartKey: start,
    }));
    found.push(...((page.Items ?? []) as Item[]));
    start = page.LastEvaluatedKey;
  } while (start);
  await batchWrite(db, table, found.map(({ pk: p, sk }) => ({ DeleteRequest: { Key: { pk: p, sk } } })));
  return found;
};

/** True for the error DynamoDB gives when a condition (or a transaction's condition) fails. */
export const isConditionFailure = (err: unknown): boolean => {
  const name = (err as { name?: string } | null)?.name;
  if (name === 'ConditionalCheckFailedException') return true;
  if (name === 'TransactionCanceledException') {
    const reasons = (err as { CancellationReasons?: Array<{ Code?: string }> }).CancellationReasons ?? [];
    return reasons.some((r) => r.Code === 'ConditionalCheckFailed');
  }
  return false;
};
