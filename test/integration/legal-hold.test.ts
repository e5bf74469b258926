// Legal hold: placed by the operator, it stops every erasure and every expiry of the
// account's data — including what is written while it holds — until it is lifted.
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, inject, it } from 'vitest';
import { createDocumentClient } from '../../lambdas/adapters/dynamo/client.ts';
import { sweepExpired } from '../../lambdas/core/sweeper.ts';
import { ask, newOwner, uploadDocument, usePlatform, type Owner } from './fixtures/platform.ts';

describe('legal hold', () => {
  const platform = usePlatform();

  const conversationItems = async (owner: Owner) => {
    const db = createDocumentClient({ region: 'eu-west-1', endpoint: platform().dynamodbUrl });
    const out = await db.send(new QueryCommand({ TableName: platform().table, KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': `A#${owner.accountId}#C#${owner.botId}` } }));
    db.destroy();
    return out.Items ?? [];
  };
  const operator = (...args: string[]) =>
    execFileSync(process.execPath, [path.resolve('infra/ops/operator.ts'), ...args, '--local', platform().dynamodbUrl, '--data', path.dirname(inject('masterKeyFile'))], { encoding: 'utf8' });

  it('stops every erasure and expiry until the operator lifts it', async () => {
    const owner = await newOwner(platform());
    const doc = await uploadDocument(platform(), owner, 'hours.md', '# Hours\n\nThe shop opens at nine in the morning.\n');
    const before = await ask(platform(), owner.publicId, 'When does the shop open?');

    expect(JSON.parse(operator('hold', owner.accountId, 'Litigation', '42'))).toMatchObject({ suspended: expect.any(Number) as number });
    expect(JSON.parse(operator('holds'))).toContain(owner.accountId);
    const held = await conversationItems(owner);
    expect(held.length).toBeGreaterThan(0);
    expect(held.every((i) => i.expiresAt === undefined && typeof i.heldExpiresAt === 'number')).toBe(true);

    for (const [method, path] of [
      ['DELETE', '/v1/account'],
      ['DELETE', `/v1/bots/${owner.botId}`],
      ['DELETE', `/v1/bots/${owner.botId}/documents/${doc.docId}`],
      ['DELETE', `/v1/bots/${owner.botId}/conversations/${before.conversationId}`],
      ['DELETE', '/v1/visitors/01ARZ3NDEKTSV4RRFFQ69G5FAV'],
    ] as const) {
      const res = await owner.request(method, path);
      expect({ path, status: res.status }).toEqual({ path, status: 409 });
    }

    // Written during the hold: the next sweep suspends its expiry too, and deletes nothing of the account.
    const during = await ask(platform(), owner.publicId, 'Is it open early?');
    expect((await conversationItems(owner)).some((i) => i.expiresAt !== undefined)).toBe(true);
    await sweepExpired(platform().deps);
    const swept = await conversationItems(owner);
    expect(swept.every((i) => i.expiresAt === undefined)).toBe(true);
    expect(swept.map((i) => String(i.sk))).toEqual(expect.arrayContaining([`CONV#${before.conversationId}`, `CONV#${during.conversationId}`]));

    expect(JSON.parse(operator('lift', owner.accountId))).toMatchObject({ restored: expect.any(Number) as number });
    expect((await conversationItems(owner)).every((i) => typeof i.expiresAt === 'number' && i.heldExpiresAt === undefined)).toBe(true);
    expect((await owner.request('DELETE', `/v1/bots/${owner.botId}/documents/${doc.docId}`)).status).toBe(204);
    const actions = (await owner.request<{ entries: Array<{ action: string }> }>('GET', '/v1/audit?action=account.hold')).body.entries.map((e) => e.action);
    expect(actions).toEqual(['account.hold.lifted', 'account.hold.placed']);
  });
});
