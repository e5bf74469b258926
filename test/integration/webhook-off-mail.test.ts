// The e-mail about a webhook Parley turned off, end to end through the local platform: it
// is in the account's sent log and the panel's list; a passing SES failure (the local
// outbox answering as SES does when throttling) is retried by the queue delivering the
// job again, which mails only whoever was missed and posts nothing more to the
// endpoint; its owner opens its text, and another account neither lists nor finds it.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SesRefusal } from '../../infra/local/ses-local.ts';
import { startWebhookReceiver, type WebhookReceiver } from '../fakes/webhook-receiver.ts';
import { call, joinTeam, newOwner, usePlatform, visitorToken, type Owner } from './fixtures/platform.ts';

interface Sent { eventId: string; userId: string; to: string; subject: string; status: string; type: string; botId?: string; messageId?: string }

let receiver: WebhookReceiver;
beforeAll(async () => {
  receiver = await startWebhookReceiver();
});
afterAll(async () => receiver.close());

/** Decides SES's answer to the next requests (tests set it, and clear it). */
let refuse: ((request: { to: readonly string[]; subject: string }) => SesRefusal | undefined) | undefined;

describe('the e-mail about a webhook Parley turned off', () => {
  const platform = usePlatform({
    // Two attempts: the first, and one more a second later.
    env: () => ({ PARLEY_EGRESS_ALLOW_HOSTS: receiver.host, PARLEY_WEBHOOK_RETRY_DELAYS_SECONDS: '1' }),
    queueDelayScale: 0.02,
    mail: { refuse: (r) => refuse?.(r) },
    ingest: { retryDelayMs: 20 },
  });

  const turnOff = async (o: Owner, path: string) => {
    expect((await o.request('POST', `/v1/bots/${o.botId}/webhooks`, { url: `${receiver.url}${path}`, events: ['handoff.requested'] })).status).toBe(201);
    receiver.answerWith(500);
    const token = await visitorToken(platform(), o.publicId);
    expect((await call(platform().apiUrl, 'POST', `/widget/v1/${o.publicId}/handoff`, { email: 'ada@example.com', message: 'Call me' }, { authorization: `Bearer ${token}` })).status).toBe(201);
    await platform().notify.idle();
  };
  const offMails = (email: string) => platform().outbox.messages.filter((m) => m.to.includes(email) && m.subject.startsWith('Webhook turned off'));
  const offEntries = async (client: { request: Owner['request'] }) =>
    (await client.request<{ sent: Sent[] }>('GET', '/v1/notifications/sent')).body.sent.filter((s) => s.type === 'webhook.disabled');

  it('is in the sent log and the panel’s list, once for each owner and admin', async () => {
    const o = await newOwner(platform());
    const admin = await joinTeam(platform(), o, 'admin');
    await turnOff(o, '/hooks/listed');

    const [toOwner, ...moreToOwner] = offMails(o.email);
    expect(moreToOwner).toEqual([]);
    expect(offMails(admin.email)).toHaveLength(1);
    expect(toOwner!.text).toContain('(The endpoint answered 500.)');
    const listed = await offEntries(o);
    expect(listed.map((s) => s.to).sort()).toEqual([o.email, admin.email].sort());
    expect(listed).toContainEqual(expect.objectContaining({ to: o.email, subject: 'Webhook turned off · Help desk', status: 'sent', botId: o.botId, messageId: toOwner!.messageId }));
    // The same id the webhook keeps, so a retried job finds who has it.
    const { webhooks } = (await o.request<{ webhooks: { disabledNoticeId?: string; status: string }[] }>('GET', `/v1/bots/${o.botId}/webhooks`)).body;
    expect(webhooks).toEqual([expect.objectContaining({ status: 'disabled' })]);
    expect(new Set(listed.map((s) => s.eventId))).toEqual(new Set([webhooks[0]!.disabledNoticeId]));
  });

  it('comes again after a passing SES failure, exactly once to each member, without posting the event again', async () => {
    const o = await newOwner(platform());
    const admin = await joinTeam(platform(), o, 'admin');
    let asked = 0;
    refuse = ({ to, subject }) =>
      (to.includes(admin.email) && subject.startsWith('Webhook turned off') && asked++ === 0 ? { status: 429, type: 'TooManyRequestsException', message: 'Too many requests' } : undefined);
    try {
      await turnOff(o, '/hooks/throttled');
    } finally {
      refuse = undefined;
    }
    expect(asked).toBe(2);
    expect(offMails(o.email)).toHaveLength(1);
    expect(offMails(admin.email)).toHaveLength(1);
    expect(await offEntries(o)).toHaveLength(2);
    // The endpoint got the event twice (both attempts), not a third time when the job came again for its e-mail.
    expect(receiver.received.filter((r) => r.path === '/hooks/throttled')).toHaveLength(2);
    const { webhooks } = (await o.request<{ webhooks: { webhookId: string }[] }>('GET', `/v1/bots/${o.botId}/webhooks`)).body;
    const { deliveries } = (await o.request<{ deliveries: unknown[] }>('GET', `/v1/bots/${o.botId}/webhooks/${webhooks[0]!.webhookId}/deliveries`)).body;
    expect(deliveries).toHaveLength(2);
    expect(platform().notify.deadLetters).toEqual([]);
  });

  it('opens with its text for the account’s owner, and is neither listed nor found for another account', async () => {
    const alice = await newOwner(platform());
    const bob = await newOwner(platform());
    await turnOff(alice, '/hooks/alice');
    const [entry, ...more] = await offEntries(alice);
    expect(more).toEqual([]);
    const path = `/v1/notifications/sent/${entry!.eventId}/${entry!.userId}`;
    const opened = await alice.request<{ copy: { kept: boolean; text?: string } }>('GET', path);
    expect(opened.status).toBe(200);
    expect(opened.body.copy).toEqual({ kept: true, text: offMails(alice.email)[0]!.text });

    expect((await bob.request<{ sent: unknown[] }>('GET', '/v1/notifications/sent')).body.sent).toEqual([]);
    const theirs = await bob.request('GET', path);
    expect(theirs.status).toBe(404);
    expect(theirs.text).not.toContain('/hooks/');
  });
});
