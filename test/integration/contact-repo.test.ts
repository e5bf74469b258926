import { QueryCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDocumentClient } from '../../lambdas/adapters/dynamo/client.ts';
import { createContactRepository } from '../../lambdas/adapters/dynamo/contact-repo.ts';
import { newId } from '../../lambdas/core/ids.ts';
import type { VisitorContact } from '../../lambdas/core/records.ts';
import type { ContactRepository } from '../../lambdas/core/ports.ts';
import { tenantForSystem } from '../../lambdas/core/tenancy.ts';
import { usePlatform } from './fixtures/platform.ts';
import { createTables } from '../../lambdas/adapters/dynamo/tables.ts';

const inAnHour = () => new Date(Date.now() + 3_600_000).toISOString();

/** A contact whose id is `k` milliseconds on, so contacts sort in the order the test makes them. */
const contact = (botId: string, kind: VisitorContact['kind'], k: number, over: Partial<VisitorContact> = {}): VisitorContact => ({
  contactId: newId(Date.now() + k), botId, kind, visitorId: newId(), createdAt: new Date(Date.now() + k).toISOString(), expiresAt: inAnHour(),
  ...(kind === 'handoff'
    ? { name: 'Ada Lovelace', email: 'ada@example.com', message: 'My invoice 99812 is wrong', conversationId: newId() }
    : { name: 'Grace Hopper', phone: '+31 6 1234 5678', fields: { company: 'Cobol Works', seats: '40' } }),
  ...over,
});

describe('contact repository', () => {
  const platform = usePlatform();
  let db: DynamoDBDocumentClient;
  let repo: ContactRepository;
  beforeAll(() => {
    db = createDocumentClient({ region: 'eu-west-1', endpoint: platform().dynamodbUrl });
    repo = createContactRepository(createTables({ base: db }), platform().table, platform().deps.cipher);
  });
  afterAll(() => db.destroy());

  const fresh = () => ({ tenant: tenantForSystem(newId()), botId: newId() });

  it('lists handoffs and leads apart, newest first, as they were stored, up to the limit', async () => {
    const { tenant, botId } = fresh();
    const handoffs = [1, 2, 3].map((k) => contact(botId, 'handoff', k));
    const leads = [4, 5].map((k) => contact(botId, 'lead', k));
    for (const c of [...handoffs, ...leads]) await repo.put(tenant, c);

    expect(await repo.list(tenant, botId, 'handoff', 10)).toEqual([handoffs[2], handoffs[1], handoffs[0]]);
    expect(await repo.list(tenant, botId, 'handoff', 2)).toEqual([handoffs[2], handoffs[1]]);
    expect(await repo.list(tenant, botId, 'lead', 10)).toEqual([leads[1], leads[0]]);
  });

  it('stores names, e-mail addresses, phone numbers, messages and custom fields only sealed', async () => {
    const { tenant, botId } = fresh();
    await repo.put(tenant, contact(botId, 'handoff', 1));
    await repo.put(tenant, contact(botId, 'lead', 2));
    const out = await db.send(new QueryCommand({
      TableName: platform().table, KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': `A#${tenant.accountId}#C#${botId}` },
    }));
    expect(out.Items).toHaveLength(2);
    const raw = (out.Items ?? []).flatMap((i) => Object.values(i).map((v) => (v instanceof Uint8Array ? Buffer.from(v).toString('latin1') : JSON.stringify(v)))).join('\n');
    for (const plain of ['Lovelace', 'ada@example.com', '99812', 'Hopper', '1234 5678', 'Cobol Works']) expect(raw).not.toContain(plain);
    expect(raw).toContain(botId);
  });

  it('ignores expired contacts and still fills the page with live ones', async () => {
    const { tenant, botId } = fresh();
    const live = [1, 2, 3].map((k) => contact(botId, 'lead', k));
    const expired = contact(botId, 'lead', 4, { expiresAt: new Date(Date.now() - 60_000).toISOString() });
    for (const c of [...live, expired]) await repo.put(tenant, c);

    expect(await repo.list(tenant, botId, 'lead', 2)).toEqual([live[2], live[1]]);
    expect((await repo.list(tenant, botId, 'lead', 10)).map((c) => c.contactId)).not.toContain(expired.contactId);
  });

  it('shows another account nothing for the same bot id', async () => {
    const { tenant: alice, botId } = fresh();
    const bob = tenantForSystem(newId());
    await repo.put(alice, contact(botId, 'handoff', 1));
    await repo.put(alice, contact(botId, 'lead', 2));

    expect(await repo.list(bob, botId, 'handoff', 10)).toEqual([]);
    expect(await repo.list(bob, botId, 'lead', 10)).toEqual([]);
    expect(await repo.list(alice, botId, 'handoff', 10)).toHaveLength(1);
  });
});
