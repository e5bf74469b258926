/** Accounts, memberships and the user → account lookup. */
import { GetCommand, PutCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { AppError } from '../../core/errors.ts';
import type { Account, Membership } from '../../core/records.ts';
import type { AccountRepository } from '../../core/ports.ts';
import { tenantForSystem, type Role, type TenantContext } from '../../core/tenancy.ts';
import type { Tables } from './tables.ts';
import { createMemberMethods } from './member-repo.ts';
import { batchWrite, deleteByPrefix, isConditionFailure, live, queryAll, withoutKeys } from './items.ts';
import { accountItems, erasureKey, inviteeItems, meterItems, userItems } from './key-layout.ts';

export const createAccountRepository = (tables: Tables, table: string): AccountRepository => ({
  ...createMemberMethods(tables, table),

  /**
   * The account's own items first (with the tenant's credentials), then the
   * user's links (the platform's): one owned account per user holds even when
   * two first sign-ins race, because the loser's `OWNS` write fails and its
   * account items, which nothing links to yet, are taken back.
   */
  async create({ account, userId, email }) {
    const tenant = tenantForSystem(account.accountId);
    const pk = accountItems.pk(tenant);
    try {
      await tables.tenant(tenant).send(new TransactWriteCommand({
        TransactItems: [
          { Put: { TableName: table, Item: { pk, sk: accountItems.settings, ...account }, ConditionExpression: 'attribute_not_exists(pk)' } },
          { Put: { TableName: table, Item: { pk, sk: accountItems.member(userId), userId, email, role: 'owner', addedAt: account.createdAt } } },
        ],
      }));
    } catch (err) {
      if (isConditionFailure(err)) throw new AppError('conflict', 'You already have an account.');
      throw err;
    }
    try {
      await tables.platform.send(new TransactWriteCommand({
        TransactItems: [
          { Put: { TableName: table, Item: { pk: userItems.pk(userId), sk: userItems.owns, accountId: account.accountId }, ConditionExpression: 'attribute_not_exists(pk)' } },
          { Put: { TableName: table, Item: { pk: userItems.pk(userId), sk: userItems.link(account.accountId), accountId: account.accountId } } },
        ],
      }));
    } catch (err) {
      await deleteByPrefix(tables.tenant(tenant), table, pk, '');
      if (isConditionFailure(err)) throw new AppError('conflict', 'You already have an account.');
      throw err;
    }
  },

  async membershipsOf(userId) {
    const links = await queryAll(tables.platform, {
      TableName: table,
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :p)',
      ExpressionAttributeValues: { ':pk': userItems.pk(userId), ':p': userItems.links },
    });
    if (links.length === 0) return [];
    // The member item in the account's partition is the authority: removing it ends
    // access at once. Each is read with that account's credentials, the account id
    // coming from the user's own verified links.
    const members = await Promise.all(links.map(async (l) => {
      const tenant = tenantForSystem(String(l.accountId));
      const out = await tables.tenant(tenant).send(new GetCommand({ TableName: table, Key: { pk: accountItems.pk(tenant), sk: accountItems.member(userId) } }));
      const [m] = live(out.Item ? [out.Item] : []);
      return m ? { accountId: tenant.accountId, userId, role: m.role as Role } satisfies Membership : null;
    }));
    return members.filter((m) => m !== null).sort((a, b) => a.accountId.localeCompare(b.accountId));
  },

  async get(tenant: TenantContext) {
    const out = await tables.tenant(tenant).send(new GetCommand({ TableName: table, Key: { pk: accountItems.pk(tenant), sk: accountItems.settings } }));
    const [item] = live(out.Item ? [out.Item] : []);
    return item ? withoutKeys<Account>(item) : null;
  },

  async erase(tenant, erasedAt) {
    const pk = accountItems.pk(tenant);
    const db = tables.tenant(tenant);
    const members = await queryAll(db, {
      TableName: table,
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :p)',
      ExpressionAttributeValues: { ':pk': pk, ':p': accountItems.members },
    });
    // Members' links go first, so nobody reaches a half-erased account.
    await batchWrite(tables.platform, table, members.flatMap((m) => [
      { DeleteRequest: { Key: { pk: userItems.pk(String(m.userId)), sk: userItems.link(tenant.accountId) } } },
      ...(m.role === 'owner' ? [{ DeleteRequest: { Key: { pk: userItems.pk(String(m.userId)), sk: userItems.owns } } }] : []),
    ]));
    const invitations = await queryAll(db, {
      TableName: table,
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :p)',
      ExpressionAttributeValues: { ':pk': pk, ':p': accountItems.invitations },
    });
    await batchWrite(tables.platform, table, invitations.map((i) => ({ DeleteRequest: { Key: { pk: inviteeItems.pk(String(i.email)), sk: inviteeItems.link(tenant.accountId) } } })));
    await deleteByPrefix(db, table, meterItems.pk(tenant), '');
    await deleteByPrefix(db, table, pk, '');
    // What is left: that an account existed and when it was erased; nothing about who or what.
    await tables.platform.send(new PutCommand({ TableName: table, Item: { ...erasureKey(tenant.accountId), erasedAt } }));
  },

  async update(tenant, account) {
    try {
      await tables.tenant(tenant).send(new PutCommand({
        TableName: table,
        Item: { pk: accountItems.pk(tenant), sk: accountItems.settings, ...account, accountId: tenant.accountId },
        ConditionExpression: 'attribute_exists(pk)',
      }));
      return { ...account, accountId: tenant.accountId };
    } catch (err) {
      if (isConditionFailure(err)) return null;
      throw err;
    }
  },
});
