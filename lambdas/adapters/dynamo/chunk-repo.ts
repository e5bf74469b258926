/** Chunks with their full-precision vectors under the bot partition `A#<acc>#B#<bot>`. */
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { Chunk } from '../../core/model.ts';
import type { ChunkRepository } from '../../core/ports.ts';
import { keys } from '../../core/tenancy.ts';
import { batchWrite, deleteByPrefix, queryAll, type Item } from './items.ts';

const chunkSk = (docId: string, seq: number) => `CHUNK#${docId}#${String(seq).padStart(6, '0')}`;

const toItem = (pk: string, c: Chunk): Item => ({
  pk,
  sk: chunkSk(c.docId, c.seq),
  docId: c.docId,
  seq: c.seq,
  text: c.text,
  section: c.section,
  page: c.page,
  start: c.start,
  end: c.end,
  vector: new Uint8Array(c.vector.buffer, c.vector.byteOffset, c.vector.byteLength),
});

const fromItem = (i: Item): Chunk => {
  const bytes = i.vector as Uint8Array;
  // Copy into an aligned buffer: the SDK's bytes may sit at any offset.
  const vector = new Float32Array(bytes.slice().buffer);
  return {
    docId: String(i.docId),
    seq: Number(i.seq),
    text: String(i.text),
    section: typeof i.section === 'string' ? i.section : '',
    ...(typeof i.page === 'number' ? { page: i.page } : {}),
    start: Number(i.start),
    end: Number(i.end),
    vector,
  };
};

export const createChunkRepository = (db: DynamoDBDocumentClient, table: string): ChunkRepository => ({
  async put(tenant, botId, chunks) {
    const pk = keys.bot(tenant, botId);
    await batchWrite(db, table, chunks.map((c) => ({ PutRequest: { Item: toItem(pk, c) } })));
  },

  async listForBot(tenant, botId) {
    const items = await queryAll(db, {
      TableName: table,
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :p)',
      ExpressionAttributeValues: { ':pk': keys.bot(tenant, botId), ':p': 'CHUNK#' },
    });
    return items.map(fromItem);
  },

  deleteForDocument: (tenant, botId, docId) => deleteByPrefix(db, table, keys.bot(tenant, botId), `CHUNK#${docId}#`),

  deleteForBot: (tenant, botId) => deleteByPrefix(db, table, keys.bot(tenant, botId), ''),
});
