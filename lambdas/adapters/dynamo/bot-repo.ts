/**
 * Bots, and the public-id lookup the widget uses (ids only). The lookup
 * (`PUB#<publicId>`, the platform's) is written before the bot and removed after
 * it, so a half-done create or delete leaves at most a lookup to a bot that is
 * not there, which the widget answers as unknown.
 */
import { DeleteCommand, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import type { Bot } from '../../core/records.ts';
import type { BotRepository } from '../../core/ports.ts';
import { keys } from '../../core/tenancy.ts';
import { isConditionFailure, live, queryAll, withoutKeys } from './items.ts';
import type { Tables } from './tables.ts';

const publicPk = (publicId: string) => `PUB#${publicId}`;

export const createBotRepository = (tables: Tables, table: string): BotRepository => ({
  async create(tenant, bot) {
    await tables.platform.send(new PutCommand({
      TableName: table,
      Item: { pk: publicPk(bot.publicId), sk: 'BOT', accountId: tenant.accountId, botId: bot.botId },
      ConditionExpression: 'attribute_not_exists(pk)',
    }));
    try {
      await tables.tenant(tenant).send(new PutCommand({
        TableName: table,
        Item: { pk: keys.account(tenant), sk: `BOT#${bot.botId}`, ...bot },
        ConditionExpression: 'attribute_not_exists(pk)',
      }));
    } catch (err) {
      await tables.platform.send(new DeleteCommand({ TableName: table, Key: { pk: publicPk(bot.publicId), sk: 'BOT' } }));
      throw err;
    }
  },

  async get(tenant, botId) {
    const out = await tables.tenant(tenant).send(new GetCommand({ TableName: table, Key: { pk: keys.account(tenant), sk: `BOT#${botId}` } }));
    const [item] = live(out.Item ? [out.Item] : []);
    return item ? withoutKeys<Bot>(item) : null;
  },

  async list(tenant) {
    const items = await queryAll(tables.tenant(tenant), {
      TableName: table,
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :p)',
      ExpressionAttributeValues: { ':pk': keys.account(tenant), ':p': 'BOT#' },
    });
    return items.map((i) => withoutKeys<Bot>(i));
  },

  async update(tenant, bot) {
    try {
      await tables.tenant(tenant).send(new PutCommand({
        TableName: table,
        Item: { pk: keys.account(tenant), sk: `BOT#${bot.botId}`, ...bot },
        ConditionExpression: 'attribute_exists(pk)',
      }));
      return bot;
    } catch (err) {
      if (isConditionFailure(err)) return null;
      throw err;
    }
  },

  async delete(tenant, bot) {
    await tables.tenant(tenant).send(new DeleteCommand({ TableName: table, Key: { pk: keys.account(tenant), sk: `BOT#${bot.botId}` } }));
    await tables.platform.send(new DeleteCommand({ TableName: table, Key: { pk: publicPk(bot.publicId), sk: 'BOT' } }));
  },

  async resolvePublicId(publicId) {
    const out = await tables.platform.send(new GetCommand({ TableName: table, Key: { pk: publicPk(publicId), sk: 'BOT' } }));
    const [item] = live(out.Item ? [out.Item] : []);
    return item ? { accountId: String(item.accountId), botId: String(item.botId) } : null;
  },
});
