/**
 * Bots, and the public-id lookup the widget uses (ids only). The lookup
 * (`PUB#<publicId>`, the platform's) is written before the bot and removed after
 * it, so a half-done create or delete leaves at most a lookup to a bot that is
 * not there, which the widget answers as unknown.
 */
import { DeleteCommand, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import type { Bot } from '../../core/records.ts';
import type { BotRepository } from '../../core/ports.ts';
import { isConditionFailure, live, queryAll, withoutKeys } from './items.ts';
import { accountItems, publicBotKey } from './key-layout.ts';
import type { Tables } from './tables.ts';

export const createBotRepository = (tables: Tables, table: string): BotRepository => ({
  async create(tenant, bot) {
    await tables.platform.send(new PutCommand({
      TableName: table,
      Item: { ...publicBotKey(bot.publicId), accountId: tenant.accountId, botId: bot.botId },
      ConditionExpression: 'attribute_not_exists(pk)',
    }));
    try {
      await tables.tenant(tenant).send(new PutCommand({
        TableName: table,
        Item: { pk: accountItems.pk(tenant), sk: accountItems.bot(bot.botId), ...bot },
        ConditionExpression: 'attribute_not_exists(pk)',
      }));
    } catch (err) {
      await tables.platform.send(new DeleteCommand({ TableName: table, Key: publicBotKey(bot.publicId) }));
      throw err;
    }
  },

  async get(tenant, botId) {
    const out = await tables.tenant(tenant).send(new GetCommand({ TableName: table, Key: { pk: accountItems.pk(tenant), sk: accountItems.bot(botId) } }));
    const [item] = live(out.Item ? [out.Item] : []);
    return item ? withoutKeys<Bot>(item) : null;
  },

  async list(tenant) {
    const items = await queryAll(tables.tenant(tenant), {
      TableName: table,
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :p)',
      ExpressionAttributeValues: { ':pk': accountItems.pk(tenant), ':p': accountItems.bots },
    });
    return items.map((i) => withoutKeys<Bot>(i));
  },

  async update(tenant, bot) {
    try {
      await tables.tenant(tenant).send(new PutCommand({
        TableName: table,
        Item: { pk: accountItems.pk(tenant), sk: accountItems.bot(bot.botId), ...bot },
        ConditionExpression: 'attribute_exists(pk)',
      }));
      return bot;
    } catch (err) {
      if (isConditionFailure(err)) return null;
      throw err;
    }
  },

  async delete(tenant, bot) {
    await tables.tenant(tenant).send(new DeleteCommand({ TableName: table, Key: { pk: accountItems.pk(tenant), sk: accountItems.bot(bot.botId) } }));
    await tables.platform.send(new DeleteCommand({ TableName: table, Key: publicBotKey(bot.publicId) }));
  },

  async resolvePublicId(publicId) {
    const out = await tables.platform.send(new GetCommand({ TableName: table, Key: publicBotKey(publicId) }));
    const [item] = live(out.Item ? [out.Item] : []);
    return item ? { accountId: String(item.accountId), botId: String(item.botId) } : null;
  },
});
