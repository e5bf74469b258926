/**
 * The daily digest: members who chose it get one e-mail a day per account, listing
 * the previous day's (UTC) questions each bot could not answer and answers visitors
 * gave a thumbs-down, and nothing on a day with nothing to say.
 *
 * As the notify function delivers a `conversation.unanswered` or `feedback.negative`
 * event, it keeps an entry (ids only, `DIGEST_KEEP_DAYS`) if anyone in the account
 * wants the digest, and marks the account for that day. Once a day a schedule runs
 * the notify function (`startDigests`): it queues one digest job per marked account
 * for the day before, on the notify queue, and each job (`sendDigest`) reads the
 * questions and comments from the conversations, under the account, and e-mails each
 * member who wants it, once (a redelivered job e-mails nobody twice).
 */
import { composeDigestMail, DIGEST_ITEMS_SHOWN, type BotDigest, type DigestItem } from './digest-mail.ts';
import { turnOf } from './event-data.ts';
import type { TurnEvent } from './events.ts';
import { idAt } from './ids.ts';
import { memberPrefsOf } from './notification-prefs.ts';
import { mailEachOnce, type MailOutcome } from './notify.ts';
import type { Deps } from './ports.ts';
import type { DigestEntry } from './records.ts';
import { tenantForSystem, type TenantContext } from './tenancy.ts';

/** Entries and day marks are kept this long: the run reads yesterday's, and a late or repeated run still finds them. */
export const DIGEST_KEEP_DAYS = 3;
/** The hour (UTC) the stack's schedule runs the digest: after the day it covers has ended everywhere in Europe. */
export const DIGEST_HOUR_UTC = 7;

const DAY_MS = 86_400_000;

/** The UTC day (`YYYY-MM-DD`) of a time. */
export const dayOf = (at: Date): string => at.toISOString().slice(0, 10);

/** The day a run at `at` covers: the one before. */
export const digestDayFor = (at: Date): string => dayOf(new Date(at.getTime() - DAY_MS));

/** The id a day's digest is logged under (a ULID of the day's end): a second run of the day finds it sent. */
export const digestIdOf = (day: string): string => idAt(Date.parse(`${day}T00:00:00.000Z`) + DAY_MS - 1);

/** The days whose marks may still name an account (erasure removes them). */
export const digestDaysUpTo = (now: Date): string[] =>
  Array.from({ length: DIGEST_KEEP_DAYS + 1 }, (_, i) => dayOf(new Date(now.getTime() - i * DAY_MS)));

const wantsDigest = async (deps: Pick<Deps, 'accounts' | 'notifications'>, tenant: TenantContext) => {
  const [members, stored] = await Promise.all([deps.accounts.listMembers(tenant), deps.notifications.listMemberPrefs(tenant)]);
  return members.filter((m) => memberPrefsOf(stored.get(m.userId), m.role).digest === true);
};

/** Keeps an unanswered question or thumbs-down for its day's digest, if anyone in the account wants the digest. */
export const recordForDigest = async (deps: Pick<Deps, 'accounts' | 'notifications'>, accountId: string, event: TurnEvent): Promise<boolean> => {
  const tenant = tenantForSystem(accountId);
  if ((await wantsDigest(deps, tenant)).length === 0) return false;
  const entry: DigestEntry = {
    eventId: event.eventId, type: event.type, botId: event.botId, conversationId: event.conversationId, turnId: event.turnId, at: event.at,
    expiresAt: new Date(Date.parse(event.at) + DIGEST_KEEP_DAYS * DAY_MS).toISOString(),
  };
  await deps.notifications.recordDigestEntry(tenant, dayOf(new Date(event.at)), entry);
  return true;
};

/** The scheduled run at `at`: one digest job queued per account with something for the day before. */
export const startDigests = async (deps: Pick<Deps, 'notifications' | 'events'>, at: Date): Promise<{ day: string; accounts: number }> => {
  const day = digestDayFor(at);
  const accounts = await deps.notifications.listDigestAccounts(day);
  for (const accountId of accounts) await deps.events.queueDigest(tenantForSystem(accountId), day);
  return { day, accounts: accounts.length };
};

export type SendDigestDeps = Pick<Deps, 'accounts' | 'bots' | 'conversations' | 'notifications' | 'mailer' | 'clock'>;

/** What sending an account's digest did. */
export type DigestOutcome = MailOutcome<'mail_off' | 'gone' | 'account_locked' | 'nobody' | 'nothing'>;

const itemsOf = async (deps: Pick<Deps, 'conversations'>, tenant: TenantContext, entries: readonly DigestEntry[]): Promise<DigestItem[]> => {
  const items: DigestItem[] = [];
  // The first entries still there to read: a conversation deleted since is left out of the list, not of the count.
  for (const e of entries) {
    if (items.length >= DIGEST_ITEMS_SHOWN) break;
    const turn = await turnOf(deps, tenant, e.botId, e.conversationId, e.turnId);
    if (!turn) continue;
    items.push({
      conversationId: e.conversationId, turnId: e.turnId, question: turn.question,
      ...(e.type === 'feedback.negative' && turn.feedback?.comment ? { comment: turn.feedback.comment } : {}),
    });
  }
  return items;
};

/** One account's digest of `day`, e-mailed to each member who chose it. */
export const sendDigest = async (deps: SendDigestDeps, accountId: string, day: string, options: { panelUrl?: string | undefined } = {}): Promise<DigestOutcome> => {
  const mailer = deps.mailer;
  if (!mailer) return { sent: 0, failed: 0, skipped: 0, reason: 'mail_off' };
  const tenant = tenantForSystem(accountId);
  const account = await deps.accounts.get(tenant);
  if (!account) return { sent: 0, failed: 0, skipped: 0, reason: 'gone' };
  if (account.status !== 'active') return { sent: 0, failed: 0, skipped: 0, reason: 'account_locked' };
  const members = await wantsDigest(deps, tenant);
  if (members.length === 0) return { sent: 0, failed: 0, skipped: 0, reason: 'nobody' };

  const entries = await deps.notifications.listDigestEntries(tenant, day);
  const bots: BotDigest[] = [];
  for (const bot of await deps.bots.list(tenant)) {
    const mine = entries.filter((e) => e.botId === bot.botId);
    const unanswered = mine.filter((e) => e.type === 'conversation.unanswered');
    const negative = mine.filter((e) => e.type === 'feedback.negative');
    if (!unanswered.length && !negative.length) continue;
    bots.push({
      botId: bot.botId, name: bot.name,
      unanswered: { count: unanswered.length, items: await itemsOf(deps, tenant, unanswered) },
      negative: { count: negative.length, items: await itemsOf(deps, tenant, negative) },
    });
  }
  if (bots.length === 0) return { sent: 0, failed: 0, skipped: 0, reason: 'nothing' };

  const mail = composeDigestMail({ accountName: account.name, day, bots, panelUrl: options.panelUrl });
  return mailEachOnce(deps, mailer, tenant, members, mail, { eventId: digestIdOf(day), type: 'digest' });
};
