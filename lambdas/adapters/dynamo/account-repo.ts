/** Accounts, memberships and the user → account lookup. */
import { BatchGetCommand, GetCommand, PutCommand, TransactWriteCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { AppError } from '../../core/errors.ts';
import type { Account, Membership } from '../../core/model.ts';
import type { AccountRepository } from '../../core/ports.ts';
import { keys, type Role, type TenantContext } from '../../core/tenancy.ts';
import { createMemberMethods } from './member-repo.ts';
import { batchWrite, deleteByPrefix, isConditionFailure, live, queryAll, withoutKeys, type Item } from './items.ts';

const userPk = (userId: string) => `U#${userId}`;

export const createAccountRepository = (db: DynamoDBDocumentClient, table: string): AccountRepository => ({
  ...createMemberMethods(db, table),

  async create({ account, userId, email }) {
    const pk = `A#${account.accountId}`;
    try {
      await db.send(new TransactWriteCommand({
        TransactItems: [
          { Put: { TableName: table, Item: { pk, sk: 'ACCOUNT', ...account }, ConditionExpression: 'attribute_not_exists(pk)' } },
          { Put: { TableName: table, Item: { pk, sk: `MEMBER#${userId}`, userId, email, role: 'owner', addedAt: account.createdAt } } },
          { Put: { TableName: table, Item: { pk: userPk(userId), sk: `ACCOUNT#${account.accountId}`, accountId: account.accountId } } },
          // One owned account per user, even when two first sign-ins race.
          { Put: { TableName: table, Item: { pk: userPk(userId), sk: 'OWNS', accountId: account.accountId }, ConditionExpression: 'attribute_not_exists(pk)' } },
        ],
      }));
    } catch (err) {
      if (isConditionFailure(err)) throw new AppError('conflict', 'You already have an account.');
      throw err;
    }
  },

  async membershipsOf(userId) {
    const links = await queryAll(db, {
      TableName: table,
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :p)',
      ExpressionAttributeValues: { ':pk': userPk(userId), ':p': 'ACCOUNT#' },
    });
    if (links.length === 0) return [];
    // The member item in the account's partition is the authority: removing it ends access at once.
    const out = await db.send(new BatchGetCommand({
      RequestItems: { [table]: { Keys: links.map((l) => ({ pk: `A#${String(l.accountId)}`, sk: `MEMBER#${userId}` })) } },
    }));
    return live((out.Responses?.[table] ?? []) as Item[])
      .map((m): Membership => ({ accountId: String(m.pk).slice(2), userId, role: m.role as Role }))
      .sort((a, b) => a.accountId.localeCompare(b.accountId));
  },

  async get(tenant: TenantContext) {
    const out = await db.send(new GetCommand({ TableName: table, Key: { pk: keys.account(tenant), sk: 'ACCOUNT' } }));
    const [item] = live(out.Item ? [out.Item] : []);
    return item ? withoutKeys<Account>(item) : null;
  },

  async erase(tenant, erasedAt) {
    const pk = keys.account(tenant);
    const members = await queryAll(db, {
      TableName: table,
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :p)',
      ExpressionAttributeValues: { ':pk': pk, ':p': 'MEMBER#' },
    });
    // Members' links go first, so nobody reaches a half-erased account.
    await batchWrite(db, table, members.flatMap((m) => [
      { DeleteRequest: { Key: { pk: userPk(String(m.userId)), sk: `ACCOUNT#${tenant.accountId}` } } },
      ...(m.role === 'owner' ? [{ DeleteRequest: { Key: { pk: userPk(String(m.userId)), sk: 'OWNS' } } }] : []),
    ]));
    const invitations = await queryAll(db, {
      TableName: table,
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :p)',
      ExpressionAttributeValues: { ':pk': pk, ':p': 'INVITE#' },
    });
    await batchWrite(db, table, invitations.map((i) => ({ DeleteRequest: { Key: { pk: `INV#${String(i.email)}`, sk: `ACCOUNT#${tenant.accountId}` } } })));
    await deleteByPrefix(db, table, `${pk}#M`, '');
    await deleteByPrefix(db, table, pk, '');
    // What is left: that an account existed and when it was erased; nothing about who or what.
    await db.send(new PutCommand({ TableName: table, Item: { pk: `ERASED#${tenant.accountId}`, sk: 'ERASURE', erasedAt } }));
  },

  async update(tenant, account) {
    try {
      await db.send(new PutCommand({
        TableName: table,
        Item: { pk: keys.account(tenant), sk: 'ACCOUNT', ...account, accountId: tenant.accountId },
        ConditionExpression: 'attribute_exists(pk)',
      }));
      return { ...account, accountId: tenant.accountId };
    } catch (err) {
      if (isConditionFailure(err)) return null;
      throw err;
    }
  },
});
