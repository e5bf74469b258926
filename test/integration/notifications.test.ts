// E-mail notifications: a visitor's request for a person or lead is queued as an
// event, and the notify function e-mails each member who wants it through SES (the
// local outbox, which speaks SES v2's wire format to the real SDK). What is sent,
// to whom, once only, with the visitor's words as plain text; preferences per
// member and per bot; refusals and passing failures of SES.
import { describe, expect, it } from 'vitest';
import type { SesRefusal } from '../../infra/local/ses-local.ts';
import { call, joinTeam, newOwner, usePlatform, visitorToken, type Owner } from './fixtures/platform.ts';

interface Sent { to: string; subject: string; status: string; type: string; botId: string; reason?: string; messageId?: string }

/** Decides SES's answer to the next requests (tests set it, and clear it). */
let refuse: ((request: { to: readonly string[] }) => SesRefusal | undefined) | undefined;

describe('e-mail notifications', () => {
  const platform = usePlatform({ mail: { refuse: (r) => refuse?.(r) }, ingest: { retryDelayMs: 20 } });

  const handoff = async (o: Owner, body: Record<string, unknown>) => {
    const token = await visitorToken(platform(), o.publicId);
    const res = await call<{ contactId: string }>(platform().apiUrl, 'POST', `/widget/v1/${o.publicId}/handoff`, body, { authorization: `Bearer ${token}` });
    expect(res.status).toBe(201);
    await platform().notify.idle();
    return res.body.contactId;
  };
  const mailsTo = (email: string) => platform().outbox.messages.filter((m) => m.to.includes(email));

  it('e-mails the owner a request for a person, as plain text with what they need to reply', async () => {
    const o = await newOwner(platform());
    await handoff(o, { name: 'Ada\r\nBcc: evil@example.com', email: 'ada@example.com', phone: '+44 20 7946 0000', message: 'Please call me <script>alert(1)</script>\nabout my order' });

    const [mail, ...more] = mailsTo(o.email);
    expect(more).toEqual([]);
    expect(mail!.from).toBe('notifications@parley.localhost');
    expect(mail!.subject).toBe('A visitor asked for a person · Help desk');
    expect(mail!.html).toBeUndefined();
    // The visitor's words, quoted as they wrote them, on lines of their own; a line break in a name cannot start a header or a line of ours.
    expect(mail!.text).toContain('Name:\n    Ada Bcc: evil@example.com\n');
    expect(mail!.text).toContain('E-mail:\n    ada@example.com\n');
    expect(mail!.text).toContain('Phone:\n    +44 20 7946 0000\n');
    expect(mail!.text).toContain('Question:\n    Please call me <script>alert(1)</script>\n    about my order\n');
    expect(mail!.text).toContain('Test account');

    const sent = await o.request<{ sent: Sent[] }>('GET', '/v1/notifications/sent');
    expect(sent.body.sent).toEqual([expect.objectContaining({ to: o.email, subject: mail!.subject, status: 'sent', type: 'handoff.requested', botId: o.botId, messageId: mail!.messageId })]);
    // The log keeps addresses and subjects, never what the visitor wrote.
    expect(sent.text).not.toContain('order');
  });

  it('e-mails a lead with the form’s labels', async () => {
    const o = await newOwner(platform());
    await o.request('PATCH', `/v1/bots/${o.botId}`, { leadForm: { when: 'before', fields: [{ name: 'company', label: 'Company', type: 'text', required: true }] } });
    const token = await visitorToken(platform(), o.publicId);
    const res = await call(platform().apiUrl, 'POST', `/widget/v1/${o.publicId}/lead`, { name: 'Ada', email: 'ada@example.com', fields: { company: 'Acme' } }, { authorization: `Bearer ${token}` });
    expect(res.status).toBe(201);
    await platform().notify.idle();
    const [mail] = mailsTo(o.email);
    expect(mail!.subject).toBe('New lead · Help desk');
    expect(mail!.text).toContain('Company:\n    Acme\n');
  });

  it('follows each member’s choice and the bot’s, viewers opting in', async () => {
    const o = await newOwner(platform());
    const viewer = await joinTeam(platform(), o, 'viewer');
    const v = (path: string, method = 'GET', body?: unknown) => viewer.request(method, path, body, { 'x-parley-account': o.accountId });

    expect((await v('/v1/me/notifications')).body).toEqual({ email: { enabled: true, from: 'notifications@parley.localhost' }, preferences: { email: { 'handoff.requested': false, 'lead.created': false } } });
    await handoff(o, { email: 'ada@example.com', message: 'One' });
    expect(mailsTo(o.email)).toHaveLength(1);
    expect(mailsTo(viewer.email)).toHaveLength(0);

    expect((await v('/v1/me/notifications', 'PUT', { email: { 'handoff.requested': true } })).status).toBe(200);
    expect((await o.request('PUT', '/v1/me/notifications', { email: { 'handoff.requested': false } })).status).toBe(200);
    await handoff(o, { email: 'ada@example.com', message: 'Two' });
    expect(mailsTo(o.email)).toHaveLength(1);
    expect(mailsTo(viewer.email)).toHaveLength(1);

    // A viewer may not change the bot's; an admin may, and then nobody hears of that bot's requests.
    expect((await v(`/v1/bots/${o.botId}/notifications`, 'PUT', { email: { 'handoff.requested': false } })).status).toBe(403);
    const off = await o.request<{ preferences: { email: Record<string, boolean> } }>('PUT', `/v1/bots/${o.botId}/notifications`, { email: { 'handoff.requested': false } });
    expect(off.body.preferences.email).toEqual({ 'handoff.requested': false, 'lead.created': true });
    await handoff(o, { email: 'ada@example.com', message: 'Three' });
    expect(mailsTo(viewer.email)).toHaveLength(1);
    expect((await o.request<{ entries: unknown[] }>('GET', '/v1/audit?action=bot.notifications.update')).body.entries).toHaveLength(1);
    expect((await v('/v1/notifications/sent')).status).toBe(403);
  });

  it('sends nobody the same e-mail twice when a passing SES failure makes the event come again', async () => {
    const o = await newOwner(platform());
    const admin = await joinTeam(platform(), o, 'admin');
    let throttled = 0;
    refuse = ({ to }) => (to.includes(admin.email) && throttled++ === 0 ? { status: 429, type: 'TooManyRequestsException', message: 'Too many requests' } : undefined);
    try {
      await handoff(o, { email: 'ada@example.com', message: 'Hello' });
    } finally {
      refuse = undefined;
    }
    expect(throttled).toBe(2);
    expect(mailsTo(o.email)).toHaveLength(1);
    expect(mailsTo(admin.email)).toHaveLength(1);
    expect(platform().notify.deadLetters).toEqual([]);
  });

  it('logs a message SES refuses for good as failed, without trying it again', async () => {
    const o = await newOwner(platform());
    const before = platform().outbox.requests;
    refuse = () => ({ status: 400, type: 'MessageRejected', message: 'Email address is not verified.' });
    try {
      await handoff(o, { email: 'ada@example.com', message: 'Hello' });
    } finally {
      refuse = undefined;
    }
    expect(platform().outbox.requests - before).toBe(1);
    const sent = await o.request<{ sent: Sent[] }>('GET', '/v1/notifications/sent');
    expect(sent.body.sent).toEqual([expect.objectContaining({ status: 'failed', reason: expect.stringContaining('MessageRejected') as string })]);
  });

  it('answers another account’s bot preferences with 404, and lists none of its e-mails', async () => {
    const alice = await newOwner(platform());
    const bob = await newOwner(platform());
    await handoff(alice, { email: 'ada@example.com', message: 'Hello' });
    expect((await bob.request('GET', `/v1/bots/${alice.botId}/notifications`)).status).toBe(404);
    expect((await bob.request('PUT', `/v1/bots/${alice.botId}/notifications`, { email: { 'lead.created': false } })).status).toBe(404);
    expect((await bob.request<{ sent: unknown[] }>('GET', '/v1/notifications/sent')).body.sent).toEqual([]);
    expect((await alice.request<{ preferences: { email: Record<string, boolean> } }>('GET', `/v1/bots/${alice.botId}/notifications`)).body.preferences.email['lead.created']).toBe(true);
  });
});
