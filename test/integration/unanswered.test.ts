// What a bot could not answer, for its owner: grouped, newest first, dismissible (audited),
// gone with its conversation, and the share of questions answered in the last seven days.
import { QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { randomUUID } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import { createDocumentClient } from '../../lambdas/adapters/dynamo/client.ts';
import { conversationItems } from '../../lambdas/adapters/dynamo/key-layout.ts';
import { tenantForSystem } from '../../lambdas/core/tenancy.ts';
import type { UnansweredReport } from '../../lambdas/core/views.ts';
import { ask, joinTeam, newOwner, uploadDocument, usePlatform, type Owner } from './fixtures/platform.ts';

const DOC = '# Opening hours\n\nThe shop opens at nine in the morning and closes at six in the evening.\n';

/** Ten ways visitors ask one question the documents do not answer. */
const CANADA = [
  'Do you ship to Canada?', 'do u ship to canada', 'Shipping to Canada?', 'Can you ship my order to Canada?',
  'Is shipping to Canada possible?', 'Canada shipping', 'DO YOU SHIP TO CANADA??', 'Will you ship orders to Canada',
  'Hi! Do you ship to Canada please?', 'Do you also ship to Canada?',
];

describe('unanswered questions', () => {
  const platform = usePlatform();
  let db: ReturnType<typeof createDocumentClient> | undefined;
  const client = () => (db ??= createDocumentClient({ region: 'eu-west-1', endpoint: platform().dynamodbUrl }));
  afterAll(() => db?.destroy());

  const declined = async (owner: Owner, question: string) => {
    const reply = await ask(platform(), owner.publicId, question);
    expect({ question, answered: reply.done?.answered }).toEqual({ question, answered: false });
    return reply;
  };
  const report = async (owner: Owner, query = '') => {
    const res = await owner.request<UnansweredReport>('GET', `/v1/bots/${owner.botId}/unanswered${query}`);
    expect(res.status).toBe(200);
    return res.body;
  };
  /** Sets clear attributes of every item of a conversation (record and turns). */
  const rewrite = async (owner: Owner, conversationId: string, set: Record<string, unknown>, turnsOnly = false) => {
    const pk = conversationItems.pk(tenantForSystem(owner.accountId), owner.botId);
    const items = await client().send(new QueryCommand({ TableName: platform().table, KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': pk } }));
    const mine = (items.Items ?? []).filter((i) => String(i.sk).includes(conversationId) && (!turnsOnly || String(i.sk).startsWith('TURN#')));
    expect(mine.length).toBeGreaterThan(0);
    for (const i of mine) {
      const names = Object.keys(set);
      await client().send(new UpdateCommand({
        TableName: platform().table, Key: { pk: String(i.pk), sk: String(i.sk) },
        UpdateExpression: `SET ${names.map((_, k) => `#n${k} = :v${k}`).join(', ')}`,
        ExpressionAttributeNames: Object.fromEntries(names.map((n, k) => [`#n${k}`, n])),
        ExpressionAttributeValues: Object.fromEntries(names.map((n, k) => [`:v${k}`, set[n]])),
      }));
    }
  };

  it('shows one question asked ten ways once, with its count, the newest question first, and the week’s answered share', async () => {
    const owner = await newOwner(platform());
    await uploadDocument(platform(), owner, 'hours.md', DOC);
    expect((await report(owner)).groups).toEqual([]);
    const canada = [];
    for (const q of CANADA) canada.push(await declined(owner, q));
    const answered = await ask(platform(), owner.publicId, 'When does the shop open?');
    expect(answered.done?.answered).toBe(true);
    await declined(owner, 'Do you ship to Mexico?');
    await declined(owner, 'Shipping to Mexico?');

    const r = await report(owner);
    expect(r.groups.map((g) => [g.question, g.count])).toEqual([['Do you ship to Mexico?', 2], ['Do you ship to Canada?', 10]]);
    expect(r.total).toBe(2);
    const group = r.groups[1]!;
    expect(group.groupId).toBe(canada[0]!.turnId);
    expect(group.lastAskedAt > group.firstAskedAt).toBe(true);
    expect(group.phrasings).toEqual(['Do you also ship to Canada?', 'Hi! Do you ship to Canada please?', 'Will you ship orders to Canada', 'Canada shipping', 'Is shipping to Canada possible?']);
    // The newest asks, with the conversations to read them in.
    expect(group.asks.map((a) => a.conversationId)).toEqual(canada.slice(-5).reverse().map((c) => c.conversationId));
    expect(group.dismissedAt).toBeUndefined();
    expect(r.week).toMatchObject({ asked: 13, answered: 1 });
    expect(Date.parse(r.week.to) - Date.parse(r.week.from)).toBe(7 * 86_400_000);
    expect(r).toMatchObject({ scanned: 13, truncated: false });
    // A limit keeps the newest groups, and says how many there are.
    const first = await report(owner, '?limit=1');
    expect(first.groups.map((g) => g.question)).toEqual(['Do you ship to Mexico?']);
    expect(first.total).toBe(2);
  });

  it('dismisses a group for good, in the audit log, and brings it back only when it is asked again', async () => {
    const owner = await newOwner(platform());
    await uploadDocument(platform(), owner, 'hours.md', DOC);
    const first = await declined(owner, 'Do you ship to Canada?');
    await declined(owner, 'Shipping to Canada?');
    await declined(owner, 'Do you sell gift cards?');
    const groupId = first.turnId!;

    const dismiss = await owner.request('POST', `/v1/bots/${owner.botId}/unanswered/${groupId}/dismiss`);
    expect(dismiss).toMatchObject({ status: 200, body: { dismissed: 2 } });
    expect((await report(owner)).groups.map((g) => g.question)).toEqual(['Do you sell gift cards?']);
    // Nothing left to dismiss: 404, as for a group that never was.
    expect((await owner.request('POST', `/v1/bots/${owner.botId}/unanswered/${groupId}/dismiss`)).status).toBe(404);
    expect((await owner.request('POST', `/v1/bots/${owner.botId}/unanswered/01ARZ3NDEKTSV4RRFFQ69G5FAV/dismiss`)).status).toBe(404);
    expect((await owner.request('POST', `/v1/bots/${owner.botId}/unanswered/not-an-id/dismiss`)).status).toBe(404);

    // The transcript keeps the turn, marked dismissed.
    const transcript = await owner.request<{ turns: Array<{ dismissedAt?: string }> }>('GET', `/v1/bots/${owner.botId}/conversations/${first.conversationId}`);
    expect(transcript.body.turns[0]!.dismissedAt).toEqual(expect.any(String));

    // A viewer may read the list but not dismiss; both attempts are in the audit log.
    const email = `viewer-${randomUUID()}@example.com`;
    const viewer = await joinTeam(platform(), owner, 'viewer', email);
    await viewer.request('GET', '/v1/account');
    expect((await viewer.request('GET', `/v1/bots/${owner.botId}/unanswered`)).status).toBe(200);
    const gifts = (await report(owner)).groups[0]!.groupId;
    expect((await viewer.request('POST', `/v1/bots/${owner.botId}/unanswered/${gifts}/dismiss`)).status).toBe(403);
    const audit = await owner.request<{ entries: Array<{ action: string; outcome: string; target?: string; sourceIp?: string }> }>('GET', '/v1/audit?action=unanswered');
    expect(audit.body.entries.map((e) => [e.action, e.outcome, e.target])).toEqual([
      ['unanswered.dismiss', 'refused', gifts], ['unanswered.dismiss', 'ok', groupId],
    ]);
    expect(audit.body.entries[1]!.sourceIp).toBe('127.0.0.1');

    // Asked again after the dismissal: back, counting only the new ask, under the same id.
    await declined(owner, 'Can you ship to Canada?');
    const back = (await report(owner)).groups[0]!;
    expect(back).toMatchObject({ groupId, question: 'Can you ship to Canada?', count: 1, dismissedAt: expect.any(String) as string });
  });

  it('forgets a question when its conversation expires or is deleted, and counts only the last seven days in the share', async () => {
    const owner = await newOwner(platform());
    await uploadDocument(platform(), owner, 'hours.md', DOC);
    const expiring = await declined(owner, 'Do you ship to Canada?');
    const deleted = await declined(owner, 'Do you sell gift cards?');
    const old = await declined(owner, 'Is there parking nearby?');
    await ask(platform(), owner.publicId, 'When does the shop open?');
    expect((await report(owner)).groups).toHaveLength(3);

    // Retention: DynamoDB deletes expired items within days; every read ignores them before that.
    await rewrite(owner, expiring.conversationId!, { expiresAt: Math.floor(Date.now() / 1000) - 60 });
    expect((await owner.request('DELETE', `/v1/bots/${owner.botId}/conversations/${deleted.conversationId}`)).status).toBe(204);
    await rewrite(owner, old.conversationId!, { createdAt: new Date(Date.now() - 8 * 86_400_000).toISOString() }, true);

    const r = await report(owner);
    expect(r.groups.map((g) => g.question)).toEqual(['Is there parking nearby?']);
    // Only the answered question is from this week.
    expect(r.week).toMatchObject({ asked: 1, answered: 1 });
    // An expired question cannot be dismissed either.
    expect((await owner.request('POST', `/v1/bots/${owner.botId}/unanswered/${expiring.turnId}/dismiss`)).status).toBe(404);
  });

  it('answers 404 to another account, for the list and for dismissing, and changes nothing', async () => {
    const alice = await newOwner(platform());
    const bob = await newOwner(platform());
    await uploadDocument(platform(), alice, 'hours.md', DOC);
    const q = await declined(alice, 'Do you ship to Canada?');
    for (const [method, path] of [
      ['GET', `/v1/bots/${alice.botId}/unanswered`],
      ['POST', `/v1/bots/${alice.botId}/unanswered/${q.turnId}/dismiss`],
      // Bob's own bot does not reach Alice's questions either.
      ['POST', `/v1/bots/${bob.botId}/unanswered/${q.turnId}/dismiss`],
    ] as const) {
      const res = await bob.request(method, path);
      expect({ path, status: res.status, body: res.body }).toEqual({ path, status: 404, body: { error: { code: 'not_found', message: expect.any(String) as string } } });
    }
    expect((await report(alice)).groups.map((g) => g.count)).toEqual([1]);
    expect((await report(bob)).groups).toEqual([]);
  });

  it('refuses a limit it cannot use, in plain words', async () => {
    const owner = await newOwner(platform());
    for (const limit of ['0', '201', 'ten']) {
      const res = await owner.request<{ error: { code: string; message: string } }>('GET', `/v1/bots/${owner.botId}/unanswered?limit=${limit}`);
      expect(res.status).toBe(400);
      expect(res.body.error.message).toMatch(/^limit: /);
    }
    const unknown = await owner.request<{ error: { message: string } }>('GET', `/v1/bots/${owner.botId}/unanswered?sort=old`);
    expect(unknown.status).toBe(400);
  });
});
