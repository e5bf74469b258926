/**
 * Expired items, across every partition: a scan filtered on `expiresAt`, keys only,
 * deleted in batches, a page at a time.
 */
import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import type { Sweeper } from '../../core/ports.ts';
import { batchWrite, type Item } from './items.ts';
import type { Tables } from './tables.ts';

/** Table-wide by nature: the only user of `tables.unscoped()` in a function. */
export const createSweeper = (tables: Tables, table: string): Sweeper => ({
  async deleteExpired(now, limit) {
    const db = tables.unscoped();
    let deleted = 0;
    let start: Record<string, unknown> | undefined;
    do {
      const page = await db.send(new ScanCommand({
        TableName: table,
        FilterExpression: 'expiresAt < :now',
        ExpressionAttributeValues: { ':now': Math.floor(now.getTime() / 1000) },
        ProjectionExpression: 'pk, sk',
        ExclusiveStartKey: start,
      }));
      const keys = (page.Items ?? []) as Item[];
      await batchWrite(db, table, keys.map((Key) => ({ DeleteRequest: { Key } })));
      deleted += keys.length;
      start = page.LastEvaluatedKey;
    } while (start && deleted < limit);
    return { deleted, more: start !== undefined };
  },
});
