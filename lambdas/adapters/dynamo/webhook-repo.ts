/**
 * Webhooks under the account partition: `HOOK#<bot>#<id>` (the subscription in
 * clear, its URL and signing secret sealed by the secret box) and
 * `HOOKLOG#<id>#<deliveryId>` (one attempt each, with `expiresAt`).
 */
import { DeleteCommand, GetCommand, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { Webhook, WebhookDelivery } from '../../core/records.ts';
import type { WebhookRepository } from '../../core/ports.ts';
import { batchWrite, live, queryAll, withoutKeys, type Item } from './items.ts';
import { accountItems } from './key-layout.ts';
import type { Tables } from './tables.ts';

const webhookOf = (item: Item): Webhook => {
  const { sealed: _s, ...rest } = withoutKeys<Webhook & { sealed: unknown }>(item);
  return rest;
};

const deliveryOf = (item: Item): WebhookDelivery => {
  const { expiresIso, ...rest } = withoutKeys<WebhookDelivery & { expiresIso: string }>(item);
  return { ...rest, expiresAt: expiresIso };
};

export const createWebhookRepository = (tables: Tables, table: string): WebhookRepository => {
  const key = (tenant: Parameters<WebhookRepository['get']>[0], botId: string, webhookId: string) => ({ pk: accountItems.pk(tenant), sk: accountItems.webhook(botId, webhookId) });
  const getItem = async (tenant: Parameters<WebhookRepository['get']>[0], botId: string, webhookId: string): Promise<Item | undefined> =>
    (await tables.tenant(tenant).send(new GetCommand({ TableName: table, Key: key(tenant, botId, webhookId), ConsistentRead: true }))).Item;

  return {
    async put(tenant, webhook, sealed) {
      await tables.tenant(tenant).send(new PutCommand({ TableName: table, Item: { ...key(tenant, webhook.botId, webhook.webhookId), ...webhook, sealed } }));
    },

    async get(tenant, botId, webhookId) {
      const item = await getItem(tenant, botId, webhookId);
      return item ? { webhook: webhookOf(item), sealed: item.sealed as Uint8Array } : null;
    },

    async list(tenant, botId) {
      const items = await queryAll(tables.tenant(tenant), {
        TableName: table,
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :p)',
        ExpressionAttributeValues: { ':pk': accountItems.pk(tenant), ':p': accountItems.webhooksOf(botId) },
      });
      return items.map(webhookOf);
    },

    async update(tenant, botId, webhookId, patch, sealed) {
      // Read, merge, write back only if nobody deleted it meanwhile: webhooks change rarely, and by their owners.
      const item = await getItem(tenant, botId, webhookId);
      if (!item) return null;
      const merged: Item = { ...item, ...patch, ...(sealed ? { sealed } : {}) };
      for (const [k, v] of Object.entries(merged)) if (v === undefined) delete merged[k];
      try {
        await tables.tenant(tenant).send(new PutCommand({ TableName: table, Item: merged, ConditionExpression: 'attribute_exists(pk)' }));
      } catch (err) {
        if ((err as { name?: string }).name === 'ConditionalCheckFailedException') return null;
        throw err;
      }
      return webhookOf(merged);
    },

    async delete(tenant, botId, webhookId) {
      const out = await tables.tenant(tenant).send(new DeleteCommand({ TableName: table, Key: key(tenant, botId, webhookId), ReturnValues: 'ALL_OLD' }));
      return out.Attributes !== undefined;
    },

    async deleteForBot(tenant, botId) {
      const items = await queryAll(tables.tenant(tenant), {
        TableName: table,
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :p)',
        ExpressionAttributeValues: { ':pk': accountItems.pk(tenant), ':p': accountItems.webhooksOf(botId) },
        ProjectionExpression: 'pk, sk',
      });
      await batchWrite(tables.tenant(tenant), table, items.map((i) => ({ DeleteRequest: { Key: { pk: i.pk, sk: i.sk } } })));
    },

    async logDelivery(tenant, delivery) {
      const { expiresAt, ...rest } = delivery;
      await tables.tenant(tenant).send(new PutCommand({
        TableName: table,
        Item: {
          pk: accountItems.pk(tenant),
          sk: accountItems.webhookDelivery(delivery.webhookId, delivery.deliveryId),
          ...rest,
          expiresIso: expiresAt,
          expiresAt: Math.floor(Date.parse(expiresAt) / 1000),
        },
      }));
    },

    async listDeliveries(tenant, webhookId, limit) {
      const out = await tables.tenant(tenant).send(new QueryCommand({
        TableName: table,
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :p)',
        ExpressionAttributeValues: { ':pk': accountItems.pk(tenant), ':p': accountItems.webhookDeliveriesOf(webhookId) },
        ScanIndexForward: false,
        Limit: limit,
      }));
      return live((out.Items ?? []) as Item[]).map(deliveryOf);
    },
  };
};
