/**
 * Team members and invitations, part of the account repository:
 * - `A#<acc>` `MEMBER#<sub>`: role, e-mail, when added; with the user's link
 *   `U#<sub>` `ACCOUNT#<acc>`. The member item is the authority (sign-in reads
 *   it), so it is written last and removed first: access starts and ends with it.
 *   The two live in different credentials' reach (tenant and platform), so they
 *   are two writes, ordered so that a half-done one grants nothing.
 * - `A#<acc>` `INVITE#<email>`: who invited whom, as what, until when, and the
 *   SHA-256 of the invitation link's secret (never the secret); with the lookup
 *   `INV#<email>` `ACCOUNT#<acc>` (ids and role only) through which the person
 *   with that verified address sees what they are invited to.
 */
import { DeleteCommand, GetCommand, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { Invitation, Member } from '../../core/records.ts';
import type { AccountRepository } from '../../core/ports.ts';
import type { Role, TenantContext } from '../../core/tenancy.ts';
import { isConditionFailure, live, queryAll, withoutKeys, type Item } from './items.ts';
import { accountItems, inviteeItems, userItems } from './key-layout.ts';
import type { Tables } from './tables.ts';

type MemberMethods = Pick<AccountRepository,
  'listMembers' | 'putMember' | 'removeMember' | 'putInvitation' | 'listInvitations' | 'getInvitation' | 'deleteInvitation' | 'invitationsFor'>;

const epoch = (iso: string) => Math.floor(Date.parse(iso) / 1000);

/** The record without its storage fields: the ISO expiry back in place, the secret's hash left out. */
const invitationOf = (item: Item): Invitation => {
  const { expiresIso, secretHash: _hash, ...rest } = withoutKeys<Invitation & { expiresIso: string; secretHash?: string }>(item);
  return { ...rest, expiresAt: expiresIso };
};

export const createMemberMethods = (tables: Tables, table: string): MemberMethods => {
  const inPartition = async (tenant: TenantContext, prefix: string) =>
    queryAll(tables.tenant(tenant), { TableName: table, KeyConditionExpression: 'pk = :pk AND begins_with(sk, :p)', ExpressionAttributeValues: { ':pk': accountItems.pk(tenant), ':p': prefix } });

  /**
   * `U#<sub>` `OWNS` says which account a user created, so each creates one at most.
   * Someone who no longer owns that account (removed, or given another role) may
   * create one of their own again.
   */
  const releaseOwnership = async (tenant: TenantContext, userId: string) => {
    await tables.platform.send(new DeleteCommand({
      TableName: table,
      Key: { pk: userItems.pk(userId), sk: userItems.owns },
      ConditionExpression: 'accountId = :a',
      ExpressionAttributeValues: { ':a': tenant.accountId },
    })).catch((err: unknown) => {
      // They own another account, or none: nothing to release here.
      if (!isConditionFailure(err)) throw err;
    });
  };

  return {
    async listMembers(tenant) {
      return (await inPartition(tenant, accountItems.members)).map((i) => {
        const m = withoutKeys<Partial<Member>>(i);
        return { userId: m.userId ?? '', email: m.email ?? '', role: m.role ?? 'viewer', addedAt: m.addedAt ?? '' };
      });
    },

    async putMember(tenant, member) {
      await tables.platform.send(new PutCommand({ TableName: table, Item: { pk: userItems.pk(member.userId), sk: userItems.link(tenant.accountId), accountId: tenant.accountId } }));
      await tables.tenant(tenant).send(new PutCommand({ TableName: table, Item: { pk: accountItems.pk(tenant), sk: accountItems.member(member.userId), ...member } }));
      if (member.role !== 'owner') await releaseOwnership(tenant, member.userId);
    },

    async removeMember(tenant, userId) {
      try {
        await tables.tenant(tenant).send(new DeleteCommand({ TableName: table, Key: { pk: accountItems.pk(tenant), sk: accountItems.member(userId) }, ConditionExpression: 'attribute_exists(pk)' }));
      } catch (err) {
        if (isConditionFailure(err)) return false;
        throw err;
      }
      await tables.platform.send(new DeleteCommand({ TableName: table, Key: { pk: userItems.pk(userId), sk: userItems.link(tenant.accountId) } }));
      await releaseOwnership(tenant, userId);
      return true;
    },

    /** The account's record first: the lookup alone (were the second write lost) names an invitation that no longer exists. */
    async putInvitation(tenant, invitation, secretHash) {
      const expiresAt = epoch(invitation.expiresAt);
      await tables.tenant(tenant).send(new PutCommand({ TableName: table, Item: { pk: accountItems.pk(tenant), sk: accountItems.invitation(invitation.email), ...invitation, secretHash, expiresIso: invitation.expiresAt, expiresAt } }));
      await tables.platform.send(new PutCommand({ TableName: table, Item: { pk: inviteeItems.pk(invitation.email), sk: inviteeItems.link(tenant.accountId), accountId: tenant.accountId, role: invitation.role, expiresAt } }));
    },

    async listInvitations(tenant) {
      return (await inPartition(tenant, accountItems.invitations)).map(invitationOf);
    },

    async getInvitation(tenant, email) {
      const out = await tables.tenant(tenant).send(new GetCommand({ TableName: table, Key: { pk: accountItems.pk(tenant), sk: accountItems.invitation(email) } }));
      const [item] = live(out.Item ? [out.Item as Item] : []);
      if (!item) return null;
      return { invitation: invitationOf(item), secretHash: typeof item.secretHash === 'string' ? item.secretHash : null };
    },

    async deleteInvitation(tenant, email) {
      await tables.platform.send(new DeleteCommand({ TableName: table, Key: { pk: inviteeItems.pk(email), sk: inviteeItems.link(tenant.accountId) } }));
      try {
        await tables.tenant(tenant).send(new DeleteCommand({ TableName: table, Key: { pk: accountItems.pk(tenant), sk: accountItems.invitation(email) }, ConditionExpression: 'attribute_exists(pk)' }));
        return true;
      } catch (err) {
        if (isConditionFailure(err)) return false;
        throw err;
      }
    },

    async invitationsFor(email) {
      const out = await tables.platform.send(new QueryCommand({ TableName: table, KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': inviteeItems.pk(email) } }));
      return live((out.Items ?? []) as Item[]).map((i) => ({ accountId: String(i.accountId), role: i.role as Role }));
    },
  };
};

