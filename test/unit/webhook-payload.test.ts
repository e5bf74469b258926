// What a webhook receives: the generic JSON envelope signed over "t.body", and Slack's
// {"text"} with the visitor's words escaped so they cannot mention or link on their own.
import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { signWebhookBody, webhookKindOf, webhookRequest, webhookUrlHint, type WebhookMessage } from '../../lambdas/core/webhook-payload.ts';

const message: WebhookMessage = {
  type: 'handoff.requested', id: '01JEVENTEVENTEVENTEVENT0000', createdAt: '2026-12-06T02:00:00.000Z',
  data: { bot: { botId: 'b', name: 'Help & desk' }, contactId: 'c', visitor: { name: 'Ada', message: '<!channel> see <https://evil.example|here> & more' } },
};
const now = new Date('2026-12-06T02:00:05.000Z');

describe('a webhook request', () => {
  it('is the versioned envelope, signed with HMAC-SHA256 over "t.body"', () => {
    const { body, headers } = webhookRequest('generic', 'whsec_test', message, now);
    expect(JSON.parse(body)).toEqual({ type: 'handoff.requested', version: 1, id: message.id, createdAt: message.createdAt, data: message.data });
    const expected = createHmac('sha256', 'whsec_test').update(`1796522405.${body}`).digest('hex');
    expect(headers['Parley-Signature']).toBe(`t=1796522405,v1=${expected}`);
    expect(signWebhookBody('other', 1796522405, body)).not.toBe(headers['Parley-Signature']);
  });

  it('is Slack’s {"text"} for a Slack URL, escaped, unsigned', () => {
    const { body, headers } = webhookRequest('slack', 'whsec_test', message, now);
    const { text } = JSON.parse(body) as { text: string };
    expect(text).toBe('*A visitor asked for a person* · Help &amp; desk\nName: Ada\nMessage: &lt;!channel&gt; see &lt;https://evil.example|here&gt; &amp; more');
    expect(headers).not.toHaveProperty('Parley-Signature');
  });

  it('knows a Slack incoming webhook by host and path, and masks tokens in what it shows', () => {
    expect(webhookKindOf(new URL('https://hooks.slack.com/services/T1/B2/abc'))).toBe('slack');
    expect(webhookKindOf(new URL('https://hooks.slack.com.evil.example/services/x'))).toBe('generic');
    expect(webhookUrlHint(new URL('https://example.com/in/0123456789abcdef?token=secret'))).toBe('https://example.com/in/01…');
  });
});
