// What a webhook receives: the generic JSON envelope signed over "t.body", and Slack's
// {"text"} with the visitor's words escaped so they cannot mention or link on their own.
import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { parseEvent } from '../../lambdas/core/events.ts';
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

  it('carries a second v1, from the previous secret, until its window after a rotation ends', () => {
    const until = '2026-12-07T02:00:05.000Z';
    const during = webhookRequest('generic', 'whsec_new', message, now, { secret: 'whsec_old', until });
    const sign = (secret: string) => createHmac('sha256', secret).update(`1796522405.${during.body}`).digest('hex');
    expect(during.headers['Parley-Signature']).toBe(`t=1796522405,v1=${sign('whsec_new')},v1=${sign('whsec_old')}`);
    const after = webhookRequest('generic', 'whsec_new', message, new Date(until), { secret: 'whsec_old', until });
    expect(after.headers['Parley-Signature']!.match(/v1=/g)).toHaveLength(1);
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

describe('the events besides requests and leads', () => {
  it('reach Slack in words, the visitor’s comment escaped', () => {
    const feedback: WebhookMessage = {
      type: 'feedback.negative', id: message.id, createdAt: message.createdAt,
      data: { bot: { botId: 'b', name: 'Help' }, conversationId: 'c', turnId: 't', question: 'Hours?', comment: '<@U123> useless' },
    };
    expect((JSON.parse(webhookRequest('slack', 's', feedback, now).body) as { text: string }).text)
      .toBe('*A visitor gave an answer a thumbs-down* · Help\nQuestion: Hours?\nComment: &lt;@U123&gt; useless');
    const failed: WebhookMessage = { type: 'document.failed', id: message.id, createdAt: message.createdAt, data: { bot: { botId: 'b', name: 'Help' }, document: { docId: 'd', name: 'a.pdf', error: 'The file is empty.' } } };
    expect((JSON.parse(webhookRequest('slack', 's', failed, now).body) as { text: string }).text)
      .toBe('*A document failed to process* · Help\nDocument: a.pdf\nReason: The file is empty.');
  });

  it('are read back from the queue only whole: each type with its own ids', () => {
    const ids = { eventId: '01JEVENTEVENTEVENTEVENT000', botId: '01JB0TB0TB0TB0TB0TB0TB0T00', at: '2026-12-06T02:00:00.000Z' };
    const turn = { conversationId: '01JC0NVC0NVC0NVC0NVC0NVC00', turnId: '01JTVRNTVRNTVRNTVRNTVRNT00' };
    expect(parseEvent({ ...ids, type: 'conversation.unanswered', ...turn, question: 'dropped' })).toEqual({ ...ids, type: 'conversation.unanswered', ...turn });
    expect(parseEvent({ ...ids, type: 'feedback.negative', conversationId: turn.conversationId })).toBeUndefined();
    expect(parseEvent({ ...ids, type: 'document.failed', docId: turn.turnId })).toEqual({ ...ids, type: 'document.failed', docId: turn.turnId });
    expect(parseEvent({ ...ids, type: 'document.failed', contactId: turn.turnId })).toBeUndefined();
    expect(parseEvent({ ...ids, type: 'lead.created', contactId: 'not an id' })).toBeUndefined();
    expect(parseEvent({ ...ids, type: 'account.deleted', contactId: turn.turnId })).toBeUndefined();
  });
});
