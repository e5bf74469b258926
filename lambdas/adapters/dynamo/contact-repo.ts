/**
 * Handoff requests and leads beside the bot's conversations, under `A#<acc>#C#<bot>`:
 * `HANDOFF#<contactId>` and `LEAD#<contactId>`. Contact ids are ULIDs, so a reverse
 * query is newest first. What identifies a person (name, e-mail, phone, message, custom
 * fields) is sealed under the account's key; ids and times stay clear for listing.
 * Erasing a bot's conversation partition erases these with it.
 */
import { DeleteCommand, GetCommand, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { VisitorContact } from '../../core/records.ts';
import type { ContactRepository, ContentCipher } from '../../core/ports.ts';
import type { TenantContext } from '../../core/tenancy.ts';
import { live, type Item } from './items.ts';
import { conversationItems } from './key-layout.ts';
import type { Tables } from './tables.ts';

/** The sealed part of a contact. */
type Personal = Pick<VisitorContact, 'name' | 'email' | 'phone' | 'message' | 'fields'>;

/** Visitor contacts, sealed at rest; see the file comment for the layout. */
export const createContactRepository = (tables: Tables, table: string, cipher: ContentCipher): ContactRepository => {
  const contactOf = async (tenant: TenantContext, i: Item): Promise<VisitorContact> => {
    const { pk: _pk, sk: _sk, expiresAt: _e, expiresIso, sealed, ...clear } = i;
    const personal = JSON.parse(Buffer.from(await cipher.open(tenant, 'contact', sealed as Uint8Array)).toString('utf8')) as Personal;
    return { ...(clear as Omit<VisitorContact, keyof Personal | 'expiresAt'>), ...personal, expiresAt: String(expiresIso) };
  };

  return {
    async put(tenant, contact) {
      const { name, email, phone, message, fields, expiresAt, ...clear } = contact;
      const sealed = await cipher.seal(tenant, 'contact', Buffer.from(JSON.stringify({ name, email, phone, message, fields })));
      await tables.tenant(tenant).send(new PutCommand({
        TableName: table,
        Item: {
          pk: conversationItems.pk(tenant, contact.botId),
          sk: conversationItems.contact(contact.kind, contact.contactId),
          ...clear,
          sealed,
          expiresIso: expiresAt,
          expiresAt: Math.floor(Date.parse(expiresAt) / 1000),
        },
        ConditionExpression: 'attribute_not_exists(pk)',
      }));
    },

    async get(tenant, botId, kind, contactId) {
      const out = await tables.tenant(tenant).send(new GetCommand({
        TableName: table,
        Key: { pk: conversationItems.pk(tenant, botId), sk: conversationItems.contact(kind, contactId) },
        ConsistentRead: true,
      }));
      const [item] = live(out.Item ? [out.Item] : []);
      return item ? contactOf(tenant, item) : null;
    },

    async delete(tenant, botId, kind, contactId) {
      const out = await tables.tenant(tenant).send(new DeleteCommand({
        TableName: table,
        Key: { pk: conversationItems.pk(tenant, botId), sk: conversationItems.contact(kind, contactId) },
        ReturnValues: 'ALL_OLD',
      }));
      return out.Attributes !== undefined;
    },

    async list(tenant, botId, kind, limit) {
      const wanted = Math.max(1, Math.floor(limit));
      const found: Item[] = [];
      let start: Record<string, unknown> | undefined;
      do {
        // Expired items still count towards a query's Limit, so read on until the page is full.
        const page = await tables.tenant(tenant).send(new QueryCommand({
          TableName: table,
          KeyConditionExpression: 'pk = :pk AND begins_with(sk, :p)',
          ExpressionAttributeValues: { ':pk': conversationItems.pk(tenant, botId), ':p': conversationItems.contactsOf(kind) },
          ScanIndexForward: false,
          Limit: wanted - found.length,
          ExclusiveStartKey: start,
        }));
        found.push(...live((page.Items ?? []) as Item[]));
        start = page.LastEvaluatedKey;
      } while (start && found.length < wanted);
      return Promise.all(found.map((i) => contactOf(tenant, i)));
    },
  };
};
