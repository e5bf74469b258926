/**
 * The e-mail about a webhook Parley turned off goes through the sent log: a job whose mail failed is delivered
 * again and mails only whoever was not reached, without posting to the endpoint or logging an attempt again.
 */
import { describe, expect, it } from 'vitest';
import type { ContactEvent } from '../../lambdas/core/events.ts';
import { newId } from '../../lambdas/core/ids.ts';
import type {
  AccountRepository, BotRepository, Clock, ContactRepository, ConversationRepository, DocumentRepository, EventQueue, Mailer, MailMessage, NotificationRepository, SecretBox, WebhookJob, WebhookRepository, WebhookSender,
} from '../../lambdas/core/ports.ts';
import type { Bot, Member, SentNotification, Webhook } from '../../lambdas/core/records.ts';
import { deliverWebhookJob } from '../../lambdas/core/webhook-delivery.ts';
import { isOffByParley, noticeIdOf, tellTurnedOff } from '../../lambdas/core/webhook-off-mail.ts';
import { tenantForSystem } from '../../lambdas/core/tenancy.ts';
import { fakePort } from '../fakes/ports.ts';

const at = '2026-12-06T07:00:00.000Z';
const accountId = newId();
const botId = newId();
const webhookId = newId();
const bot: Bot = { botId, publicId: newId(), name: 'Shop', instructions: '', welcomeMessage: '', allowedOrigins: [], createdAt: at, updatedAt: at };
const event: ContactEvent = { type: 'handoff.requested', eventId: newId(), botId, at, contactId: newId() };
const members: Member[] = [
  { userId: 'owner-sub', email: 'owner@example.com', role: 'owner', addedAt: at },
  { userId: 'admin-sub', email: 'admin@example.com', role: 'admin', addedAt: at },
  { userId: 'viewer-sub', email: 'viewer@example.com', role: 'viewer', addedAt: at },
];
/** The last attempt of a two-attempt schedule. */
const lastJob: WebhookJob = { webhookId, botId, event, attempt: 2, dueAt: at };
const retryDelaysSeconds = [60];

const world = () => {
  let webhook: Webhook = { webhookId, botId, kind: 'generic', urlHint: 'https://hooks.example.com/…', events: ['handoff.requested'], status: 'active', createdAt: at, updatedAt: at };
  const sentLog = new Map<string, SentNotification>();
  const posts: string[] = [];
  const attempts: number[] = [];
  const mails: MailMessage[] = [];
  let failNextTo: string | undefined;
  const mailer: Mailer = {
    from: 'parley@example.com',
    send: async (m) => {
      if (failNextTo === m.to) {
        failNextTo = undefined;
        throw Object.assign(new Error('Rate exceeded'), { name: 'TooManyRequestsException' });
      }
      mails.push(m);
      return { ok: true, messageId: `m-${mails.length}` };
    },
  };
  const deps = {
    mailer,
    clock: fakePort<Clock>('clock', { now: () => new Date(at) }),
    bots: fakePort<BotRepository>('bots', { get: async () => bot }),
    accounts: fakePort<AccountRepository>('accounts', { listMembers: async () => members }),
    contacts: fakePort<ContactRepository>('contacts', {
      get: async () => ({ contactId: event.contactId, botId, kind: 'handoff', visitorId: 'v', email: 'ada@example.com', createdAt: at, expiresAt: at }),
    }),
    conversations: fakePort<ConversationRepository>('conversations'),
    documents: fakePort<DocumentRepository>('documents'),
    events: fakePort<EventQueue>('events'),
    secrets: fakePort<SecretBox>('secrets', { openWebhook: async () => ({ url: 'https://hooks.example.com/in', secret: 'whsec_x' }) }),
    webhookSender: fakePort<WebhookSender>('webhookSender', { post: async (url) => { posts.push(url); return { statusCode: 500 }; } }),
    webhooks: fakePort<WebhookRepository>('webhooks', {
      get: async () => ({ webhook, sealed: new Uint8Array(1), revision: 1 }),
      logDelivery: async (_t, d) => { attempts.push(d.attempt); },
      update: async (_t, _b, _w, patch, _s, onlyIfStatus) => {
        if (onlyIfStatus && webhook.status !== onlyIfStatus) return null;
        webhook = Object.fromEntries(Object.entries({ ...webhook, ...patch }).filter(([, v]) => v !== undefined)) as unknown as Webhook;
        return webhook;
      },
    }),
    notifications: fakePort<NotificationRepository>('notifications', {
      wasSent: async (_t, eventId, userId) => sentLog.has(`${eventId}#${userId}`),
      recordSent: async (_t, entry) => { sentLog.set(`${entry.eventId}#${entry.userId}`, entry); },
    }),
  };
  return {
    deps, posts, attempts, mails, sentLog,
    failOnceFor: (to: string) => { failNextTo = to; },
    webhook: () => webhook,
    setWebhook: (w: Webhook) => { webhook = w; },
  };
};

