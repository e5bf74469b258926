/**
 * The DynamoDB key layout, in one place: every partition and sort key of the data
 * table and the keys table. Repositories, the content cipher, visitor tokens, the
 * leading-keys check (tables.ts) and the IAM conditions (infra) build and read
 * keys only through this file, so a new kind of item is added here, where its
 * neighbours can be seen.
 *
 * Tenant partitions start with `A#<accountId>` (DESIGN, tenancy invariant 2) and are
 * built from a TenantContext only; platform partitions never start with `A#`.
 * Account, bot, document, conversation, run and segment ids are ULIDs of one
 * length, so `<prefix><id>#` never prefix-matches another id's keys. The layout
 * is stored data: a key changed here no longer reads what was written before
 * (test/unit/key-layout.test.ts pins each kind).
 *
 * | partition | sort keys |
 * |---|---|
 * | `A#<acc>` | `ACCOUNT`, `MEMBER#<sub>`, `INVITE#<email>`, `BOT#<bot>`, `DOC#<bot>#<doc>`, `SHA#<bot>#<sha256>`, `EXPORT#<id>`, `KEY#<provider>`, `AUDIT#<at>#<id>`, `NOTIFY#M#<sub>`, `NOTIFY#B#<bot>`, `MAIL#<eventId>#<sub>`, `HOOK#<bot>#<id>`, `HOOKLOG#<id>#<deliveryId>`, `DIGEST#<day>#<eventId>` |
 * | `A#<acc>#M` | `RATE#<key>#<windowStart>`, `BUDGET#<bot>#D#<day>`, `BUDGET#<bot>#M#<month>`, `USAGE#<month>#<bot>#<keyClass>` |
 * | `A#<acc>#B#<bot>` | `INDEX`, `GEN#<generation>`, `SEG#<id>#<part>`, `SEG#<id>#<section>#<part>`, `CHUNK#<doc>#<run>#<seq>` |
 * | `A#<acc>#C#<bot>` | `CONV#<conv>`, `TURN#<conv>#<turn>`, `HANDOFF#<id>`, `LEAD#<id>` |
 * | `U#<sub>` | `OWNS`, `ACCOUNT#<acc>` |
 * | `INV#<email>` | `ACCOUNT#<acc>` |
 * | `PUB#<publicId>` | `BOT` |
 * | `DIGESTDAY#<day>` | `ACCOUNT#<acc>` |
 * | `ERASED#<acc>` | `ERASURE` |
 * | `HOLDS` | `<acc>` |
 * | keys table `A#<acc>` | `CONTENT_KEY` |
 * | keys table `PLATFORM` | `VISITOR_TOKEN_KEY` |
 */
import type { TenantContext } from '../../core/tenancy.ts';

/** A full primary key. */
export interface ItemKey {
  readonly pk: string;
  readonly sk: string;
}

const ACCOUNT_MARK = 'A#';
const accountPk = (accountId: string) => `${ACCOUNT_MARK}${accountId}`;

/** `A#<acc>`: the account's settings and everything it has one of per id. */
export const accountItems = {
  pk: (t: TenantContext) => accountPk(t.accountId),
  settings: 'ACCOUNT',
  member: (userId: string) => `MEMBER#${userId}`,
  members: 'MEMBER#',
  invitation: (email: string) => `INVITE#${email}`,
  invitations: 'INVITE#',
  bot: (botId: string) => `BOT#${botId}`,
  bots: 'BOT#',
  document: (botId: string, docId: string) => `DOC#${botId}#${docId}`,
  documentsOf: (botId: string) => `DOC#${botId}#`,
  /** Names the document that last indexed these bytes. */
  contentMark: (botId: string, sha256: string) => `SHA#${botId}#${sha256}`,
  contentMarksOf: (botId: string) => `SHA#${botId}#`,
  export: (exportId: string) => `EXPORT#${exportId}`,
  exports: 'EXPORT#',
  providerKey: (provider: string) => `KEY#${provider}`,
  providerKeys: 'KEY#',
  audit: (at: string, id: string) => `AUDIT#${at}#${id}`,
  audits: 'AUDIT#',
  /** A member's notification preferences. */
  memberNotifications: (userId: string) => `NOTIFY#M#${userId}`,
  membersNotifications: 'NOTIFY#M#',
  /** Which of a bot's events are e-mailed. */
  botNotifications: (botId: string) => `NOTIFY#B#${botId}`,
  /** A notification e-mail sent to a member about an event (event ids are ULIDs: newest last). */
  sentMail: (eventId: string, userId: string) => `MAIL#${eventId}#${userId}`,
  sentMails: 'MAIL#',
  /** A bot's webhook: its subscription, URL and secret sealed. */
  webhook: (botId: string, webhookId: string) => `HOOK#${botId}#${webhookId}`,
  webhooksOf: (botId: string) => `HOOK#${botId}#`,
  /** One attempt to deliver to a webhook (delivery ids are ULIDs: newest last). */
  webhookDelivery: (webhookId: string, deliveryId: string) => `HOOKLOG#${webhookId}#${deliveryId}`,
  webhookDeliveriesOf: (webhookId: string) => `HOOKLOG#${webhookId}#`,
  /** A declined question or thumbs-down of a day (`YYYY-MM-DD`, UTC), for the daily digest; ids only. */
  digestEntry: (day: string, eventId: string) => `DIGEST#${day}#${eventId}`,
  digestEntriesOf: (day: string) => `DIGEST#${day}#`,
} as const;

