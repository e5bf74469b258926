// An edit of a webhook's URL or secret that keeps losing the race to other members' edits gives up after three
// tries with a 409 that says nothing was saved, and never shows the secret it would have made.
import { describe, expect, it } from 'vitest';
import { StaleWebhookError } from '../../lambdas/core/errors.ts';
import type { AuditLog, BotRepository, Clock, SecretBox, WebhookRepository } from '../../lambdas/core/ports.ts';
import { rotateWebhookSecret, updateWebhook } from '../../lambdas/core/webhooks.ts';
import { fakePort } from '../fakes/ports.ts';
import { at, bot, botId, source, stored, tenant, webhookId } from './fixtures/owner-webhook.ts';

/** A webhook whose sealed part another member changes before each of this edit's writes lands. */
const alwaysLosing = () => {
  const writes: number[] = [];
  let revision = 1;
  const deps = {
    stage: 'local' as const,
    bots: fakePort<BotRepository>('bots', { get: async () => bot }),
    webhooks: fakePort<WebhookRepository>('webhooks', {
      get: async () => ({ webhook: stored, sealed: new Uint8Array(1), revision }),
      update: async (_t, _b, _w, _patch, sealed) => {
        writes.push(sealed!.basedOn);
        revision += 1;
        throw new StaleWebhookError();
      },
    }),
    secrets: fakePort<SecretBox>('secrets', {
      sealWebhook: async () => new Uint8Array(1),
      openWebhook: async () => ({ url: 'https://hooks.example.com/a', secret: 'whsec_same' }),
    }),
    audit: fakePort<AuditLog>('audit', { record: async () => { throw new Error('nothing was changed: nothing to audit'); } }),
    clock: fakePort<Clock>('clock', { now: () => new Date(at) }),
  };
  return { deps, writes };
};

describe('an edit that keeps losing to other members’ edits', () => {
  it('tries three times, each over the revision it read, then answers 409', async () => {
    for (const edit of [
      (deps: ReturnType<typeof alwaysLosing>['deps']) => updateWebhook(deps, tenant, botId, webhookId, { url: 'https://hooks.example.com/b' }, source),
      (deps: ReturnType<typeof alwaysLosing>['deps']) => rotateWebhookSecret(deps, tenant, botId, webhookId, {}, source),
    ]) {
      const { deps, writes } = alwaysLosing();
      const error = await edit(deps).then(() => null, (err: unknown) => err);
      expect(error).toMatchObject({ status: 409, code: 'conflict', message: expect.stringContaining('nothing of your change was saved') as string });
      expect((error as Error).message).not.toMatch(/whsec_/);
      expect(writes).toEqual([1, 2, 3]);
    }
  });
});
