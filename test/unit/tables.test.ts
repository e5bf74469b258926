/**
 * The partition-key check every tenant and platform client makes before a
 * request is sent: the same rule as the tenant role's `dynamodb:LeadingKeys`
 * condition, so the local platform and the tests run under it too.
 */
import {
  BatchGetCommand, BatchWriteCommand, DeleteCommand, ExecuteStatementCommand, GetCommand, PutCommand, QueryCommand,
  ScanCommand, TransactGetCommand, TransactWriteCommand, UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { describe, expect, it, vi } from 'vitest';
import { createTables, partitionKeysOf, type DocClient } from '../../lambdas/adapters/dynamo/tables.ts';
import { newId } from '../../lambdas/core/ids.ts';
import { tenantForSystem } from '../../lambdas/core/tenancy.ts';

const acc = newId();
const other = acc.slice(0, 25) + (acc.endsWith('0') ? '1' : '0');
const T = 't';

const recording = () => {
  const sent: unknown[] = [];
  const base = { send: vi.fn(async (command: unknown) => { sent.push(command); return {}; }) } as unknown as DocClient;
  return { base, sent };
};

describe('partitionKeysOf', () => {
  it('finds every partition key in each request shape', () => {
    expect(partitionKeysOf(new GetCommand({ TableName: T, Key: { pk: 'A', sk: 's' } }).input)).toEqual(['A']);
    expect(partitionKeysOf(new PutCommand({ TableName: T, Item: { pk: 'B', sk: 's' } }).input)).toEqual(['B']);
    expect(partitionKeysOf(new UpdateCommand({ TableName: T, Key: { pk: 'C', sk: 's' }, UpdateExpression: 'SET a = :a', ExpressionAttributeValues: { ':a': 1 } }).input)).toEqual(['C']);
    expect(partitionKeysOf(new DeleteCommand({ TableName: T, Key: { pk: 'D', sk: 's' } }).input)).toEqual(['D']);
    expect(partitionKeysOf(new QueryCommand({ TableName: T, KeyConditionExpression: 'pk = :pk AND begins_with(sk, :p)', ExpressionAttributeValues: { ':pk': 'E', ':p': 'x' } }).input)).toEqual(['E']);
    expect(partitionKeysOf(new BatchGetCommand({ RequestItems: { [T]: { Keys: [{ pk: 'F', sk: '1' }, { pk: 'G', sk: '2' }] } } }).input)).toEqual(['F', 'G']);
    expect(partitionKeysOf(new BatchWriteCommand({ RequestItems: { [T]: [{ PutRequest: { Item: { pk: 'H', sk: '1' } } }, { DeleteRequest: { Key: { pk: 'I', sk: '2' } } }] } }).input)).toEqual(['H', 'I']);
    expect(partitionKeysOf(new TransactWriteCommand({
      TransactItems: [
        { Put: { TableName: T, Item: { pk: 'J', sk: '1' } } },
        { Update: { TableName: T, Key: { pk: 'K', sk: '1' }, UpdateExpression: 'SET a = :a', ExpressionAttributeValues: { ':a': 1 } } },
        { Delete: { TableName: T, Key: { pk: 'L', sk: '1' } } },
        { ConditionCheck: { TableName: T, Key: { pk: 'M', sk: '1' }, ConditionExpression: 'attribute_exists(pk)' } },
      ],
    }).input)).toEqual(['J', 'K', 'L', 'M']);
    expect(partitionKeysOf(new TransactGetCommand({ TransactItems: [{ Get: { TableName: T, Key: { pk: 'N', sk: '1' } } }] }).input)).toEqual(['N']);
  });

  it('names no partition for scans, PartiQL and index queries', () => {
    expect(partitionKeysOf(new ScanCommand({ TableName: T }).input)).toBeNull();
    expect(partitionKeysOf(new ExecuteStatementCommand({ Statement: `SELECT * FROM ${T}` }).input)).toBeNull();
    expect(partitionKeysOf(new QueryCommand({ TableName: T, IndexName: 'i', KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': 'A' } }).input)).toBeNull();
  });

  it('reads every member that names an item, so a stray one cannot hide the key that is sent', () => {
    expect(partitionKeysOf({ TableName: T, Item: { pk: 'X' }, Key: { pk: 'Y' } })).toEqual(['Y', 'X']);
    expect(partitionKeysOf({ TransactItems: [{ Update: { TableName: T, Key: { pk: 'K' }, Item: { pk: 'I' } } }] })).toEqual(['K', 'I']);
    expect(partitionKeysOf({ TransactItems: [{ Put: { TableName: T, Item: { pk: 'P' } }, Delete: { TableName: T, Key: { pk: 'D' } } }] })).toEqual(['P', 'D']);
    expect(partitionKeysOf({ RequestItems: { [T]: [{ PutRequest: { Item: { pk: 'P' } }, DeleteRequest: { Key: { pk: 'D' } } }] } })).toEqual(['P', 'D']);
    expect(partitionKeysOf({ TransactItems: [{}] })).toEqual([undefined]);
  });

  it('finds no key in a query whose condition it cannot read', () => {
    expect(partitionKeysOf(new QueryCommand({ TableName: T, KeyConditionExpression: '#p = :pk', ExpressionAttributeNames: { '#p': 'pk' }, ExpressionAttributeValues: { ':pk': 'A' } }).input)).toEqual([undefined]);
  });
});

describe('tenant and platform clients', () => {
  const tenant = tenantForSystem(acc);

  it("lets an account's client reach its own partitions, exactly", async () => {
    const { base, sent } = recording();
    const db = createTables({ base }).tenant(tenant);
    await db.send(new GetCommand({ TableName: T, Key: { pk: `A#${acc}`, sk: 'ACCOUNT' } }));
    await db.send(new QueryCommand({ TableName: T, KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': `A#${acc}#C#bot` } }));
    expect(sent).toHaveLength(2);
    for (const pk of [`A#${other}`, `A#${acc}X`, `A#${acc.slice(0, 25)}`, 'PUB#x', 'U#x', `a#${acc}`]) {
      await expect(db.send(new GetCommand({ TableName: T, Key: { pk, sk: 's' } }))).rejects.toMatchObject({ name: 'AccessDeniedException' });
    }
    await expect(db.send(new TransactWriteCommand({
      TransactItems: [
        { Put: { TableName: T, Item: { pk: `A#${acc}`, sk: 'BOT#1' } } },
        { Put: { TableName: T, Item: { pk: 'PUB#p', sk: 'BOT' } } },
      ],
    }))).rejects.toMatchObject({ name: 'AccessDeniedException' });
    await expect(db.send(new ScanCommand({ TableName: T }))).rejects.toMatchObject({ name: 'AccessDeniedException' });
    await expect(db.send(new ExecuteStatementCommand({ Statement: `DELETE FROM ${T}` }))).rejects.toMatchObject({ name: 'AccessDeniedException' });
    await expect(db.send(new PutCommand({ TableName: T, Item: { sk: 'no pk' } }))).rejects.toMatchObject({ name: 'AccessDeniedException' });
    // A stray Key of its own beside another account's Item.
    await expect(db.send(new PutCommand({ TableName: T, Item: { pk: `A#${other}`, sk: 'BOT#x' }, ...({ Key: { pk: `A#${acc}`, sk: 'BOT#x' } } as object) })))
      .rejects.toMatchObject({ name: 'AccessDeniedException' });
    expect(sent).toHaveLength(2);
  });

  it("keeps the platform client out of every account's partitions", async () => {
    const { base, sent } = recording();
    const { platform } = createTables({ base });
    await platform.send(new GetCommand({ TableName: T, Key: { pk: 'PUB#p', sk: 'BOT' } }));
    await platform.send(new PutCommand({ TableName: T, Item: { pk: 'HOLDS', sk: acc } }));
    await expect(platform.send(new GetCommand({ TableName: T, Key: { pk: `A#${acc}`, sk: 'ACCOUNT' } }))).rejects.toMatchObject({ name: 'AccessDeniedException' });
    await expect(platform.send(new BatchGetCommand({ RequestItems: { [T]: { Keys: [{ pk: 'U#u', sk: 'OWNS' }, { pk: `A#${acc}`, sk: 'MEMBER#u' }] } } }))).rejects.toMatchObject({ name: 'AccessDeniedException' });
    await expect(platform.send(new ScanCommand({ TableName: T }))).rejects.toMatchObject({ name: 'AccessDeniedException' });
    expect(sent).toHaveLength(2);
  });

  it("uses each account's own client when the function has a tenant role", async () => {
    const mine = recording();
    const theirs = recording();
    const fn = recording();
    const tables = createTables({ base: fn.base, scopedFor: (id) => (id === acc ? mine.base : theirs.base) });
    await tables.tenant(tenant).send(new GetCommand({ TableName: T, Key: { pk: `A#${acc}`, sk: 'ACCOUNT' } }));
    await tables.tenant(tenantForSystem(other)).send(new GetCommand({ TableName: T, Key: { pk: `A#${other}`, sk: 'ACCOUNT' } }));
    await tables.platform.send(new GetCommand({ TableName: T, Key: { pk: 'PUB#p', sk: 'BOT' } }));
    expect([mine.sent.length, theirs.sent.length, fn.sent.length]).toEqual([1, 1, 1]);
    await tables.unscoped().send(new ScanCommand({ TableName: T }));
    expect(fn.sent).toHaveLength(2);
  });
});