describe('the e-mail about a webhook Parley turned off', () => {
  it('is logged in the sent log under the webhook’s notice id, once for each owner and admin', async () => {
    const w = world();
    expect(await deliverWebhookJob(w.deps, accountId, lastJob, { retryDelaysSeconds })).toBe('disabled');
    const off = w.webhook();
    expect(off).toMatchObject({ status: 'disabled', disabledNoticeId: expect.stringMatching(/^[0-9A-Z]{26}$/) as string });
    expect(w.mails.map((m) => m.to)).toEqual(['owner@example.com', 'admin@example.com']);
    expect(w.mails[0]!.subject).toBe('Webhook turned off · Shop');
    expect(w.mails[0]!.text).toContain('(The endpoint answered 500.)');
    expect([...w.sentLog.values()]).toEqual([
      expect.objectContaining({ eventId: off.disabledNoticeId, type: 'webhook.disabled', botId, userId: 'owner-sub', status: 'sent', messageId: 'm-1' }),
      expect.objectContaining({ eventId: off.disabledNoticeId, type: 'webhook.disabled', botId, userId: 'admin-sub', status: 'sent', messageId: 'm-2' }),
    ]);
  });

  it('after a passing SES failure, comes again to whoever it missed, without posting the event again', async () => {
    const w = world();
    w.failOnceFor('admin@example.com');
    await expect(deliverWebhookJob(w.deps, accountId, lastJob, { retryDelaysSeconds })).rejects.toThrow('Rate exceeded');
    expect(w.mails.map((m) => m.to)).toEqual(['owner@example.com']);
    expect([w.posts.length, w.attempts]).toEqual([1, [2]]);

    // The queue delivers the job again: the webhook is already off, so nothing is posted or logged; the admin is mailed.
    expect(await deliverWebhookJob(w.deps, accountId, lastJob, { retryDelaysSeconds })).toBe('disabled');
    expect(w.mails.map((m) => m.to)).toEqual(['owner@example.com', 'admin@example.com']);
    expect([w.posts.length, w.attempts]).toEqual([1, [2]]);
    // And a third time: nobody is mailed twice.
    expect(await deliverWebhookJob(w.deps, accountId, lastJob, { retryDelaysSeconds })).toBe('disabled');
    expect(w.mails).toHaveLength(2);
  });

  it('is sent only by the job that turned the webhook off: another event’s last attempt finding it off is dropped', async () => {
    const w = world();
    w.failOnceFor('admin@example.com');
    await expect(deliverWebhookJob(w.deps, accountId, lastJob, { retryDelaysSeconds })).rejects.toThrow('Rate exceeded');
    const other: WebhookJob = { ...lastJob, event: { ...event, eventId: newId() } };
    expect(noticeIdOf(other)).not.toBe(noticeIdOf(lastJob));
    expect(noticeIdOf({ ...lastJob })).toBe(w.webhook().disabledNoticeId);
    expect(await deliverWebhookJob(w.deps, accountId, other, { retryDelaysSeconds })).toBe('dropped');
    expect(w.mails.map((m) => m.to)).toEqual(['owner@example.com']);
    expect(w.posts).toHaveLength(1);
  });

  it('is not sent for a webhook a member turned off, nor by a job that still has attempts left', async () => {
    const w = world();
    w.setWebhook({ ...w.webhook(), status: 'disabled', disabledReason: 'Turned off by a member.', disabledNoticeId: newId() });
    expect(isOffByParley(w.webhook())).toBe(false);
    expect(await deliverWebhookJob(w.deps, accountId, lastJob, { retryDelaysSeconds })).toBe('dropped');
    expect(await tellTurnedOff(w.deps, tenantForSystem(accountId), 'Shop', w.webhook())).toMatchObject({ sent: 0, reason: 'not_by_parley' });

    const turnedOff = world();
    await deliverWebhookJob(turnedOff.deps, accountId, lastJob, { retryDelaysSeconds });
    expect(await deliverWebhookJob(turnedOff.deps, accountId, { ...lastJob, attempt: 1 }, { retryDelaysSeconds })).toBe('dropped');
    expect(turnedOff.mails).toHaveLength(2);
    expect(turnedOff.posts).toHaveLength(1);
  });
});
