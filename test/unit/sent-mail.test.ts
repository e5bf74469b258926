/**
 * One notification e-mail of the sent log, opened: its text where a copy is kept (the local outbox), and where none
 * is (AWS) or none can be (a refused message), a reason the panel can say; bad ids are not found, and never passed on.
 */
import { describe, expect, it } from 'vitest';
import { newId } from '../../lambdas/core/ids.ts';
import type { MailCopies, NotificationRepository } from '../../lambdas/core/ports.ts';
import type { SentNotification } from '../../lambdas/core/records.ts';
import { readSentMail } from '../../lambdas/core/sent-mail.ts';
import { tenantForMember } from '../../lambdas/core/tenancy.ts';
import { fakePort } from '../fakes/ports.ts';

const at = '2026-12-06T07:00:00.000Z';
const eventId = newId();
const userId = '3f1c2a9e-5b7d-4c1e-9a2b-0d4e6f8a1b2c';
const sent: SentNotification = { eventId, type: 'handoff.requested', userId, to: 'owner@example.com', subject: 'A visitor asked for a person · Shop', status: 'sent', messageId: 'local-1', at, expiresAt: at };
const owner = tenantForMember({ accountId: newId(), userId, role: 'owner' });

const depsWith = (entry: SentNotification | null, copies: MailCopies | null) => {
  const asked: string[] = [];
  return {
    asked,
    deps: {
      notifications: fakePort<NotificationRepository>('notifications', { getSent: async (_t, e, u) => { asked.push(`${e}/${u}`); return entry; } }),
      mailCopies: copies,
    },
  };
};

describe('reading a sent notification e-mail', () => {
  it('gives the text kept by the outbox', async () => {
    const { deps } = depsWith(sent, { textOf: async (id) => (id === 'local-1' ? 'Hello <b>there</b>\n' : null) });
    expect(await readSentMail(deps, owner, eventId, userId)).toEqual({ sent, copy: { kept: true, text: 'Hello <b>there</b>\n' } });
  });

  it('says why there is no text: none kept in this deployment, gone from the outbox, or never sent', async () => {
    expect((await readSentMail(depsWith(sent, null).deps, owner, eventId, userId)).copy).toEqual({ kept: false, why: 'not_kept' });
    expect((await readSentMail(depsWith(sent, { textOf: async () => null }).deps, owner, eventId, userId)).copy).toEqual({ kept: false, why: 'gone' });
    const refused: SentNotification = { ...sent, status: 'failed', reason: 'MessageRejected: not verified' };
    const { messageId: _m, ...noId } = refused;
    expect((await readSentMail(depsWith(noId, { textOf: async () => 'x' }).deps, owner, eventId, userId)).copy).toEqual({ kept: false, why: 'not_sent' });
  });

  it('is not found for an id that is none, without asking the store', async () => {
    const { deps, asked } = depsWith(sent, null);
    for (const [e, u] of [['../../etc/passwd', userId], [eventId, '../x'], [eventId, `${userId}#x`], [eventId, '']]) {
      await expect(readSentMail(deps, owner, e!, u!)).rejects.toMatchObject({ status: 404, code: 'not_found' });
    }
    expect(asked).toEqual([]);
    await expect(readSentMail(depsWith(null, null).deps, owner, eventId, userId)).rejects.toMatchObject({ status: 404 });
  });

  it('is for owners and admins', async () => {
    const viewer = tenantForMember({ accountId: newId(), userId, role: 'viewer' });
    await expect(readSentMail(depsWith(sent, null).deps, viewer, eventId, userId)).rejects.toMatchObject({ status: 403 });
  });
});
