// Exporting an account: queued, built in the background, downloadable by short-lived
// links — a JSON archive that follows its schema, a CSV of conversations, the original
// files — and never a provider key.
import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { createDocumentClient } from '../../lambdas/adapters/dynamo/client.ts';
import { z } from 'zod';
import { EXPORT_FORMAT } from '../../lambdas/core/exports.ts';
import { ask, call, joinTeam, newOwner, uploadDocument, useFakeProvider, usePlatform } from './fixtures/platform.ts';

const DOC = '# Hours\n\nThe shop opens at nine in the morning.\n';
const KEY = 'sk-export-never-0000000000000000000000';
const HOOK_TOKEN = 'TOKEN-export-never-0123456789';

const turn = z.object({ turnId: z.string(), question: z.string(), answer: z.string(), citations: z.array(z.object({ n: z.number(), document: z.string() }).loose()), keyClass: z.enum(['owner', 'platform', 'local']) }).loose();
const archiveSchema = z.object({
  format: z.literal(EXPORT_FORMAT),
  exportedAt: z.iso.datetime(),
  account: z.object({ accountId: z.string(), name: z.string(), retentionDays: z.number() }).loose(),
  members: z.array(z.object({ userId: z.string(), email: z.string(), role: z.enum(['owner', 'admin', 'viewer']) })).min(1),
  notifications: z.object({ members: z.array(z.object({ userId: z.string(), preferences: z.object({ email: z.record(z.string(), z.boolean()) }).loose() }).strict()).min(1) }).strict(),
  bots: z.array(z.object({
    settings: z.object({ botId: z.string(), publicId: z.string(), name: z.string() }).loose(),
    documents: z.array(z.object({ docId: z.string(), name: z.string(), status: z.string(), file: z.string().optional() }).loose()),
    conversations: z.array(z.object({ conversationId: z.string(), visitorId: z.string(), turns: z.array(turn) }).loose()),
    handoffs: z.array(z.object({ kind: z.literal('handoff'), email: z.string().optional(), message: z.string().optional() }).loose()),
    leads: z.array(z.object({ kind: z.literal('lead') }).loose()),
    notifications: z.object({
      preferences: z.object({ email: z.record(z.string(), z.boolean()) }).loose(),
      webhooks: z.array(z.object({ webhookId: z.string(), urlHint: z.string(), events: z.array(z.string()), status: z.string() }).loose()),
    }).strict(),
  })),
  usage: z.array(z.object({ month: z.string(), botId: z.string(), keyClass: z.string(), messages: z.number() }).loose()),
  audit: z.array(z.object({ action: z.string(), at: z.string() }).loose()),
}).strict();

