/**
 * The webhook leak scan: create, deliver (answered and failing), test, rotate, list,
 * read the log, at debug log level; then every log line, every response but the two
 * that reveal a secret, and every table item (sealed blobs included) are searched for
 * the secrets and for the token in the webhook's URL.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startWebhookReceiver, type WebhookReceiver } from '../fakes/webhook-receiver.ts';
import { captureOutput, expectNoLeaks, recordResponses, scanTables } from './fixtures/leak-scan.ts';
import { call, newOwner, usePlatform, visitorToken } from './fixtures/platform.ts';

const URL_TOKEN = 'LEAKCANARYurltoken0123456789';

let receiver: WebhookReceiver;
beforeAll(async () => {
  receiver = await startWebhookReceiver();
});
afterAll(async () => receiver.close());

describe('webhook secrets never leak', () => {
  const platform = usePlatform({ env: () => ({ PARLEY_EGRESS_ALLOW_HOSTS: receiver.host, PARLEY_LOG_LEVEL: 'debug', PARLEY_WEBHOOK_RETRY_DELAYS_SECONDS: '1' }), queueDelayScale: 0.02 });
  const output = captureOutput();

  it('appear in no log line, response or table item, except the one reveal each', async () => {
    const owner = await newOwner(platform());
    const { responses, record } = recordResponses();
    const base = `/v1/bots/${owner.botId}/webhooks`;
    const created = await owner.request<{ webhook: { webhookId: string }; secret: string }>('POST', base, { url: `${receiver.url}/in/${URL_TOKEN}`, events: ['handoff.requested'] });
    const hook = `${base}/${created.body.webhook.webhookId}`;
    const handoff = async () => {
      const token = await visitorToken(platform(), owner.publicId);
      await record(call(platform().apiUrl, 'POST', `/widget/v1/${owner.publicId}/handoff`, { email: 'ada@example.com', message: 'hello' }, { authorization: `Bearer ${token}` }));
      await platform().notify.idle();
    };
    await handoff();
    receiver.answerWith(500);
    await handoff();
    receiver.answerWith(200);
    await record(owner.request('POST', `${hook}/test`));
    const rotated = await owner.request<{ secret: string }>('POST', `${hook}/rotate`);
    await record(owner.request('POST', `${hook}/test`));
    await record(owner.request('PATCH', hook, { events: ['handoff.requested', 'lead.created'] }));
    await record(owner.request('GET', base));
    await record(owner.request('GET', `${hook}/deliveries`));
    await record(owner.request('GET', '/v1/audit'));
    // A secret sent where it does not belong ends in an error that does not echo it.
    await record(owner.request('PATCH', hook, { url: created.body.secret, secret: created.body.secret }));

    const tables = await scanTables(platform().dynamodbUrl, [platform().table, platform().keysTable]);

    const secrets = [created.body.secret, rotated.body.secret].flatMap((s) => [s, s.slice(10, 30)]);
    const everything = { logs: output.join(''), responses: responses.join('\n'), tables: tables.join('\n') };
    // The scan saw real material: debug logs, the webhook's log, its sealed item, and deliveries made.
    expect(everything.logs).toContain('webhook attempt');
    expect(everything.responses).toContain('"statusCode":500');
    expect(everything.tables).toContain('HOOK#');
    expect(receiver.received.filter((r) => r.path === `/in/${URL_TOKEN}`).length).toBeGreaterThanOrEqual(4);
    expectNoLeaks(everything, [...secrets, URL_TOKEN, URL_TOKEN.slice(10)]);
  });
});
