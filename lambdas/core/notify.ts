/**
 * The notify function's work: one queued event (a visitor's request for a person
 * or lead) e-mailed to each member who wants it, if the bot e-mails that kind of
 * event. Runs as the system, under the event's account. Delivery is at least once, and a redelivered event e-mails nobody twice:
 * each member's mail is logged before the next is sent, and a logged one is skipped.
 * A passing failure of the mail service throws (the queue delivers the event again);
 * a refusal for good is logged as `failed` and the others are still sent.
 */
import { contactKindOf, isContactEvent, type ParleyEvent } from './events.ts';
import { composeContactMail } from './notification-mail.ts';
import { botPrefsOf, memberPrefsOf } from './notification-prefs.ts';
import type { Deps, Mailer } from './ports.ts';
import type { Member, SentNotification } from './records.ts';
import { tenantForSystem, type TenantContext } from './tenancy.ts';

/** How long the log of a sent notification is kept. */
export const SENT_NOTIFICATION_DAYS = 30;

export type NotifyDeps = Pick<Deps, 'accounts' | 'bots' | 'contacts' | 'notifications' | 'mailer' | 'clock'>;

/** What mailing members did, for the function's log line (counts only), and why nothing was sent when nothing was. */
export interface MailOutcome<Reason extends string> {
  readonly sent: number;
  readonly failed: number;
  readonly skipped: number;
  readonly reason?: Reason;
}

/**
 * What delivering one event did. `not_mailed`: a kind of event that is never e-mailed as it happens (the daily
 * digest tells of it).
 */
export type DeliveryOutcome = MailOutcome<'mail_off' | 'gone' | 'bot_off' | 'account_locked' | 'not_mailed'>;

/**
 * Mails one message to each member once: a member the sent log already names for `about.eventId` is skipped (a
 * redelivered event, a repeated digest run), and every attempt is logged, kept `SENT_NOTIFICATION_DAYS`.
 */
export const mailEachOnce = async (
  deps: Pick<Deps, 'notifications' | 'clock'>,
  mailer: Mailer,
  tenant: TenantContext,
  members: readonly Pick<Member, 'userId' | 'email'>[],
  mail: { readonly subject: string; readonly text: string },
  about: Pick<SentNotification, 'eventId' | 'type' | 'botId'>,
): Promise<MailOutcome<never>> => {
  let sent = 0;
  let failed = 0;
  let skipped = 0;
  for (const member of members) {
    if (await deps.notifications.wasSent(tenant, about.eventId, member.userId)) {
      skipped++;
      continue;
    }
    const result = await mailer.send({ to: member.email, subject: mail.subject, text: mail.text });
    const now = deps.clock.now();
    await deps.notifications.recordSent(tenant, {
      ...about,
      userId: member.userId,
      to: member.email,
      subject: mail.subject,
      ...(result.ok ? { status: 'sent', messageId: result.messageId } : { status: 'failed', reason: result.reason }),
      at: now.toISOString(),
      expiresAt: new Date(now.getTime() + SENT_NOTIFICATION_DAYS * 86_400_000).toISOString(),
    });
    if (result.ok) sent++;
    else failed++;
  }
  return { sent, failed, skipped };
};

export const deliverEvent = async (deps: NotifyDeps, accountId: string, event: ParleyEvent, options: { panelUrl?: string | undefined } = {}): Promise<DeliveryOutcome> => {
  const mailer = deps.mailer;
  if (!isContactEvent(event)) return { sent: 0, failed: 0, skipped: 0, reason: 'not_mailed' };
  if (!mailer) return { sent: 0, failed: 0, skipped: 0, reason: 'mail_off' };
  const tenant = tenantForSystem(accountId);
  const [account, bot] = await Promise.all([deps.accounts.get(tenant), deps.bots.get(tenant, event.botId)]);
  if (!account || !bot) return { sent: 0, failed: 0, skipped: 0, reason: 'gone' };
  if (account.status !== 'active') return { sent: 0, failed: 0, skipped: 0, reason: 'account_locked' };
  if (!botPrefsOf(await deps.notifications.getBotPrefs(tenant, bot.botId)).email[event.type]) return { sent: 0, failed: 0, skipped: 0, reason: 'bot_off' };
  // Deleted by the owner, or expired, before the event was delivered: there is nothing left to tell.
  const contact = await deps.contacts.get(tenant, bot.botId, contactKindOf(event.type), event.contactId);
  if (!contact) return { sent: 0, failed: 0, skipped: 0, reason: 'gone' };

  const [members, stored] = await Promise.all([deps.accounts.listMembers(tenant), deps.notifications.listMemberPrefs(tenant)]);
  const mail = composeContactMail({ type: event.type, bot, contact, accountName: account.name, panelUrl: options.panelUrl });
  const wanting = members.filter((member) => memberPrefsOf(stored.get(member.userId), member.role).email[event.type]);
  return mailEachOnce(deps, mailer, tenant, wanting, mail, { eventId: event.eventId, type: event.type, botId: bot.botId });
};
