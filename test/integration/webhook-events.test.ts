// The events besides a visitor's request and lead: a question the bot could not
// answer from its documents, a thumbs-down, a document that failed. Each arises
// where it happens, is queued (the visitor's answer never waits on it), and reaches
// the webhooks that subscribe to it as a signed, versioned body holding what the
// owner needs and nothing else of the conversation; the others never see it.
import { createHmac } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startWebhookReceiver, type WebhookReceiver } from '../fakes/webhook-receiver.ts';
import { ask, call, newOwner, uploadDocument, usePlatform, type Owner } from './fixtures/platform.ts';

interface Envelope { type: string; version: number; id: string; createdAt: string; data: Record<string, unknown> }

/** A PNG's first bytes under a Markdown name: ingestion marks it failed, with a reason. */
const PNG = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0]);

let receiver: WebhookReceiver;
beforeAll(async () => {
  receiver = await startWebhookReceiver();
  receiver.answerWith(200);
});
afterAll(async () => receiver.close());

describe('webhook events', () => {
  const platform = usePlatform({
    env: () => ({ PARLEY_EGRESS_ALLOW_HOSTS: receiver.host }),
    queueDelayScale: 0.02,
    ingest: { retryDelayMs: 20 },
  });

  const subscribe = async (o: Owner, path: string, events: string[]) => {
    const res = await o.request<{ secret: string }>('POST', `/v1/bots/${o.botId}/webhooks`, { url: `${receiver.url}${path}`, events });
    expect(res.status).toBe(201);
    return res.body.secret;
  };
  const received = (path: string) => receiver.received.filter((r) => r.path === path);
  const bodies = (path: string) => received(path).map((r) => JSON.parse(r.body) as Envelope);
  const signedWith = (secret: string, path: string) => received(path).every((r) => {
    const [t, v1] = String(r.headers['parley-signature']).split(',').map((p) => p.split('=')[1]);
    return v1 === createHmac('sha256', secret).update(`${t}.${r.body}`).digest('hex');
  });

  it('tells of a question the bot could not answer, with the question and the conversation’s ids', async () => {
    const o = await newOwner(platform());
    const secret = await subscribe(o, '/unanswered', ['conversation.unanswered']);
    await subscribe(o, '/leads-only', ['lead.created']);

    const reply = await ask(platform(), o.publicId, 'Do you ship to Iceland?');
    expect(reply.done).toMatchObject({ answered: false });
    await platform().notify.idle();

    const [event, ...more] = bodies('/unanswered');
    expect(more).toEqual([]);
    expect(event).toMatchObject({
      type: 'conversation.unanswered', version: 1,
      data: { bot: { botId: o.botId, name: 'Help desk' }, conversationId: reply.conversationId, turnId: reply.turnId, question: 'Do you ship to Iceland?' },
    });
    // The bot's own reply is not the owner's to be told again; the rest of the conversation stays in Parley.
    expect(Object.keys(event!.data).sort()).toEqual(['askedAt', 'bot', 'conversationId', 'question', 'turnId']);
    expect(signedWith(secret, '/unanswered')).toBe(true);
    expect(received('/leads-only')).toEqual([]);
  });

  it('raises nothing for an account that keeps no conversations: there is no question left to read', async () => {
    const o = await newOwner(platform());
    expect((await o.request('PATCH', '/v1/account', { retentionDays: 0 })).status).toBe(200);
    await subscribe(o, '/unanswered-unkept', ['conversation.unanswered']);
    await ask(platform(), o.publicId, 'Do you ship to Iceland?');
    await platform().notify.idle();
    expect(received('/unanswered-unkept')).toEqual([]);
  });

  it('tells of a thumbs-down with the question and the visitor’s comment, and not of a thumbs-up', async () => {
    const o = await newOwner(platform());
    await subscribe(o, '/feedback', ['feedback.negative']);
    const reply = await ask(platform(), o.publicId, 'What are your opening hours?');
    const rate = (rating: string, comment?: string) => call(platform().apiUrl, 'POST', `/widget/v1/${o.publicId}/feedback`,
      { conversationId: reply.conversationId, turnId: reply.turnId, rating, ...(comment ? { comment } : {}) }, { authorization: `Bearer ${reply.token}` });

    expect((await rate('up')).status).toBe(204);
    await platform().notify.idle();
    expect(received('/feedback')).toEqual([]);

    expect((await rate('down', 'Not helpful at all')).status).toBe(204);
    await platform().notify.idle();
    const [event, ...more] = bodies('/feedback');
    expect(more).toEqual([]);
    expect(event).toMatchObject({
      type: 'feedback.negative', version: 1,
      data: { bot: { botId: o.botId }, conversationId: reply.conversationId, turnId: reply.turnId, question: 'What are your opening hours?', comment: 'Not helpful at all' },
    });
    expect(Object.keys(event!.data).sort()).toEqual(['bot', 'comment', 'conversationId', 'question', 'ratedAt', 'turnId']);
  });

  it('tells of a document that failed, with its name and the reason', async () => {
    const o = await newOwner(platform());
    await subscribe(o, '/documents', ['document.failed']);
    const doc = await uploadDocument(platform(), o, 'picture.md', PNG);
    expect(doc.status).toBe('failed');
    await platform().notify.idle();
    const [event, ...more] = bodies('/documents');
    expect(more).toEqual([]);
    expect(event).toMatchObject({ type: 'document.failed', version: 1, data: { bot: { botId: o.botId }, document: { docId: doc.docId, name: 'picture.md', error: doc.error } } });
  });

  it('sends a webhook only the events it subscribes to', async () => {
    const o = await newOwner(platform());
    await subscribe(o, '/all', ['handoff.requested', 'lead.created', 'conversation.unanswered', 'feedback.negative', 'document.failed']);
    await subscribe(o, '/failed-only', ['document.failed']);
    await ask(platform(), o.publicId, 'Is there parking nearby?');
    await uploadDocument(platform(), o, 'picture.md', PNG);
    await platform().notify.idle();
    expect(bodies('/all').map((e) => e.type).sort()).toEqual(['conversation.unanswered', 'document.failed']);
    expect(bodies('/failed-only').map((e) => e.type)).toEqual(['document.failed']);
  });
});
