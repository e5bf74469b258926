/**
 * A webhook's address is checked when it is saved: on AWS only https (the sender refuses anything else at
 * delivery, so an http address would be a webhook that can never deliver); locally http too, where test
 * receivers listen on loopback. Nothing is stored for a refused address. The setting that sends Slack's posts
 * to a loopback stand-in (the Slack integration test) is refused on AWS.
 */
import { describe, expect, it } from 'vitest';
import { readConfig } from '../../lambdas/adapters/config.ts';
import type { AuditLog, BotRepository, Clock, Deps, SecretBox, WebhookRepository } from '../../lambdas/core/ports.ts';
import { createWebhook, updateWebhook } from '../../lambdas/core/webhooks.ts';
import { fakePort } from '../fakes/ports.ts';
import { at, bot, botId, source, stored, tenant, webhookId } from './fixtures/owner-webhook.ts';

const depsFor = (stage: Deps['stage']) => {
  const puts: string[] = [];
  const deps = {
    stage,
    bots: fakePort<BotRepository>('bots', { get: async () => bot }),
    webhooks: fakePort<WebhookRepository>('webhooks', {
      list: async () => [],
      get: async () => ({ webhook: stored, sealed: new Uint8Array(1), revision: 1 }),
      put: async (_t, w) => { puts.push(w.webhookId); },
      update: async (_t, _b, _w, patch) => { puts.push(webhookId); return { ...stored, ...patch }; },
    }),
    secrets: fakePort<SecretBox>('secrets', {
      sealWebhook: async () => new Uint8Array(1),
      openWebhook: async () => ({ url: 'https://hooks.example.com/a', secret: 'whsec_x' }),
    }),
    audit: fakePort<AuditLog>('audit', { record: async () => undefined }),
    clock: fakePort<Clock>('clock', { now: () => new Date(at) }),
  };
  return { deps, puts };
};

describe('a webhook address when saved', () => {
  it('is refused on AWS over plain http, on create and on update, and nothing is stored', async () => {
    const { deps, puts } = depsFor('aws');
    await expect(createWebhook(deps, tenant, botId, { url: 'http://hooks.example.com/in', events: ['lead.created'] }, source))
      .rejects.toMatchObject({ status: 400, code: 'invalid_request', message: 'url: a webhook is an https:// address.' });
    await expect(updateWebhook(deps, tenant, botId, webhookId, { url: 'http://hooks.example.com/in' }, source))
      .rejects.toMatchObject({ status: 400, details: { field: 'url' } });
    expect(puts).toEqual([]);
  });

  it('is accepted on AWS over https, and locally over http', async () => {
    const aws = depsFor('aws');
    await createWebhook(aws.deps, tenant, botId, { url: 'https://hooks.example.com/in', events: ['lead.created'] }, source);
    const local = depsFor('local');
    await createWebhook(local.deps, tenant, botId, { url: 'http://127.0.0.1:8080/in', events: ['lead.created'] }, source);
    await updateWebhook(local.deps, tenant, botId, webhookId, { url: 'http://127.0.0.1:8080/other' }, source);
    expect([aws.puts.length, local.puts.length]).toEqual([1, 2]);
  });
});

describe('the Slack stand-in setting', () => {
  const base = { PARLEY_TABLE: 'parley', PARLEY_KEYS_TABLE: 'parley-keys', PARLEY_BUCKET: 'parley-docs', PARLEY_SLACK_WEBHOOK_ENDPOINT: 'http://127.0.0.1:4010' };

  it('is refused on AWS, where Slack posts go to Slack', () => {
    expect(() => readConfig({ ...base, PARLEY_STAGE: 'aws' })).toThrow(/PARLEY_SLACK_WEBHOOK_ENDPOINT: on AWS Slack posts go to Slack/);
    expect(() => readConfig({ ...base })).toThrow(/PARLEY_SLACK_WEBHOOK_ENDPOINT/);
  });

  it('is taken on the local platform', () => {
    expect(readConfig({ ...base, PARLEY_STAGE: 'local' }).PARLEY_SLACK_WEBHOOK_ENDPOINT).toBe('http://127.0.0.1:4010');
  });
});
