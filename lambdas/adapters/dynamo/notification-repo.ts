/**
 * Notification preferences and sent notifications under the account partition:
 * `NOTIFY#M#<sub>` (a member's choices), `NOTIFY#B#<bot>` (a bot's), and
 * `MAIL#<eventId>#<sub>` (one e-mail sent, with `expiresAt`), `DIGEST#<day>#<eventId>`
 * (a declined question or thumbs-down for the day's digest, ids only, with
 * `expiresAt`), and the platform item `DIGESTDAY#<day>` `ACCOUNT#<acc>` (which
 * accounts the daily run visits). Addresses and subjects only: no visitor text is kept here.
 */
import { DeleteCommand, GetCommand, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { BotNotificationPrefs, DigestEntry, MemberNotificationPrefs, SentNotification } from '../../core/records.ts';
import type { NotificationRepository } from '../../core/ports.ts';
import { batchWrite, live, queryAll, withoutKeys, type Item } from './items.ts';
import { accountItems, digestDayItems } from './key-layout.ts';
import type { Tables } from './tables.ts';

const sentOf = (item: Item): SentNotification => {
  const { expiresIso, ...rest } = withoutKeys<SentNotification & { expiresIso: string }>(item);
  return { ...rest, expiresAt: expiresIso };
};

const digestEntryOf = (item: Item): DigestEntry => {
  const { expiresIso, ...rest } = withoutKeys<DigestEntry & { expiresIso: string }>(item);
  return { ...rest, expiresAt: expiresIso };
};

const prefsOf = <T>(item: Item): T => {
  const { userId: _u, botId: _b, ...rest } = withoutKeys<T & { userId?: string; botId?: string }>(item);
  return rest as T;
};

export const createNotificationRepository = (tables: Tables, table: string): NotificationRepository => {
  const getItem = async (tenant: Parameters<NotificationRepository['getMemberPrefs']>[0], sk: string): Promise<Item | undefined> => {
    const out = await tables.tenant(tenant).send(new GetCommand({ TableName: table, Key: { pk: accountItems.pk(tenant), sk }, ConsistentRead: true }));
    return live(out.Item ? [out.Item] : [])[0];
  };

  return {
    async getMemberPrefs(tenant, userId) {
      const item = await getItem(tenant, accountItems.memberNotifications(userId));
      return item ? prefsOf<MemberNotificationPrefs>(item) : null;
    },

    async putMemberPrefs(tenant, userId, prefs) {
      await tables.tenant(tenant).send(new PutCommand({
        TableName: table,
        Item: { pk: accountItems.pk(tenant), sk: accountItems.memberNotifications(userId), userId, ...prefs },
      }));
    },

    async listMemberPrefs(tenant) {
      const items = await queryAll(tables.tenant(tenant), {
        TableName: table,
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :p)',
        ExpressionAttributeValues: { ':pk': accountItems.pk(tenant), ':p': accountItems.membersNotifications },
      });
      return new Map(items.map((i) => [String(i.userId), prefsOf<MemberNotificationPrefs>(i)]));
    },

    async getBotPrefs(tenant, botId) {
      const item = await getItem(tenant, accountItems.botNotifications(botId));
      return item ? prefsOf<BotNotificationPrefs>(item) : null;
    },

    async putBotPrefs(tenant, botId, prefs) {
      await tables.tenant(tenant).send(new PutCommand({
        TableName: table,
        Item: { pk: accountItems.pk(tenant), sk: accountItems.botNotifications(botId), botId, ...prefs },
      }));
    },

    async deleteBotPrefs(tenant, botId) {
      await tables.tenant(tenant).send(new DeleteCommand({ TableName: table, Key: { pk: accountItems.pk(tenant), sk: accountItems.botNotifications(botId) } }));
    },

    async wasSent(tenant, eventId, userId) {
      return (await getItem(tenant, accountItems.sentMail(eventId, userId))) !== undefined;
    },

    async recordSent(tenant, entry) {
      const { expiresAt, ...rest } = entry;
      await tables.tenant(tenant).send(new PutCommand({
        TableName: table,
        Item: {
          pk: accountItems.pk(tenant),
          sk: accountItems.sentMail(entry.eventId, entry.userId),
          ...rest,
          expiresIso: expiresAt,
          expiresAt: Math.floor(Date.parse(expiresAt) / 1000),
        },
      }));
    },

    async getSent(tenant, eventId, userId) {
      const item = await getItem(tenant, accountItems.sentMail(eventId, userId));
      return item ? sentOf(item) : null;
    },

    async listSent(tenant, limit) {
      const out = await tables.tenant(tenant).send(new QueryCommand({
        TableName: table,
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :p)',
        ExpressionAttributeValues: { ':pk': accountItems.pk(tenant), ':p': accountItems.sentMails },
        ScanIndexForward: false,
        Limit: limit,
      }));
      return live((out.Items ?? []) as Item[]).map(sentOf);
    },

    async recordDigestEntry(tenant, day, entry) {
      const { expiresAt, ...rest } = entry;
      const ttl = Math.floor(Date.parse(expiresAt) / 1000);
      await tables.tenant(tenant).send(new PutCommand({
        TableName: table,
        Item: { pk: accountItems.pk(tenant), sk: accountItems.digestEntry(day, entry.eventId), ...rest, expiresIso: expiresAt, expiresAt: ttl },
      }));
      await tables.platform.send(new PutCommand({ TableName: table, Item: { pk: digestDayItems.pk(day), sk: digestDayItems.account(tenant.accountId), expiresAt: ttl } }));
    },

    async listDigestEntries(tenant, day) {
      const items = await queryAll(tables.tenant(tenant), {
        TableName: table,
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :p)',
        ExpressionAttributeValues: { ':pk': accountItems.pk(tenant), ':p': accountItems.digestEntriesOf(day) },
      });
      return live(items).map(digestEntryOf);
    },

    async listDigestAccounts(day) {
      const items = await queryAll(tables.platform, {
        TableName: table,
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :p)',
        ExpressionAttributeValues: { ':pk': digestDayItems.pk(day), ':p': digestDayItems.accounts },
        ProjectionExpression: 'sk',
      });
      return items.map((i) => String(i.sk).slice(digestDayItems.accounts.length));
    },

    async forgetDigestDays(tenant, days) {
      await batchWrite(tables.platform, table, days.map((day) => ({ DeleteRequest: { Key: { pk: digestDayItems.pk(day), sk: digestDayItems.account(tenant.accountId) } } })));
    },
  };
};
