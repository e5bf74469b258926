/**
 * A member turning a webhook back on (or off) ends an earlier turn-off by Parley: its reason and the id its
 * e-mail was logged under are removed, so neither shows on the webhook any longer, and a redelivered job of
 * the old turn-off cannot take the webhook for its own.
 */
import { describe, expect, it } from 'vitest';
import type { AuditLog, BotRepository, Clock, SecretBox, WebhookPatch, WebhookRepository } from '../../lambdas/core/ports.ts';
import type { Webhook } from '../../lambdas/core/records.ts';
import { updateWebhook } from '../../lambdas/core/webhooks.ts';
import { isOffByParley } from '../../lambdas/core/webhook-off-mail.ts';
import { fakePort } from '../fakes/ports.ts';
import { at, bot, botId, source, stored, tenant, webhookId } from './fixtures/owner-webhook.ts';

const offByParley: Webhook = { ...stored, status: 'disabled', disabledReason: 'Turned off by Parley on 2026-12-06: an event could not be delivered', disabledNoticeId: '01KBX0000000000000000000AA' };

const run = async (enabled: boolean) => {
  const patches: WebhookPatch[] = [];
  const deps = {
    stage: 'local' as const,
    bots: fakePort<BotRepository>('bots', { get: async () => bot }),
    webhooks: fakePort<WebhookRepository>('webhooks', {
      get: async () => ({ webhook: offByParley, sealed: new Uint8Array(1), revision: 1 }),
      update: async (_t, _b, _w, patch) => {
        patches.push(patch);
        return Object.fromEntries(Object.entries({ ...offByParley, ...patch }).filter(([, v]) => v !== undefined)) as unknown as Webhook;
      },
    }),
    secrets: fakePort<SecretBox>('secrets', {}),
    audit: fakePort<AuditLog>('audit', { record: async () => undefined }),
    clock: fakePort<Clock>('clock', { now: () => new Date(at) }),
  };
  const { webhook } = await updateWebhook(deps, tenant, botId, webhookId, { enabled }, source);
  return { webhook, patch: patches[0]! };
};

describe('a webhook Parley turned off, changed by a member', () => {
  it('turned back on loses the turn-off reason and notice id', async () => {
    const { webhook, patch } = await run(true);
    expect(patch).toHaveProperty('disabledNoticeId', undefined);
    expect(patch).toHaveProperty('disabledReason', undefined);
    expect(webhook.status).toBe('active');
    expect(webhook).not.toHaveProperty('disabledNoticeId');
    expect(isOffByParley(webhook)).toBe(false);
  });

  it('turned off by the member is no longer off by Parley', async () => {
    const { webhook, patch } = await run(false);
    expect(patch).toHaveProperty('disabledNoticeId', undefined);
    expect(webhook.disabledReason).toBe('Turned off by a member.');
    expect(isOffByParley(webhook)).toBe(false);
  });
});