/** `A#<acc>#M`: rate windows, budgets and usage counters. */
export const meterItems = {
  pk: (t: TenantContext) => `${accountPk(t.accountId)}#M`,
  rate: (key: string, windowStart: number) => `RATE#${key}#${windowStart}`,
  /** `day`: `YYYY-MM-DD`. */
  budgetDay: (botId: string, day: string) => `BUDGET#${botId}#D#${day}`,
  /** `month`: `YYYY-MM`. */
  budgetMonth: (botId: string, month: string) => `BUDGET#${botId}#M#${month}`,
  usage: (month: string, botId: string, keyClass: string) => `USAGE#${month}#${botId}#${keyClass}`,
  usageOf: (month: string) => `USAGE#${month}#`,
} as const;

/** `A#<acc>#B#<bot>`: the bot's search index and its chunks. */
export const botItems = {
  pk: (t: TenantContext, botId: string) => `${accountPk(t.accountId)}#B#${botId}`,
  /** The generation in force. */
  pointer: 'INDEX',
  head: (generation: number) => `GEN#${String(generation).padStart(12, '0')}`,
  heads: 'GEN#',
  segmentPart: (id: string, part: number) => `SEG#${id}#${String(part).padStart(4, '0')}`,
  /** Layout 2: part of one section of a segment (segment-sections.ts); under `segmentPartsOf` too. */
  segmentSectionPart: (id: string, section: string, part: number) => `SEG#${id}#${section}#${String(part).padStart(4, '0')}`,
  segmentPartsOf: (id: string) => `SEG#${id}#`,
  segments: 'SEG#',
  chunk: (c: { readonly docId: string; readonly run: string; readonly seq: number }) => `CHUNK#${c.docId}#${c.run}#${String(c.seq).padStart(6, '0')}`,
  /** One document's chunks, or one run's of them. */
  chunksOf: (docId: string, run?: string) => (run ? `CHUNK#${docId}#${run}#` : `CHUNK#${docId}#`),
  chunks: 'CHUNK#',
} as const;

/** `A#<acc>#C#<bot>`: conversations, their turns, and visitors' contacts (erased together). */
export const conversationItems = {
  pk: (t: TenantContext, botId: string) => `${accountPk(t.accountId)}#C#${botId}`,
  record: (conversationId: string) => `CONV#${conversationId}`,
  records: 'CONV#',
  /** A conversation record's key and nothing else (a cursor names one). */
  isRecord: (sk: string) => /^CONV#[^#]+$/.test(sk),
  turn: (conversationId: string, turnId: string) => `TURN#${conversationId}#${turnId}`,
  turnsOf: (conversationId: string) => `TURN#${conversationId}#`,
  contact: (kind: 'handoff' | 'lead', contactId: string) => `${contactPrefix(kind)}${contactId}`,
  contactsOf: (kind: 'handoff' | 'lead') => contactPrefix(kind),
} as const;

const contactPrefix = (kind: 'handoff' | 'lead') => (kind === 'handoff' ? 'HANDOFF#' : 'LEAD#');

/** `U#<sub>`: which accounts a user belongs to, and the one they created. */
export const userItems = {
  pk: (userId: string) => `U#${userId}`,
  owns: 'OWNS',
  link: (accountId: string) => `ACCOUNT#${accountId}`,
  links: 'ACCOUNT#',
} as const;

/** `INV#<email>`: the accounts that invited an address (ids and role only). */
export const inviteeItems = {
  pk: (email: string) => `INV#${email}`,
  link: (accountId: string) => `ACCOUNT#${accountId}`,
} as const;

/** `DIGESTDAY#<day>` `ACCOUNT#<acc>`: the accounts with something for the day's digest (ids only), read by the daily run. */
export const digestDayItems = {
  pk: (day: string) => `DIGESTDAY#${day}`,
  account: (accountId: string) => `ACCOUNT#${accountId}`,
  accounts: 'ACCOUNT#',
} as const;

/** `PUB#<publicId>` `BOT`: the widget's lookup of a bot (ids only). */
export const publicBotKey = (publicId: string): ItemKey => ({ pk: `PUB#${publicId}`, sk: 'BOT' });

/** `ERASED#<acc>` `ERASURE`: that an account existed and when it was erased. */
export const erasureKey = (accountId: string): ItemKey => ({ pk: `ERASED#${accountId}`, sk: 'ERASURE' });

/** `HOLDS` `<acc>`: accounts under legal hold. */
export const holdItems = {
  pk: 'HOLDS',
  sk: (accountId: string) => accountId,
} as const;

/** Keys table: an account's wrapped content key, in the account's own partition. */
export const contentKeyKey = (t: TenantContext): ItemKey => ({ pk: accountPk(t.accountId), sk: 'CONTENT_KEY' });

/** Keys table: the partition that belongs to no account (IAM names it). */
export const PLATFORM_KEYS_PARTITION = 'PLATFORM';

/** Keys table: the installation's wrapped visitor-token signing key. */
export const visitorTokenKeyKey: ItemKey = { pk: PLATFORM_KEYS_PARTITION, sk: 'VISITOR_TOKEN_KEY' };

/** Whether a partition key is one of this account's: exactly `A#<id>`, or `A#<id>#…` (so `abc` never reaches `A#abcd`). */
export const isAccountPartition = (accountId: string, pk: string): boolean => pk === accountPk(accountId) || pk.startsWith(`${accountPk(accountId)}#`);

/** Whether a partition key belongs to no account. */
export const isPlatformPartition = (pk: string): boolean => !pk.startsWith(ACCOUNT_MARK);

/**
 * IAM `dynamodb:LeadingKeys` patterns: the partitions of the account `accountId`
 * names (an IAM policy variable), and the pattern of every account's partitions.
 */
export const leadingKeyPatterns = {
  account: (accountId: string): string[] => [accountPk(accountId), `${accountPk(accountId)}#*`],
  anyAccount: `${ACCOUNT_MARK}*`,
} as const;
