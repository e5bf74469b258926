/**
 * The account's notification e-mails as sent: the log lists addresses, subjects and
 * statuses (for owners and admins), and one e-mail opens with its text where a copy is
 * kept (the local outbox; on AWS none is). Another account's e-mail is not found.
 */
import { notFound } from './errors.ts';
import { isId } from './ids.ts';
import type { Deps } from './ports.ts';
import { requireRole } from './roles.ts';
import type { SentNotification } from './records.ts';
import type { TenantContext } from './tenancy.ts';
import type { SentMailView } from './views.ts';

/** How many sent notifications the panel lists. */
export const SENT_LIST_LIMIT = 50;

/** A member's user id as identity gives it (a Cognito `sub`, a UUID): nothing that could reach past one key. */
const USER_ID = /^[A-Za-z0-9-]{1,64}$/;

/** The account's recent notification e-mails (addresses and subjects), for owners and admins. */
export const listSentNotifications = async (deps: Pick<Deps, 'notifications'>, tenant: TenantContext): Promise<{ sent: SentNotification[] }> => {
  requireRole(tenant, 'admin');
  return { sent: await deps.notifications.listSent(tenant, SENT_LIST_LIMIT) };
};

/** One e-mail of the log, by the event (or digest, or notice) it was about and the member it went to. */
export const readSentMail = async (deps: Pick<Deps, 'notifications' | 'mailCopies'>, tenant: TenantContext, eventId: string, userId: string): Promise<SentMailView> => {
  requireRole(tenant, 'admin');
  const sent = isId(eventId) && USER_ID.test(userId) ? await deps.notifications.getSent(tenant, eventId, userId) : null;
  if (!sent) throw notFound('notification e-mail');
  if (!deps.mailCopies) return { sent, copy: { kept: false, why: 'not_kept' } };
  if (sent.status !== 'sent' || !sent.messageId) return { sent, copy: { kept: false, why: 'not_sent' } };
  const text = await deps.mailCopies.textOf(sent.messageId);
  return { sent, copy: text === null ? { kept: false, why: 'gone' } : { kept: true, text } };
};
