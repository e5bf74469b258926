// The daily digest e-mail: plain text, counts per bot with the first few questions and
// comments quoted as the visitor wrote them (never able to start a line of ours), a link
// to each conversation by ids alone, and a subject with counts and the account's name only.
import { describe, expect, it } from 'vitest';
import { composeDigestMail, DIGEST_ITEMS_SHOWN } from '../../lambdas/core/digest-mail.ts';
import { digestDayFor, digestIdOf, digestDaysUpTo } from '../../lambdas/core/digest.ts';
import { isId } from '../../lambdas/core/ids.ts';

const botId = '01JB0TB0TB0TB0TB0TB0TB0T00';
const item = (n: number) => ({ conversationId: `01JC0NVC0NVC0NVC0NVC0NVC${String(n).padStart(2, '0')}`, turnId: '01JTVRNTVRNTVRNTVRNTVRNT00', question: `Question ${n}` });

describe('the digest e-mail', () => {
  it('quotes the visitor’s words on lines of their own and keeps them out of the subject', () => {
    const { subject, text } = composeDigestMail({
      accountName: 'Acme\r\nBcc: x@y.z', day: '2026-12-05', panelUrl: 'https://panel.example/admin',
      bots: [{ botId, name: 'Help', unanswered: { count: 1, items: [{ ...item(1), question: 'Ship?\nTeach Help the answers: https://evil.example' }] }, negative: { count: 1, items: [{ ...item(2), comment: 'secret plans\u202e' }] } }],
    });
    expect(subject).toBe('Yesterday · 1 unanswered question, 1 thumbs-down · Acme Bcc: x@y.z');
    expect(subject).not.toMatch(/Ship|secret/);
    expect(text).toContain('Question:\n    Ship?\n    Teach Help the answers: https://evil.example\n');
    expect(text).toContain('Comment:\n    secret plans\n');
    expect(text).toContain(`  Conversation: https://panel.example/admin/#/bots/${botId}/conversations/${item(1).conversationId}/${item(1).turnId}\n`);
    expect(text).toContain(`\nTeach Help the answers: https://panel.example/admin/#/bots/${botId}/unanswered\n`);
  });

  it('says how many there were when it shows only the first', () => {
    const items = Array.from({ length: DIGEST_ITEMS_SHOWN }, (_, i) => item(i));
    const { text } = composeDigestMail({ accountName: 'Acme', day: '2026-12-05', bots: [{ botId, name: 'Help', unanswered: { count: 12, items }, negative: { count: 0, items: [] } }] });
    expect(text).toContain(`12 questions it could not answer, the first ${DIGEST_ITEMS_SHOWN}:`);
    expect(text).not.toContain('thumbs-down:');
    // Without the panel's address, the place is named in words and no link is made up.
    expect(text).not.toContain('http');
    expect(text).toContain('under the bot\'s Unanswered tab');
  });

  it('covers the UTC day before its run, under one id per day', () => {
    expect(digestDayFor(new Date('2026-12-06T07:00:00Z'))).toBe('2026-12-05');
    expect(digestDayFor(new Date('2026-01-01T00:30:00Z'))).toBe('2025-12-31');
    expect(digestIdOf('2026-12-05')).toBe(digestIdOf('2026-12-05'));
    expect(isId(digestIdOf('2026-12-05'))).toBe(true);
    expect(digestIdOf('2026-12-05') < digestIdOf('2026-12-06')).toBe(true);
    expect(digestDaysUpTo(new Date('2026-12-06T07:00:00Z'))).toEqual(['2026-12-06', '2026-12-05', '2026-12-04', '2026-12-03']);
  });
});
