/** Bots, and the public-id lookup the widget uses (ids only). */
import { GetCommand, PutCommand, TransactWriteCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { Bot } from '../../core/model.ts';
import type { BotRepository } from '../../core/ports.ts';
import { keys } from '../../core/tenancy.ts';
import { isConditionFailure, live, queryAll, withoutKeys } from './items.ts';

const publicPk = (publicId: string) => `PUB#${publicId}`;

export const createBotRepository = (db: DynamoDBDocumentClient, table: string): BotRepository => ({
  async create(tenant, bot) {
    await db.send(new TransactWriteCommand({
      TransactItems: [
        { Put: { TableName: table, Item: { pk: keys.account(tenant), sk: `BOT#${bot.botId}`, ...bot }, ConditionExpression: 'attribute_not_exists(pk)' } },
        { Put: { TableName: table, Item: { pk: publicPk(bot.publicId), sk: 'BOT', accountId: tenant.accountId, botId: bot.botId }, ConditionExpression: 'attribute_not_exists(pk)' } },
      ],
    }));
  },

  async get(tenant, botId) {
    const out = await db.send(new GetCommand({ TableName: table, Key: { pk: keys.account(tenant), sk: `BOT#${botId}` } }));
    const [item] = live(out.Item ? [out.Item] : []);
    return item ? withoutKeys<Bot>(item) : null;
  },

  async list(tenant) {
    const items = await queryAll(db, {
      TableName: table,
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :p)',
      ExpressionAttributeValues: { ':pk': keys.account(tenant), ':p': 'BOT#' },
    });
    return items.map((i) => withoutKeys<Bot>(i));
  },

  async update(tenant, bot) {
    try {
      await db.send(new PutCommand({
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
    await db.send(new TransactWriteCommand({
      TransactItems: [
        { Delete: { TableName: table, Key: { pk: keys.account(tenant), sk: `BOT#${bot.botId}` } } },
        { Delete: { TableName: table, Key: { pk: publicPk(bot.publicId), sk: 'BOT' } } },
      ],
    }));
  },

  async resolvePublicId(publicId) {
    const out = await db.send(new GetCommand({ TableName: table, Key: { pk: publicPk(publicId), sk: 'BOT' } }));
    const [item] = live(out.Item ? [out.Item] : []);
    return item ? { accountId: String(item.accountId), botId: String(item.botId) } : null;
  },
});
