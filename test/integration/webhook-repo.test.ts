// A delivery records its outcome while the owner may be rotating the secret or turning the webhook off, and
// several jobs may fail for good at once: each write changes only what it names, and turning off happens once.
// Owners' edits that re-seal URL and secret land only on the revision they read.
import { PutCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDocumentClient } from '../../lambdas/adapters/dynamo/client.ts';
import { createTables } from '../../lambdas/adapters/dynamo/tables.ts';
import { accountItems } from '../../lambdas/adapters/dynamo/key-layout.ts';
import { createWebhookRepository } from '../../lambdas/adapters/dynamo/webhook-repo.ts';
import { StaleWebhookError } from '../../lambdas/core/errors.ts';
import { newId } from '../../lambdas/core/ids.ts';
import type { WebhookRepository } from '../../lambdas/core/ports.ts';
import type { Webhook } from '../../lambdas/core/records.ts';
import { tenantForSystem } from '../../lambdas/core/tenancy.ts';
import { usePlatform } from './fixtures/platform.ts';

describe('webhook repository updates', () => {
  const platform = usePlatform();
  let db: DynamoDBDocumentClient;
  let repo: WebhookRepository;
  beforeAll(() => {
    db = createDocumentClient({ region: 'eu-west-1', endpoint: platform().dynamodbUrl });
    repo = createWebhookRepository(createTables({ base: db }), platform().table);
  });
  afterAll(() => db.destroy());

  const stored = async () => {
    const tenant = tenantForSystem(newId());
    const now = new Date().toISOString();
    const webhook: Webhook = {
      webhookId: newId(), botId: newId(), kind: 'generic', urlHint: 'https://hooks.example.com/…', events: ['lead.created'],
      status: 'active', createdAt: now, updatedAt: now,
    };
    await repo.put(tenant, webhook, new Uint8Array([1]));
    return { tenant, webhook };
  };

  it('keeps a secret rotated while deliveries record their outcomes', async () => {
    for (let round = 0; round < 5; round++) {
      const { tenant, webhook } = await stored();
      const at = new Date().toISOString();
      const deliveries = Array.from({ length: 10 }, () => repo.update(tenant, webhook.botId, webhook.webhookId, { lastFailureAt: at }));
      const rotation = repo.update(tenant, webhook.botId, webhook.webhookId, { updatedAt: at, previousSecretUntil: at }, { blob: new Uint8Array([2]), basedOn: 1 });
      await Promise.all([...deliveries, rotation]);

      const after = await repo.get(tenant, webhook.botId, webhook.webhookId);
      expect([...after!.sealed]).toEqual([2]);
      expect(after!.webhook).toMatchObject({ previousSecretUntil: at, lastFailureAt: at, status: 'active' });
    }
  });

  it('leaves a webhook its owner turned off turned off when a delivery then records a success', async () => {
    const { tenant, webhook } = await stored();
    await repo.update(tenant, webhook.botId, webhook.webhookId, { status: 'disabled' });
    const at = new Date().toISOString();
    expect(await repo.update(tenant, webhook.botId, webhook.webhookId, { lastSuccessAt: at })).toMatchObject({ status: 'disabled', lastSuccessAt: at });
  });

  it('turns a webhook off once when several final failures race, so one e-mail is sent', async () => {
    const { tenant, webhook } = await stored();
    const outcomes = await Promise.all(Array.from({ length: 6 }, (_, i) =>
      repo.update(tenant, webhook.botId, webhook.webhookId, { status: 'disabled', disabledReason: `job ${i}` }, undefined, 'active')));
    expect(outcomes.filter((o) => o !== null)).toHaveLength(1);
    expect((await repo.get(tenant, webhook.botId, webhook.webhookId))!.webhook.status).toBe('disabled');
  });

  it('removes a field given as undefined and answers null for a webhook that is not there', async () => {
    const { tenant, webhook } = await stored();
    await repo.update(tenant, webhook.botId, webhook.webhookId, { disabledReason: 'x' });
    expect(await repo.update(tenant, webhook.botId, webhook.webhookId, { disabledReason: undefined })).not.toHaveProperty('disabledReason');
    expect(await repo.update(tenant, webhook.botId, newId(), { lastSuccessAt: new Date().toISOString() })).toBeNull();
  });

  it('writes a sealed part only over the revision it was read at, and bumps it', async () => {
    const { tenant, webhook } = await stored();
    expect((await repo.get(tenant, webhook.botId, webhook.webhookId))!.revision).toBe(1);
    const at = new Date().toISOString();
    await repo.update(tenant, webhook.botId, webhook.webhookId, { urlHint: 'https://a.example/' }, { blob: new Uint8Array([2]), basedOn: 1 });
    // A second edit made from revision 1 too: refused, and nothing of it written.
    await expect(repo.update(tenant, webhook.botId, webhook.webhookId, { updatedAt: at }, { blob: new Uint8Array([3]), basedOn: 1 })).rejects.toBeInstanceOf(StaleWebhookError);
    const after = await repo.get(tenant, webhook.botId, webhook.webhookId);
    expect([[...after!.sealed], after!.revision, after!.webhook.urlHint, after!.webhook.updatedAt]).toEqual([[2], 2, 'https://a.example/', webhook.updatedAt]);
    expect(after!.webhook).not.toHaveProperty('revision');
    // Writes that leave the sealed part alone (a delivery's outcome) neither need nor change the revision.
    await repo.update(tenant, webhook.botId, webhook.webhookId, { lastSuccessAt: at });
    expect((await repo.get(tenant, webhook.botId, webhook.webhookId))!.revision).toBe(2);
    expect(await repo.update(tenant, webhook.botId, newId(), {}, { blob: new Uint8Array([4]), basedOn: 2 })).toBeNull();
  });

  it('reads a webhook stored before revisions as revision 0, which the first re-seal starts from', async () => {
    const tenant = tenantForSystem(newId());
    const now = new Date().toISOString();
    const webhook: Webhook = { webhookId: newId(), botId: newId(), kind: 'generic', urlHint: 'https://hooks.example.com/…', events: ['lead.created'], status: 'active', createdAt: now, updatedAt: now };
    await db.send(new PutCommand({ TableName: platform().table, Item: { pk: accountItems.pk(tenant), sk: accountItems.webhook(webhook.botId, webhook.webhookId), ...webhook, sealed: new Uint8Array([1]) } }));
    expect((await repo.get(tenant, webhook.botId, webhook.webhookId))!.revision).toBe(0);
    await expect(repo.update(tenant, webhook.botId, webhook.webhookId, {}, { blob: new Uint8Array([2]), basedOn: 1 })).rejects.toBeInstanceOf(StaleWebhookError);
    expect(await repo.update(tenant, webhook.botId, webhook.webhookId, { updatedAt: now }, { blob: new Uint8Array([2]), basedOn: 0 })).toMatchObject({ webhookId: webhook.webhookId });
    expect((await repo.get(tenant, webhook.botId, webhook.webhookId))!.revision).toBe(1);
  });
});
