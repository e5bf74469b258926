/**
 * Suspending and restoring expiry for an account under legal hold. Every item of
 * the account's own partition and of its bots' conversation partitions that has an
 * `expiresAt` gets it moved to `heldExpiresAt` (and back). Held accounts are listed
 * under `HOLDS` (ids only), so the sweeper can re-suspend what was written since.
 */
import { DeleteCommand, PutCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { RetentionControl } from '../../core/ports.ts';
import type { TenantContext } from '../../core/tenancy.ts';
import { isConditionFailure, queryAll, type Item } from './items.ts';
import { accountItems, conversationItems, holdItems } from './key-layout.ts';
import type { Tables } from './tables.ts';

export const createRetentionControl = (tables: Tables, table: string): RetentionControl => {
  /** Moves `from` to `to` on every item of the account that has `from`; returns how many. */
  const move = async (tenant: TenantContext, botIds: readonly string[], from: string, to: string): Promise<number> => {
    const db = tables.tenant(tenant);
    let moved = 0;
    // The partitions that hold the account's data with an expiry: its own, and each bot's conversations.
    for (const pk of [accountItems.pk(tenant), ...botIds.map((botId) => conversationItems.pk(tenant, botId))]) {
      let start: Record<string, unknown> | undefined;
      do {
        const page = await db.send(new QueryCommand({
          TableName: table,
          KeyConditionExpression: 'pk = :pk',
          FilterExpression: 'attribute_exists(#from)',
          ExpressionAttributeNames: { '#from': from },
          ExpressionAttributeValues: { ':pk': pk },
          ProjectionExpression: 'pk, sk',
          ExclusiveStartKey: start,
        }));
        for (const { pk: p, sk } of (page.Items ?? []) as Item[]) {
          await db.send(new UpdateCommand({
            TableName: table,
            Key: { pk: p, sk },
            UpdateExpression: 'SET #to = #from REMOVE #from',
            ConditionExpression: 'attribute_exists(#from)',
            ExpressionAttributeNames: { '#from': from, '#to': to },
          })).catch((err: unknown) => {
            // Gone or moved meanwhile: nothing to do for this item.
            if (!isConditionFailure(err)) throw err;
          });
          moved++;
        }
        start = page.LastEvaluatedKey;
      } while (start);
    }
    return moved;
  };
  return {
    suspend: (tenant, botIds) => move(tenant, botIds, 'expiresAt', 'heldExpiresAt'),
    restore: (tenant, botIds) => move(tenant, botIds, 'heldExpiresAt', 'expiresAt'),
    async markHeld(accountId, held) {
      if (held) await tables.platform.send(new PutCommand({ TableName: table, Item: { pk: holdItems.pk, sk: holdItems.sk(accountId), accountId } }));
      else await tables.platform.send(new DeleteCommand({ TableName: table, Key: { pk: holdItems.pk, sk: holdItems.sk(accountId) } }));
    },
    async heldAccounts() {
      const items = await queryAll(tables.platform, { TableName: table, KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': holdItems.pk } });
      return items.map((i) => String(i.accountId));
    },
  };
};
