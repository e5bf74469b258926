/** Owner provider keys under the account partition: `KEY#<provider>`, the key itself only sealed. */
import { DeleteCommand, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import type { ProviderKeyRecord } from '../../core/records.ts';
import type { KeyVault } from '../../core/ports.ts';
import { live, queryAll, withoutKeys } from './items.ts';
import { accountItems } from './key-layout.ts';
import { updateExisting } from './update-expression.ts';
import type { Tables } from './tables.ts';

const record = (item: Record<string, unknown>): ProviderKeyRecord => {
  const { sealed: _sealed, ...rest } = withoutKeys<ProviderKeyRecord & { sealed?: unknown }>(item);
  return rest;
};

export const createKeyVaultRepository = (tables: Tables, table: string): KeyVault => ({
  async put(tenant, rec, sealed) {
    await tables.tenant(tenant).send(new PutCommand({ TableName: table, Item: { pk: accountItems.pk(tenant), sk: accountItems.providerKey(rec.provider), ...rec, sealed } }));
  },

  async get(tenant, provider) {
    const out = await tables.tenant(tenant).send(new GetCommand({ TableName: table, Key: { pk: accountItems.pk(tenant), sk: accountItems.providerKey(provider) }, ConsistentRead: true }));
    const [item] = live(out.Item ? [out.Item] : []);
    return item ? { record: record(item), sealed: item.sealed as Uint8Array } : null;
  },

  async list(tenant) {
    const items = await queryAll(tables.tenant(tenant), {
      TableName: table,
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :p)',
      ExpressionAttributeValues: { ':pk': accountItems.pk(tenant), ':p': accountItems.providerKeys },
    });
    return items.map(record);
  },

  update: (tenant, provider, patch) => updateExisting(tables.tenant(tenant), table, { pk: accountItems.pk(tenant), sk: accountItems.providerKey(provider) }, patch),

  async delete(tenant, provider) {
    const out = await tables.tenant(tenant).send(new DeleteCommand({ TableName: table, Key: { pk: accountItems.pk(tenant), sk: accountItems.providerKey(provider) }, ReturnValues: 'ALL_OLD' }));
    return out.Attributes !== undefined;
  },
});
