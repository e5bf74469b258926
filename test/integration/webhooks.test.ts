// Webhooks: a bot's events posted to the owner's endpoint (a receiver on loopback),
// signed as the README says to check, retried with backoff, logged with status codes,
// turned off with an e-mail when an event cannot be delivered, and always through the
// egress guard. The secret is shown once, and URL and secret are never returned again.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startWebhookReceiver, type WebhookReceiver } from '../fakes/webhook-receiver.ts';
import { call, newOwner, usePlatform, visitorToken, type Owner } from './fixtures/platform.ts';

interface Hook { webhookId: string; kind: string; urlHint: string; status: string; events: string[]; disabledReason?: string; previousSecretUntil?: string }
interface Delivery { eventId: string; type: string; attempt: number; statusCode?: number; ok: boolean; error?: string; nextAttemptAt?: string }

/** The README's verification snippet itself, as a receiver would paste it. */
let verify: (secret: string, header: string, body: string, toleranceSeconds?: number) => boolean;

let receiver: WebhookReceiver;
beforeAll(async () => {
  receiver = await startWebhookReceiver();
  const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
  const snippet = /```js\n(import \{ createHmac, timingSafeEqual \}[^]*?export function verifyParleySignature[^]*?)```/.exec(readme)?.[1];
  if (!snippet) throw new Error('README: the verification snippet is gone');
  const file = join(mkdtempSync(join(tmpdir(), 'parley-readme-')), 'verify.mjs');
  writeFileSync(file, snippet);
  ({ verifyParleySignature: verify } = await import(pathToFileURL(file).href) as { verifyParleySignature: typeof verify });
});
afterAll(async () => receiver.close());

