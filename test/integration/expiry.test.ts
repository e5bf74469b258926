import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { createDocumentClient } from '../../lambdas/adapters/dynamo/client.ts';
import { createDocumentRepository } from '../../lambdas/adapters/dynamo/document-repo.ts';
import { newId } from '../../lambdas/core/ids.ts';
import { tenantForSystem } from '../../lambdas/core/tenancy.ts';
import { usePlatform } from './fixtures/platform.ts';
import { createTables } from '../../lambdas/adapters/dynamo/tables.ts';

describe('expired items', () => {
  const platform = usePlatform();

  it('are ignored by every read, though DynamoDB Local never deletes them', async () => {
    const db = createDocumentClient({ region: 'eu-west-1', endpoint: platform().dynamodbUrl });
    const docs = createDocumentRepository(createTables({ base: db }), platform().table);
    const tenant = tenantForSystem(newId());
    const botId = newId();
    const base = { botId, name: 'a.md', contentType: 'text/markdown', size: 1, status: 'ready', chunkCount: 1, objectName: 'a.md', createdAt: '', updatedAt: '' };
    const now = Math.floor(Date.now() / 1000);
    const [expired, live] = [newId(), newId()];
    await db.send(new PutCommand({ TableName: platform().table, Item: { pk: `A#${tenant.accountId}`, sk: `DOC#${botId}#${expired}`, ...base, docId: expired, expiresAt: now - 5 } }));
    await db.send(new PutCommand({ TableName: platform().table, Item: { pk: `A#${tenant.accountId}`, sk: `DOC#${botId}#${live}`, ...base, docId: live, expiresAt: now + 3600 } }));

    expect(await docs.get(tenant, botId, expired)).toBeNull();
    expect(await docs.get(tenant, botId, live)).toMatchObject({ docId: live });
    expect((await docs.list(tenant, botId)).map((d) => d.docId)).toEqual([live]);
    db.destroy();
  });
});
