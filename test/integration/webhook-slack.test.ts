// Slack incoming webhooks over HTTP. Parley knows a Slack webhook by its host, hooks.slack.com, so the local
// platform is started with PARLEY_SLACK_WEBHOOK_ENDPOINT pointing those posts at a loopback stand-in that answers
// as Slack does (200 `ok`; refusals as text/plain codes). Each event a bot raises, and the test event, reaches it in
// Slack's format; Slack's refusals are logged with their code, retried like any failure, and end with the webhook off.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSlackReceiver, type SlackReceiver } from '../fakes/slack-receiver.ts';
import { ask, call, newOwner, uploadDocument, usePlatform, visitorToken, type Owner } from './fixtures/platform.ts';

interface Hook { webhookId: string; kind: string; status: string; disabledReason?: string }
interface Delivery { type: string; attempt: number; statusCode?: number; ok: boolean; error?: string }

/** A PNG's first bytes under a Markdown name: ingestion marks it failed. */
const PNG = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0]);
const ALL_EVENTS = ['handoff.requested', 'lead.created', 'conversation.unanswered', 'feedback.negative', 'document.failed'];

let slack: SlackReceiver;
beforeAll(async () => {
  slack = await startSlackReceiver();
});
afterAll(async () => slack.close());

describe('Slack webhooks', () => {
  const platform = usePlatform({
    env: () => ({ PARLEY_SLACK_WEBHOOK_ENDPOINT: slack.url, PARLEY_EGRESS_ALLOW_HOSTS: slack.host, PARLEY_WEBHOOK_RETRY_DELAYS_SECONDS: '1,1' }),
    queueDelayScale: 0.02,
    ingest: { retryDelayMs: 20 },
  });

  const subscribe = async (o: Owner, token: string, events = ALL_EVENTS) => {
    const res = await o.request<{ webhook: Hook }>('POST', `/v1/bots/${o.botId}/webhooks`, { url: `https://hooks.slack.com/services/T0PARLEY/B0PARLEY/${token}`, events });
    expect(res.status).toBe(201);
    expect(res.body.webhook.kind).toBe('slack');
    return res.body.webhook;
  };
  const postsTo = (token: string) => slack.posts.filter((p) => p.path.endsWith(`/${token}`));
  const textsTo = (token: string) => postsTo(token).map((p) => (JSON.parse(p.body) as { text: string }).text);
  const deliveries = async (o: Owner, webhookId: string) =>
    (await o.request<{ deliveries: Delivery[] }>('GET', `/v1/bots/${o.botId}/webhooks/${webhookId}/deliveries`)).body.deliveries;
  const visitor = async (o: Owner, action: 'handoff' | 'lead', body: unknown) => {
    const token = await visitorToken(platform(), o.publicId);
    expect((await call(platform().apiUrl, 'POST', `/widget/v1/${o.publicId}/${action}`, body, { authorization: `Bearer ${token}` })).status).toBe(201);
    await platform().notify.idle();
  };

  it('posts each of the five events, and the test event, to Slack in Slack’s format, and Slack takes each one', async () => {
    const o = await newOwner(platform());
    await o.request('PATCH', `/v1/bots/${o.botId}`, { leadForm: { when: 'before', fields: [{ name: 'company', label: 'Company', type: 'text', required: true }] } });
    const hook = await subscribe(o, 'everyevent');

    await visitor(o, 'handoff', { email: 'ada@example.com', message: 'Call me about <b>order</b> 42 <!channel>' });
    await visitor(o, 'lead', { name: 'Ada', email: 'ada@example.com', fields: { company: 'Acme & Sons' } });
    const reply = await ask(platform(), o.publicId, 'Do you ship to Iceland?');
    await platform().notify.idle();
    const rated = await call(platform().apiUrl, 'POST', `/widget/v1/${o.publicId}/feedback`,
      { conversationId: reply.conversationId, turnId: reply.turnId, rating: 'down', comment: 'Useless <@U123>' }, { authorization: `Bearer ${reply.token}` });
    expect(rated.status).toBe(204);
    await platform().notify.idle();
    expect((await uploadDocument(platform(), o, 'picture.md', PNG)).status).toBe('failed');
    await platform().notify.idle();
    const test = await o.request<{ delivery: Delivery }>('POST', `/v1/bots/${o.botId}/webhooks/${hook.webhookId}/test`);
    expect(test.body.delivery).toMatchObject({ ok: true, statusCode: 200 });

    const posts = postsTo('everyevent');
    expect(posts.map((p) => p.contentType)).toEqual(Array(6).fill('application/json'));
    expect(posts.map((p) => Object.keys(JSON.parse(p.body) as object))).toEqual(Array(6).fill(['text']));
    const texts = textsTo('everyevent');
    expect(texts.map((t) => t.split('\n')[0])).toEqual([
      '*A visitor asked for a person* · Help desk',
      '*New lead* · Help desk',
      '*A question the bot could not answer* · Help desk',
      '*A visitor gave an answer a thumbs-down* · Help desk',
      '*A document failed to process* · Help desk',
      '*Test event from Parley* · Help desk',
    ]);
    // The visitor's words cannot mention a channel or a person, or make a link, in Slack.
    expect(texts[0]).toContain('Message: Call me about &lt;b&gt;order&lt;/b&gt; 42 &lt;!channel&gt;');
    expect(texts[1]).toContain('company: Acme &amp; Sons');
    expect(texts[2]).toContain('Question: Do you ship to Iceland?');
    expect(texts[3]).toContain('Comment: Useless &lt;@U123&gt;');
    expect(texts[4]).toContain('Document: picture.md');

    const log = await deliveries(o, hook.webhookId);
    expect(log.map((d) => [d.type, d.statusCode, d.ok]).sort()).toEqual([...ALL_EVENTS, 'webhook.test'].map((t) => [t, 200, true]).sort());
  });

  for (const [status, code] of [[410, 'channel_is_archived'], [404, 'no_service'], [403, 'invalid_token']] as const) {
    it(`logs Slack’s ${status} ${code} with its code, retries it like any failure, and turns the webhook off after the last`, async () => {
      const o = await newOwner(platform());
      const token = `refused${status}`;
      const hook = await subscribe(o, token, ['handoff.requested']);
      slack.fail(token, status, code);
      await visitor(o, 'handoff', { email: 'ada@example.com', message: 'hello' });

      expect(postsTo(token)).toHaveLength(3);
      const log = await deliveries(o, hook.webhookId);
      expect(log.map((d) => [d.attempt, d.statusCode, d.ok, d.error])).toEqual([3, 2, 1].map((n) => [n, status, false, `The endpoint answered ${status} (${code}).`]));
      const listed = (await o.request<{ webhooks: Hook[] }>('GET', `/v1/bots/${o.botId}/webhooks`)).body.webhooks;
      expect(listed).toEqual([expect.objectContaining({ status: 'disabled', disabledReason: expect.stringContaining(`(${code})`) as string })]);
      const mail = platform().outbox.messages.filter((m) => m.to.includes(o.email) && m.subject.startsWith('Webhook turned off'));
      expect(mail).toHaveLength(1);
      expect(mail[0]!.text).toContain(`${status} (${code})`);
    });
  }

  it('logs Slack’s 400 invalid_payload, and shows no answer body that is not a bare code', async () => {
    const o = await newOwner(platform());
    const bad = await subscribe(o, 'badpayload', ['lead.created']);
    slack.fail('badpayload', 400, 'invalid_payload');
    const odd = await subscribe(o, 'oddanswer', ['lead.created']);
    slack.fail('oddanswer', 500, '<html><a href="https://evil.example">click</a></html>');
    const testOf = async (hook: Hook) => (await o.request<{ delivery: Delivery }>('POST', `/v1/bots/${o.botId}/webhooks/${hook.webhookId}/test`)).body.delivery;
    expect(await testOf(bad)).toMatchObject({ ok: false, statusCode: 400, error: 'The endpoint answered 400 (invalid_payload).' });
    expect(await testOf(odd)).toMatchObject({ ok: false, statusCode: 500, error: 'The endpoint answered 500.' });
  });
});