describe('webhooks', () => {
  const platform = usePlatform({
    env: () => ({ PARLEY_EGRESS_ALLOW_HOSTS: receiver.host, PARLEY_WEBHOOK_RETRY_DELAYS_SECONDS: '1,2,1,1,1,1' }),
    queueDelayScale: 0.02,
    ingest: { retryDelayMs: 20 },
  });

  const subscribe = async (o: Owner, path: string, events = ['handoff.requested', 'lead.created']) => {
    const res = await o.request<{ webhook: Hook; secret: string }>('POST', `/v1/bots/${o.botId}/webhooks`, { url: `${receiver.url}${path}`, events });
    expect(res.status).toBe(201);
    return res.body;
  };
  const handoff = async (o: Owner, message = 'Please call me') => {
    const token = await visitorToken(platform(), o.publicId);
    expect((await call(platform().apiUrl, 'POST', `/widget/v1/${o.publicId}/handoff`, { email: 'ada@example.com', message }, { authorization: `Bearer ${token}` })).status).toBe(201);
    await platform().notify.idle();
  };
  const at = (path: string) => receiver.received.filter((r) => r.path === path);
  const deliveries = async (o: Owner, webhookId: string) =>
    (await o.request<{ deliveries: Delivery[] }>('GET', `/v1/bots/${o.botId}/webhooks/${webhookId}/deliveries`)).body.deliveries;

  it('posts a signed event, shows the secret once, and never returns the URL or secret again', async () => {
    receiver.answerWith(200);
    const o = await newOwner(platform());
    const { webhook, secret } = await subscribe(o, '/hooks/a-very-long-token-0123456789');
    expect(secret).toMatch(/^whsec_[A-Za-z0-9_-]{43}$/);
    expect(webhook).toMatchObject({ kind: 'generic', status: 'active', urlHint: `${receiver.url}/hooks/a-…` });

    await handoff(o, 'Call me about <b>order</b> 42');
    const [got, ...more] = at('/hooks/a-very-long-token-0123456789');
    expect(more).toEqual([]);
    expect(verify(secret, String(got!.headers['parley-signature']), got!.body)).toBe(true);
    expect(verify(secret, String(got!.headers['parley-signature']), `${got!.body} `)).toBe(false);
    const payload = JSON.parse(got!.body) as { type: string; version: number; id: string; createdAt: string; data: { bot: { botId: string }; visitor: Record<string, string> } };
    expect(payload).toMatchObject({ type: 'handoff.requested', version: 1, data: { bot: { botId: o.botId }, visitor: { email: 'ada@example.com', message: 'Call me about <b>order</b> 42' } } });
    expect(got!.headers['parley-event-id']).toBe(payload.id);

    expect(await deliveries(o, webhook.webhookId)).toEqual([expect.objectContaining({ eventId: payload.id, type: 'handoff.requested', attempt: 1, statusCode: 200, ok: true })]);
    for (const path of [`/v1/bots/${o.botId}/webhooks`, `/v1/bots/${o.botId}/webhooks/${webhook.webhookId}/deliveries`]) {
      const text = (await o.request('GET', path)).text;
      expect(text).not.toContain(secret);
      expect(text).not.toContain('0123456789');
    }
  });

  it('retries a failing endpoint with the same event, logging each status code', async () => {
    const o = await newOwner(platform());
    const { webhook } = await subscribe(o, '/hooks/retry');
    receiver.answerWith(500, 503, 200);
    await handoff(o);
    const got = at('/hooks/retry');
    expect(got).toHaveLength(3);
    expect(new Set(got.map((g) => (JSON.parse(g.body) as { id: string }).id)).size).toBe(1);
    const log = await deliveries(o, webhook.webhookId);
    expect(log.map((d) => [d.attempt, d.statusCode, d.ok])).toEqual([[3, 200, true], [2, 503, false], [1, 500, false]]);
    expect(log[2]!.nextAttemptAt).toBeDefined();
    receiver.answerWith(200);
  });

  it('turns a webhook off after its last attempt fails, e-mails the owner, and sends it nothing more', async () => {
    const o = await newOwner(platform());
    const { webhook } = await subscribe(o, '/hooks/down');
    receiver.answerWith(500);
    await handoff(o);
    expect(at('/hooks/down')).toHaveLength(7);
    const listed = (await o.request<{ webhooks: Hook[] }>('GET', `/v1/bots/${o.botId}/webhooks`)).body.webhooks;
    expect(listed).toEqual([expect.objectContaining({ webhookId: webhook.webhookId, status: 'disabled', disabledReason: expect.stringContaining('after 7 attempts') as string })]);
    const mail = platform().outbox.messages.filter((m) => m.to.includes(o.email) && m.subject.startsWith('Webhook turned off'));
    expect(mail).toHaveLength(1);
    expect(mail[0]!.text).toContain('The endpoint answered 500.');

    receiver.answerWith(200);
    await handoff(o);
    expect(at('/hooks/down')).toHaveLength(7);
    // Turned on again, it receives the next event.
    expect((await o.request('PATCH', `/v1/bots/${o.botId}/webhooks/${webhook.webhookId}`, { enabled: true })).status).toBe(200);
    await handoff(o);
    expect(at('/hooks/down')).toHaveLength(8);
  });

  it('sends a test event signed with the current secret, and after a rotation with the previous one too, for a while', async () => {
    const o = await newOwner(platform());
    const { webhook, secret: first } = await subscribe(o, '/hooks/rotate');
    const rotate = (body?: unknown) => o.request<{ webhook: Hook; secret: string }>('POST', `/v1/bots/${o.botId}/webhooks/${webhook.webhookId}/rotate`, body);
    const testEvent = async () => {
      const test = await o.request<{ delivery: Delivery }>('POST', `/v1/bots/${o.botId}/webhooks/${webhook.webhookId}/test`);
      expect(test.body.delivery).toMatchObject({ type: 'webhook.test', ok: true, statusCode: 200 });
      const got = at('/hooks/rotate').at(-1)!;
      return { header: String(got.headers['parley-signature']), body: got.body };
    };

    const before = await testEvent();
    expect(JSON.parse(before.body)).toMatchObject({ type: 'webhook.test', version: 1 });
    expect(before.header.match(/v1=/g)).toHaveLength(1);

    const rotated = await rotate();
    expect(rotated.body.secret).not.toBe(first);
    const until = Date.parse(rotated.body.webhook.previousSecretUntil!);
    expect(until - Date.now()).toBeGreaterThan(23.9 * 3_600_000);
    expect(until - Date.now()).toBeLessThanOrEqual(24 * 3_600_000);
    // During the window both secrets verify, so a receiver can switch without losing an event.
    const during = await testEvent();
    expect(during.header).toMatch(/^t=\d+,v1=[0-9a-f]{64},v1=[0-9a-f]{64}$/);
    expect(verify(rotated.body.secret, during.header, during.body)).toBe(true);
    expect(verify(first, during.header, during.body)).toBe(true);
    expect(verify(first, during.header, `${during.body} `)).toBe(false);
    expect(verify('whsec_someone-else', during.header, during.body)).toBe(false);

    // After a leak: rotated with no overlap, only the newest secret signs; the first one's window ended with it.
    const now = await rotate({ previousValidHours: 0 });
    expect(now.body.webhook.previousSecretUntil).toBeUndefined();
    const after = await testEvent();
    expect(after.header.match(/v1=/g)).toHaveLength(1);
    expect(verify(now.body.secret, after.header, after.body)).toBe(true);
    expect(verify(rotated.body.secret, after.header, after.body)).toBe(false);
    expect(verify(first, after.header, after.body)).toBe(false);
    expect((await rotate({ previousValidHours: 25 })).status).toBe(400);
    // Listing shows when the overlap ends, never a secret.
    const listed = await o.request('GET', `/v1/bots/${o.botId}/webhooks`);
    for (const s of [first, rotated.body.secret, now.body.secret]) expect(listed.text).not.toContain(s);
  });

  it('goes through the egress guard: a private or metadata address is refused and never reached', async () => {
    const o = await newOwner(platform());
    for (const url of ['http://127.0.0.2:9/x', 'http://169.254.169.254/latest/meta-data/', 'http://localhost:8080/x']) {
      const created = await o.request<{ webhook: Hook }>('POST', `/v1/bots/${o.botId}/webhooks`, { url, events: ['lead.created'] });
      expect(created.status).toBe(201);
      const test = await o.request<{ delivery: Delivery }>('POST', `/v1/bots/${o.botId}/webhooks/${created.body.webhook.webhookId}/test`);
      expect(test.body.delivery).toMatchObject({ ok: false, error: expect.stringMatching(/not allowed/) as string });
      expect(test.body.delivery.statusCode).toBeUndefined();
    }
    expect((await o.request('POST', `/v1/bots/${o.botId}/webhooks`, { url: 'ftp://example.com/x', events: ['lead.created'] })).status).toBe(400);
    expect((await o.request('POST', `/v1/bots/${o.botId}/webhooks`, { url: 'https://user:pw@example.com/x', events: ['lead.created'] })).status).toBe(400);
  });

  it('recognises a Slack incoming webhook, and hides its token', async () => {
    const o = await newOwner(platform());
    const res = await o.request<{ webhook: Hook }>('POST', `/v1/bots/${o.botId}/webhooks`, { url: 'https://hooks.slack.com/services/T0000000/B0000000/XXXXXXXXXXXXXXXXXXXXXXXX', events: ['handoff.requested'] });
    expect(res.body.webhook).toMatchObject({ kind: 'slack', urlHint: 'https://hooks.slack.com/services/T0000000/B0000000/XX…' });
  });

  it('answers another account’s webhooks with 404, and changes nothing of theirs', async () => {
    const alice = await newOwner(platform());
    const bob = await newOwner(platform());
    const { webhook } = await subscribe(alice, '/hooks/alice');
    const base = `/v1/bots/${alice.botId}/webhooks`;
    expect((await bob.request('GET', base)).status).toBe(404);
    expect((await bob.request('POST', base, { url: `${receiver.url}/x`, events: ['lead.created'] })).status).toBe(404);
    expect((await bob.request('PATCH', `${base}/${webhook.webhookId}`, { enabled: false })).status).toBe(404);
    expect((await bob.request('POST', `${base}/${webhook.webhookId}/rotate`)).status).toBe(404);
    expect((await bob.request('POST', `${base}/${webhook.webhookId}/test`)).status).toBe(404);
    expect((await bob.request('GET', `${base}/${webhook.webhookId}/deliveries`)).status).toBe(404);
    expect((await bob.request('DELETE', `${base}/${webhook.webhookId}`)).status).toBe(404);
    expect((await bob.request('GET', `/v1/bots/${bob.botId}/webhooks/${webhook.webhookId}/deliveries`)).status).toBe(404);
    expect((await alice.request<{ webhooks: Hook[] }>('GET', base)).body.webhooks).toEqual([expect.objectContaining({ status: 'active' })]);
    expect(at('/hooks/alice')).toEqual([]);
  });
});
