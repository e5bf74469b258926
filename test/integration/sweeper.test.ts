// The sweeper deletes what has expired and TTL has not removed, across accounts,
// and nothing else.
import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { createDocumentClient } from '../../lambdas/adapters/dynamo/client.ts';
import { newId } from '../../lambdas/core/ids.ts';
import { sweepExpired } from '../../lambdas/core/sweeper.ts';
import { usePlatform } from './fixtures/platform.ts';

describe('the sweeper', () => {
  const platform = usePlatform();

  it('deletes expired items of every account and keeps the rest', async () => {
    const db = createDocumentClient({ region: 'eu-west-1', endpoint: platform().dynamodbUrl });
    const now = Math.floor(Date.now() / 1000);
    const items = [
      { pk: `A#${newId()}#C#${newId()}`, sk: 'CONV#old', expiresAt: now - 3600 },
      { pk: `A#${newId()}`, sk: 'AUDIT#old', expiresAt: now - 60 },
      { pk: `A#${newId()}#C#${newId()}`, sk: 'CONV#current', expiresAt: now + 3600 },
      { pk: `A#${newId()}`, sk: 'ACCOUNT' },
    ];
    for (const Item of items) await db.send(new PutCommand({ TableName: platform().table, Item }));

    const result = await sweepExpired(platform().deps);
    expect(result.deleted).toBeGreaterThanOrEqual(2);
    const present = async (i: { pk: string; sk: string }) =>
      (await db.send(new GetCommand({ TableName: platform().table, Key: { pk: i.pk, sk: i.sk } }))).Item !== undefined;
    expect(await Promise.all(items.map(present))).toEqual([false, false, true, true]);
    db.destroy();
  });
});
