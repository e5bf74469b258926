/** Export records under the account partition: `EXPORT#<id>`, erased with `expiresAt`. */
import { GetCommand, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { ExportRecord } from '../../core/records.ts';
import type { ExportRepository } from '../../core/ports.ts';
import { live, withoutKeys, type Item } from './items.ts';
import { accountItems } from './key-layout.ts';
import type { Tables } from './tables.ts';

const recordOf = (item: Item): ExportRecord => {
  const { expiresIso, ...rest } = withoutKeys<ExportRecord & { expiresIso: string }>(item);
  return { ...rest, expiresAt: expiresIso };
};

export const createExportRepository = (tables: Tables, table: string): ExportRepository => ({
  async put(tenant, record) {
    await tables.tenant(tenant).send(new PutCommand({
      TableName: table,
      Item: { pk: accountItems.pk(tenant), sk: accountItems.export(record.exportId), ...record, expiresIso: record.expiresAt, expiresAt: Math.floor(Date.parse(record.expiresAt) / 1000) },
    }));
  },

  async get(tenant, exportId) {
    const out = await tables.tenant(tenant).send(new GetCommand({ TableName: table, Key: { pk: accountItems.pk(tenant), sk: accountItems.export(exportId) }, ConsistentRead: true }));
    const [item] = live(out.Item ? [out.Item] : []);
    return item ? recordOf(item) : null;
  },

  async list(tenant, limit) {
    const out = await tables.tenant(tenant).send(new QueryCommand({
      TableName: table,
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :p)',
      ExpressionAttributeValues: { ':pk': accountItems.pk(tenant), ':p': accountItems.exports },
      ScanIndexForward: false,
      Limit: limit,
    }));
    return live((out.Items ?? []) as Item[]).map(recordOf);
  },
});
