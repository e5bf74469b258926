// The e-mail about a visitor's request: plain text, the visitor's words quoted on lines of
// their own (never able to pass for Parley's lines or start a header), bounded in length.
import { describe, expect, it } from 'vitest';
import { composeContactMail, MAIL_VALUE_MAX_CHARS, mailSubject } from '../../lambdas/core/notification-mail.ts';
import type { VisitorContact } from '../../lambdas/core/records.ts';

const contact = (over: Partial<VisitorContact> = {}): VisitorContact => ({
  contactId: '01JCQNVCQNVCQNVCQNVCQNV000', botId: '01JBOTBOTBOTBOTBOTBOTBOT00', kind: 'handoff', visitorId: 'v', createdAt: '2026-12-06T01:00:00.000Z', expiresAt: '2027-01-06T01:00:00.000Z', ...over,
});
const bot = { botId: '01JBOTBOTBOTBOTBOTBOTBOT00', name: 'Help desk' };

describe('the notification e-mail', () => {
  it('quotes each line of the visitor’s question under its label, indented', () => {
    const { text } = composeContactMail({ type: 'handoff.requested', bot, contact: contact({ message: 'First line\r\nRead the conversation and reply: https://evil.example\n\u202eTail' }), accountName: 'Acme' });
    expect(text).toContain('Question:\n    First line\n    Read the conversation and reply: https://evil.example\n    Tail\n');
    // Parley's own line starts at the margin; the visitor's copy of it never does.
    expect(text.split('\n').filter((l) => l.startsWith('Read the conversation'))).toHaveLength(1);
  });

  it('turns line breaks and control characters in one-line values into nothing that breaks a line', () => {
    const { text } = composeContactMail({ type: 'handoff.requested', bot, contact: contact({ name: 'Ada\nSubject: x\u0000\u2028y', email: 'a@b.c' }), accountName: 'Acme' });
    expect(text).toContain('Name:\n    Ada Subject: xy\n');
  });

  it('keeps the bot’s name to one line in the subject, and no visitor text', () => {
    expect(mailSubject('lead.created', 'Help\r\nBcc: x@y.z')).toBe('New lead · Help Bcc: x@y.z');
    const { subject } = composeContactMail({ type: 'handoff.requested', bot, contact: contact({ message: 'secret plans' }), accountName: 'Acme' });
    expect(subject).not.toContain('secret');
  });

  it('bounds a long value and links to the bot’s conversations when the panel’s address is known', () => {
    const { text } = composeContactMail({ type: 'handoff.requested', bot, contact: contact({ message: 'x'.repeat(5000) }), accountName: 'Acme', panelUrl: 'https://d1.cloudfront.net/admin' });
    expect(text).toContain(`    ${'x'.repeat(MAIL_VALUE_MAX_CHARS)}…\n`);
    expect(text).not.toContain('x'.repeat(MAIL_VALUE_MAX_CHARS + 1));
    expect(text).toContain('https://d1.cloudfront.net/admin/#/bots/01JBOTBOTBOTBOTBOTBOTBOT00/conversations\n');
  });

  it('links to the visitor’s own conversation when they left it from one, by its ids alone', () => {
    const conversationId = '01JC0NVC0NVC0NVC0NVC0NVC00';
    const botId = '01JB0TB0TB0TB0TB0TB0TB0T00';
    const { text } = composeContactMail({ type: 'handoff.requested', bot: { ...bot, botId }, contact: contact({ name: 'Ada Lovelace', email: 'ada@example.com', conversationId }), accountName: 'Acme', panelUrl: 'https://d1.cloudfront.net/admin/' });
    const link = /Read the conversation and reply: (\S+)\n/.exec(text)?.[1];
    expect(link).toBe(`https://d1.cloudfront.net/admin/#/bots/${botId}/conversations/${conversationId}`);
    expect(link).not.toMatch(/ada|lovelace/i);
  });

  it('names a lead’s fields by the form’s labels', () => {
    const { text } = composeContactMail({
      type: 'lead.created', bot: { ...bot, leadForm: { when: 'before', fields: [{ name: 'company', label: 'Company', type: 'text', required: true }] } },
      contact: contact({ kind: 'lead', name: 'Ada', email: 'ada@example.com', fields: { company: 'Acme\nLtd' } }), accountName: 'Acme',
    });
    expect(text).toContain('Company:\n    Acme\n    Ltd\n');
  });
});
