/**
 * Webhooks under the account partition: `HOOK#<bot>#<id>` (the subscription in
 * clear, its URL and signing secret sealed by the secret box, with `revision`, the sealed part's revision) and
 * `HOOKLOG#<id>#<deliveryId>` (one attempt each, with `expiresAt`).
 */
import { DeleteCommand, GetCommand, PutCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { StaleWebhookError } from '../../core/errors.ts';
import type { Webhook, WebhookDelivery } from '../../core/records.ts';
import type { WebhookRepository } from '../../core/ports.ts';
import { batchWrite, live, queryAll, withoutKeys, type Item } from './items.ts';
import { accountItems } from './key-layout.ts';
import type { Tables } from './tables.ts';

const webhookOf = (item: Item): Webhook => {
  const { sealed: _s, revision: _r, ...rest } = withoutKeys<Webhook & { sealed: unknown; revision: unknown }>(item);
  return rest;
};

/** Items written before revisions were kept are revision 0. */
const revisionOf = (item: Item): number => (typeof item.revision === 'number' ? item.revision : 0);

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
      await tables.tenant(tenant).send(new PutCommand({ TableName: table, Item: { ...key(tenant, webhook.botId, webhook.webhookId), ...webhook, sealed, revision: 1 } }));
    },

    async get(tenant, botId, webhookId) {
      const item = await getItem(tenant, botId, webhookId);
      return item ? { webhook: webhookOf(item), sealed: item.sealed as Uint8Array, revision: revisionOf(item) } : null;
    },

    async list(tenant, botId) {
      const items = await queryAll(tables.tenant(tenant), {
        TableName: table,
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :p)',
        ExpressionAttributeValues: { ':pk': accountItems.pk(tenant), ':p': accountItems.webhooksOf(botId) },
      });
      return items.map(webhookOf);
    },

    async update(tenant, botId, webhookId, patch, sealed, onlyIfStatus) {
      // Only the named attributes are written, so a delivery recording its outcome cannot put back a secret
      // rotated or a status changed meanwhile; `onlyIfStatus` makes a transition (turning off) happen once; a
      // sealed part lands only on the revision it was made from, so two re-seals cannot undo one another.
      const names: Record<string, string> = { '#pk': 'pk' };
      const values: Record<string, unknown> = {};
      const sets: string[] = [];
      const removes: string[] = [];
      const fields: [string, unknown][] = [
        ...Object.entries(patch),
        ...(sealed ? [['sealed', sealed.blob], ['revision', sealed.basedOn + 1]] as [string, unknown][] : []),
      ];
      fields.forEach(([name, value], i) => {
        names[`#f${i}`] = name;
        if (value === undefined) removes.push(`#f${i}`);
        else {
          values[`:v${i}`] = value;
          sets.push(`#f${i} = :v${i}`);
        }
      });
      let condition = 'attribute_exists(#pk)';
      if (onlyIfStatus) {
        names['#status'] = 'status';
        values[':expected'] = onlyIfStatus;
        condition += ' AND #status = :expected';
      }
      if (sealed) {
        names['#revision'] = 'revision';
        if (sealed.basedOn === 0) condition += ' AND attribute_not_exists(#revision)';
        else {
          values[':basedOn'] = sealed.basedOn;
          condition += ' AND #revision = :basedOn';
        }
      }
      if (sets.length === 0 && removes.length === 0) {
        const item = await getItem(tenant, botId, webhookId);
        return item && (!onlyIfStatus || item.status === onlyIfStatus) ? webhookOf(item) : null;
      }
      try {
        const out = await tables.tenant(tenant).send(new UpdateCommand({
          TableName: table,
          Key: key(tenant, botId, webhookId),
          UpdateExpression: [sets.length ? `SET ${sets.join(', ')}` : '', removes.length ? `REMOVE ${removes.join(', ')}` : ''].join(' ').trim(),
          ConditionExpression: condition,
          ExpressionAttributeNames: names,
          ...(Object.keys(values).length ? { ExpressionAttributeValues: values } : {}),
          ReturnValues: 'ALL_NEW',
        }));
        return out.Attributes ? webhookOf(out.Attributes as Item) : null;
      } catch (err) {
        if ((err as { name?: string }).name !== 'ConditionalCheckFailedException') throw err;
        // Which condition failed: gone (or not in the status asked for) answers null, a newer sealed part throws.
        const now = sealed ? await getItem(tenant, botId, webhookId) : undefined;
        if (sealed && now && (!onlyIfStatus || now.status === onlyIfStatus) && revisionOf(now) !== sealed.basedOn) throw new StaleWebhookError();
        return null;
      }
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
