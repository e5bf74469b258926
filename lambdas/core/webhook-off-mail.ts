/**
 * Turning a webhook off after its last attempt, and the e-mail that tells the bot's
 * owners and admins. The e-mail goes through `mailEachOnce` like the event e-mails and
 * the digest: it is in the sent log (the panel's recent notification e-mails), and it
 * is logged under the webhook's `disabledNoticeId`, written in the same update that
 * turns it off and drawn from the job itself. A passing SES failure fails the job, the
 * queue delivers it again, and the job, finding its webhook turned off by Parley under its
 * own notice id, sends the e-mail to whoever it has not reached yet without posting to the
 * endpoint again. Another event's job finding the webhook off sends nothing.
 */
import { idOf } from './ids.ts';
import { mailSubjectLine } from './notification-mail.ts';
import { mailEachOnce, type MailOutcome } from './notify.ts';
import type { Deps, WebhookJob, WebhookPatch } from './ports.ts';
import type { Webhook } from './records.ts';
import type { TenantContext } from './tenancy.ts';

const BY_PARLEY = 'Turned off by Parley';

/** The id the e-mail is logged under when `job` turns its webhook off: the same each time the queue delivers that job. */
export const noticeIdOf = (job: WebhookJob): string => idOf(Date.parse(job.dueAt), `${job.webhookId}#${job.event.eventId}#${job.attempt}`);

/** What `job`, failing at `at`, writes to turn its webhook off, in one conditional update: the status, the reason the panel shows, and the e-mail's log id. */
export const turnOffPatch = (job: WebhookJob, at: string, reason: string): WebhookPatch => ({
  status: 'disabled',
  disabledReason: `${BY_PARLEY} on ${at.slice(0, 10)}: an event could not be delivered after ${job.attempt} attempts over about a day (${mailSubjectLine(reason)})`.slice(0, 300),
  disabledNoticeId: noticeIdOf(job),
  lastFailureAt: at,
});

/**
 * True while the webhook stays off as Parley turned it off: a member turning it on clears the reason, and turning it
 * off again writes their own, so an older notice id left behind is never mailed again.
 */
export const isOffByParley = (webhook: Webhook): webhook is Webhook & { disabledNoticeId: string } =>
  webhook.status === 'disabled' && webhook.disabledNoticeId !== undefined && (webhook.disabledReason ?? '').startsWith(BY_PARLEY);

/** The e-mail, plain text, with the reason the panel shows (the endpoint's status or the sender's error). */
export const composeWebhookOffMail = (botName: string, webhook: Webhook): { subject: string; text: string } => ({
  subject: `Webhook turned off · ${mailSubjectLine(botName)}`,
  text: [
    `Parley turned off a webhook of "${mailSubjectLine(botName)}": an event could not be delivered to ${webhook.urlHint} for about a day.`,
    '',
    // Written by turnOffPatch from a cleaned, one-line reason.
    webhook.disabledReason ?? '',
    '',
    'Events are no longer sent to it. Fix the endpoint, look at its delivery log, and turn it on again in the admin panel, under the bot\'s Settings › Webhooks.',
    '',
  ].join('\n'),
});

/** E-mails the account's owners and admins, once each, that Parley turned `webhook` off. */
export const tellTurnedOff = async (
  deps: Pick<Deps, 'accounts' | 'notifications' | 'mailer' | 'clock'>,
  tenant: TenantContext,
  botName: string,
  webhook: Webhook,
): Promise<MailOutcome<'mail_off' | 'not_by_parley'>> => {
  if (!deps.mailer) return { sent: 0, failed: 0, skipped: 0, reason: 'mail_off' };
  if (!isOffByParley(webhook)) return { sent: 0, failed: 0, skipped: 0, reason: 'not_by_parley' };
  const members = (await deps.accounts.listMembers(tenant)).filter((m) => m.role !== 'viewer');
  return mailEachOnce(deps, deps.mailer, tenant, members, composeWebhookOffMail(botName, webhook),
    { eventId: webhook.disabledNoticeId, type: 'webhook.disabled', botId: webhook.botId });
};
