/**
 * Document records under the account partition: `DOC#<bot>#<doc>`; and content
 * marks `SHA#<bot>#<sha256>` naming the document that last indexed those bytes, so
 * a duplicate upload is found with one read, not by listing every document.
 */
import { DeleteCommand, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import type { DocumentRecord } from '../../core/records.ts';
import type { DocumentPatch, DocumentRepository } from '../../core/ports.ts';
import type { TenantContext } from '../../core/tenancy.ts';
import { deleteByPrefix, isConditionFailure, live, queryAll, withoutKeys } from './items.ts';
import { accountItems } from './key-layout.ts';
import { updateExisting } from './update-expression.ts';
import type { Tables } from './tables.ts';

/** The key of a document record (the bot index commits document changes with its head). */
export const documentKey = (tenant: TenantContext, botId: string, docId: string) => ({ pk: accountItems.pk(tenant), sk: accountItems.document(botId, docId) });

/** A patch as stored: a reason belongs only to a failed document, a start of processing only to one processing. */
export const storedPatch = (patch: DocumentPatch): DocumentPatch => ({
  ...patch,
  ...(patch.status && patch.status !== 'failed' ? { error: undefined } : {}),
  ...(patch.status && patch.status !== 'processing' ? { processingSince: undefined } : {}),
});

export const createDocumentRepository = (tables: Tables, table: string): DocumentRepository => ({
  async create(tenant, doc) {
    await tables.tenant(tenant).send(new PutCommand({
      TableName: table,
      Item: { ...documentKey(tenant, doc.botId, doc.docId), ...doc },
      ConditionExpression: 'attribute_not_exists(pk)',
    }));
  },

  async get(tenant, botId, docId) {
    const out = await tables.tenant(tenant).send(new GetCommand({ TableName: table, Key: documentKey(tenant, botId, docId) }));
    const [item] = live(out.Item ? [out.Item] : []);
    return item ? withoutKeys<DocumentRecord>(item) : null;
  },

  async list(tenant, botId) {
    const items = await queryAll(tables.tenant(tenant), {
      TableName: table,
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :p)',
      ExpressionAttributeValues: { ':pk': accountItems.pk(tenant), ':p': accountItems.documentsOf(botId) },
    });
    return items.map((i) => withoutKeys<DocumentRecord>(i));
  },

  async update(tenant, botId, docId, patch, options) {
    const expect = !options ? undefined
      : 'ifCrawlStep' in options ? { attribute: 'crawlStep', value: options.ifCrawlStep }
        : { attribute: 'indexedRun', value: options.ifIndexedRun };
    return updateExisting(tables.tenant(tenant), table, documentKey(tenant, botId, docId), storedPatch(patch), expect);
  },

  async delete(tenant, botId, docId) {
    await tables.tenant(tenant).send(new DeleteCommand({ TableName: table, Key: documentKey(tenant, botId, docId) }));
  },

  async contentHolder(tenant, botId, sha256) {
    const out = await tables.tenant(tenant).send(new GetCommand({ TableName: table, Key: { pk: accountItems.pk(tenant), sk: accountItems.contentMark(botId, sha256) } }));
    return typeof out.Item?.docId === 'string' ? out.Item.docId : null;
  },

  async rememberContent(tenant, botId, sha256, docId) {
    await tables.tenant(tenant).send(new PutCommand({ TableName: table, Item: { pk: accountItems.pk(tenant), sk: accountItems.contentMark(botId, sha256), docId } }));
  },

  async forgetContentOf(tenant, botId, sha256, docId) {
    await tables.tenant(tenant).send(new DeleteCommand({
      TableName: table,
      Key: { pk: accountItems.pk(tenant), sk: accountItems.contentMark(botId, sha256) },
      ConditionExpression: 'docId = :doc',
      ExpressionAttributeValues: { ':doc': docId },
    })).catch((err: unknown) => {
      // Another document holds it now, or there is none: nothing of this one to forget.
      if (!isConditionFailure(err)) throw err;
    });
  },

  async forgetContent(tenant, botId) {
    await deleteByPrefix(tables.tenant(tenant), table, accountItems.pk(tenant), accountItems.contentMarksOf(botId));
  },
});