describe('exporting an account', () => {
  const fake = useFakeProvider();
  const platform = usePlatform({ env: () => fake.env() });

  it('builds an archive that follows its schema, with the files and a CSV, and no key; then the account is erased', async () => {
    const owner = await newOwner(platform());
    const doc = await uploadDocument(platform(), owner, 'hours.md', DOC);
    const reply = await ask(platform(), owner.publicId, '=When does the shop open?');
    await call(platform().apiUrl, 'POST', `/widget/v1/${owner.publicId}/feedback`, { conversationId: reply.conversationId, turnId: reply.turnId, rating: 'up' }, { authorization: `Bearer ${reply.token}` });
    await call(platform().apiUrl, 'POST', `/widget/v1/${owner.publicId}/handoff`, { message: 'Call me', email: 'ada@example.com' }, { authorization: `Bearer ${reply.token}` });
    expect((await owner.request('PUT', '/v1/keys/openai', { apiKey: KEY })).status).toBe(200);
    // Notification choices and a webhook: exported as the panel shows them, and erased with the rest.
    expect((await owner.request('PUT', '/v1/me/notifications', { email: { 'lead.created': false } })).status).toBe(200);
    expect((await owner.request('PUT', `/v1/bots/${owner.botId}/notifications`, { email: { 'handoff.requested': false } })).status).toBe(200);
    const hook = await owner.request<{ webhook: { webhookId: string }; secret: string }>('POST', `/v1/bots/${owner.botId}/webhooks`, { url: `https://hooks.example.com/in/${HOOK_TOKEN}?key=${HOOK_TOKEN}`, events: ['document.failed'] });
    expect(hook.status).toBe(201);
    expect((await owner.request('POST', `/v1/bots/${owner.botId}/webhooks/${hook.body.webhook.webhookId}/rotate`)).status).toBe(200);

    const started = await owner.request<{ export: { exportId: string; status: string } }>('POST', '/v1/account/exports');
    expect(started.status).toBe(202);
    expect((await owner.request('POST', '/v1/account/exports')).status).toBe(409);
    const listed = await owner.request<{ exports: Array<{ exportId: string }> }>('GET', '/v1/account/exports');
    expect(listed.body.exports.map((e) => e.exportId)).toEqual([started.body.export.exportId]);
    await platform().exports.idle();
    const ready = await owner.request<{ export: { status: string; progress: Record<string, number> }; downloads: Array<{ name: string; url: string }> }>(
      'GET', `/v1/account/exports/${started.body.export.exportId}`,
    );
    expect(ready.body.export).toMatchObject({ status: 'ready', progress: { bots: 1, documents: 1, conversations: 1 } });
    const byName = new Map(ready.body.downloads.map((d) => [d.name, d.url]));

    const archiveText = await (await fetch(byName.get('parley-export.json')!)).text();
    expect(archiveText).not.toContain(KEY.slice(0, 12));
    const archive = archiveSchema.parse(JSON.parse(archiveText));
    expect(archive.bots[0]!.conversations[0]!.turns[0]).toMatchObject({ question: '=When does the shop open?', feedback: { rating: 'up' } });
    expect(archive.bots[0]!.handoffs[0]).toMatchObject({ email: 'ada@example.com', message: 'Call me' });
    expect(archive.audit.map((a) => a.action)).toContain('key.add');
    expect(archive.notifications.members).toEqual([expect.objectContaining({ preferences: expect.objectContaining({ email: { 'handoff.requested': true, 'lead.created': false } }) as unknown })]);
    expect(archive.bots[0]!.notifications.preferences.email).toEqual({ 'handoff.requested': false, 'lead.created': true });
    expect(archive.bots[0]!.notifications.webhooks).toEqual([expect.objectContaining({
      webhookId: hook.body.webhook.webhookId, urlHint: 'https://hooks.example.com/in/TO…', events: ['document.failed'], status: 'active',
    })]);
    // No webhook URL or signing secret, current or previous, in any form.
    expect(archiveText).not.toContain(HOOK_TOKEN.slice(0, 12));
    expect(archiveText).not.toContain(hook.body.secret);
    expect(archiveText).not.toContain('whsec_');
    expect(archiveText).not.toContain('sealed');

    const file = await fetch(byName.get(`${doc.docId}-hours.md`)!);
    expect(await file.text()).toBe(DOC);
    expect(file.headers.get('content-disposition')).toContain('attachment');
    const csv = await (await fetch(byName.get('parley-conversations.csv')!)).text();
    const [header, row] = csv.split('\r\n');
    expect(header).toBe('bot,conversation,visitor,turn,time,question,answer,answered,key_class,feedback,feedback_comment,dismissed_at');
    // A question that looks like a formula stays text in a spreadsheet.
    expect(row).toContain('"\'=When does the shop open?"');

    // The end of the lifecycle: erased, nothing of the account answers, the export included.
    expect((await owner.request('DELETE', '/v1/account')).status).toBe(204);
    expect((await owner.request('GET', `/v1/account/exports/${started.body.export.exportId}`)).status).toBe(403);
    expect((await fetch(byName.get('parley-export.json')!)).status).toBe(404);
    const db = createDocumentClient({ region: 'eu-west-1', endpoint: platform().dynamodbUrl });
    const left: Array<Record<string, unknown>> = [];
    let start: Record<string, unknown> | undefined;
    do {
      const page = await db.send(new ScanCommand({ TableName: platform().table, ExclusiveStartKey: start }));
      left.push(...(page.Items ?? []).filter((i) => JSON.stringify(i).includes(owner.accountId)));
      start = page.LastEvaluatedKey;
    } while (start);
    db.destroy();
    expect(left.map((i) => String(i.pk))).toEqual([`ERASED#${owner.accountId}`]);
  });

  it('answers 404 to another account and 403 to a viewer', async () => {
    const alice = await newOwner(platform());
    const started = await alice.request<{ export: { exportId: string } }>('POST', '/v1/account/exports');
    await platform().exports.idle();
    const bob = await newOwner(platform());
    expect((await bob.request('GET', `/v1/account/exports/${started.body.export.exportId}`)).status).toBe(404);
    const email = `viewer-${Date.now()}@example.com`;
    const viewer = await joinTeam(platform(), alice, 'viewer', email);
    expect((await viewer.request('POST', '/v1/account/exports')).status).toBe(403);
    expect((await viewer.request('GET', `/v1/account/exports/${started.body.export.exportId}`)).status).toBe(403);
  });
});
