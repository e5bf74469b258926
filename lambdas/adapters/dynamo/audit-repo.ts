/** The audit log under the account partition: `AUDIT#<time>#<id>`, kept 12 months. */
import { PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { AuditEntry } from '../../core/records.ts';
import type { AuditLog } from '../../core/ports.ts';
import { AUDIT_RETENTION_DAYS } from '../../core/limits.ts';
import { live, withoutKeys, type Item } from './items.ts';
import { accountItems } from './key-layout.ts';
import type { Tables } from './tables.ts';


export const createAuditRepository = (tables: Tables, table: string): AuditLog => ({
  async record(tenant, entry) {
    const expiresAt = Math.floor(Date.parse(entry.at) / 1000) + AUDIT_RETENTION_DAYS * 86_400;
    await tables.tenant(tenant).send(new PutCommand({ TableName: table, Item: { pk: accountItems.pk(tenant), sk: accountItems.audit(entry.at, entry.id), ...entry, expiresAt } }));
  },

  async list(tenant, { action, limit }) {
    const out: AuditEntry[] = [];
    let start: Record<string, unknown> | undefined;
    do {
      const page = await tables.tenant(tenant).send(new QueryCommand({
        TableName: table,
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :p)',
        ExpressionAttributeValues: { ':pk': accountItems.pk(tenant), ':p': accountItems.audits },
        ScanIndexForward: false,
        ExclusiveStartKey: start,
      }));
      for (const item of live((page.Items ?? []) as Item[])) {
        const entry = withoutKeys<AuditEntry>(item);
        if (!action || entry.action === action || entry.action.startsWith(`${action}.`)) out.push(entry);
        if (out.length >= limit) return out;
      }
      start = page.LastEvaluatedKey;
    } while (start);
    return out;
  },
});
