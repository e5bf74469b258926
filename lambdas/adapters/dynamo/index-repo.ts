/**
 * A bot's search index under its partition `A#<acc>#B#<bot>`:
 * - `INDEX`: the head — generation, segment list, and the live run of every
 *   document packed as binary (17-byte ids, so a head of 8,000 documents stays
 *   far below DynamoDB's 400 KB item limit). Ids and counts only, no content.
 * - `SEG#<id>#<part>`: a segment sealed under the account's content key (codes
 *   and term postings are derived from the documents), split into parts.
 * A commit replaces the head and changes the document record in one
 * transaction, conditional on the generation it read.
 */
import { GetCommand, TransactWriteCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { IndexHead, LiveRun, SegmentRef } from '../../core/model.ts';
import type { ContentCipher, IndexRepository } from '../../core/ports.ts';
import { keys } from '../../core/tenancy.ts';
import { documentKey, storedPatch } from './document-repo.ts';
import { batchGet, deleteByPrefix, batchWrite } from './items.ts';
import { conditionalUpdate } from './update-expression.ts';

const HEAD_SK = 'INDEX';
/** Sealed bytes per segment item, leaving room for keys and attribute names. */
export const SEGMENT_PART_BYTES = 350 * 1024;

const ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
const ID_BYTES = 17;
const ENTRY_BYTES = 2 * ID_BYTES + 4;

/** A 26-character ULID as 130 bits in 17 bytes. */
const writeId = (id: string, out: Buffer, at: number): void => {
  let acc = 0n;
  for (const ch of id) acc = (acc << 5n) | BigInt(ALPHABET.indexOf(ch));
  for (let i = ID_BYTES - 1; i >= 0; i--) {
    out[at + i] = Number(acc & 0xffn);
    acc >>= 8n;
  }
};

const readId = (buf: Buffer, at: number): string => {
  let acc = 0n;
  for (let i = 0; i < ID_BYTES; i++) acc = (acc << 8n) | BigInt(buf[at + i]!);
  let id = '';
  for (let i = 0; i < 26; i++) {
    id = ALPHABET[Number(acc & 31n)]! + id;
    acc >>= 5n;
  }
  return id;
};

export const packLive = (live: ReadonlyMap<string, LiveRun>): Buffer => {
  const out = Buffer.alloc(live.size * ENTRY_BYTES);
  let at = 0;
  for (const [docId, { run, chunks }] of live) {
    writeId(docId, out, at);
    writeId(run, out, at + ID_BYTES);
    out.writeUInt32LE(chunks, at + 2 * ID_BYTES);
    at += ENTRY_BYTES;
  }
  return out;
};

export const unpackLive = (bytes: Uint8Array): Map<string, LiveRun> => {
  const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const live = new Map<string, LiveRun>();
  for (let at = 0; at + ENTRY_BYTES <= buf.length; at += ENTRY_BYTES) {
    live.set(readId(buf, at), { run: readId(buf, at + ID_BYTES), chunks: buf.readUInt32LE(at + 2 * ID_BYTES) });
  }
  return live;
};

const partSk = (id: string, part: number) => `SEG#${id}#${String(part).padStart(4, '0')}`;

const EMPTY: IndexHead = { generation: 0, segments: [], live: new Map() };

export const createIndexRepository = (db: DynamoDBDocumentClient, table: string, cipher: ContentCipher): IndexRepository => ({
  async getHead(tenant, botId) {
    const out = await db.send(new GetCommand({ TableName: table, Key: { pk: keys.bot(tenant, botId), sk: HEAD_SK }, ConsistentRead: true }));
    if (!out.Item) return EMPTY;
    return {
      generation: Number(out.Item.generation),
      segments: out.Item.segments as SegmentRef[],
      live: unpackLive(out.Item.live as Uint8Array),
    };
  },

  async putSegment(tenant, botId, id, bytes) {
    const sealed = await cipher.seal(tenant, 'vector-page', bytes);
    const pk = keys.bot(tenant, botId);
    const parts = Math.max(1, Math.ceil(sealed.byteLength / SEGMENT_PART_BYTES));
    const items = Array.from({ length: parts }, (_, part) => ({
      pk,
      sk: partSk(id, part),
      data: sealed.subarray(part * SEGMENT_PART_BYTES, (part + 1) * SEGMENT_PART_BYTES),
    }));
    // Parts are large: a few per batch keeps each request well under 16 MB.
    await batchWrite(db, table, items.map((Item) => ({ PutRequest: { Item } })));
    return parts;
  },

  async getSegment(tenant, botId, ref) {
    const pk = keys.bot(tenant, botId);
    const items = await batchGet(db, table, Array.from({ length: ref.parts }, (_, part) => ({ pk, sk: partSk(ref.id, part) })), true);
    if (items.length !== ref.parts) throw new Error(`Segment ${ref.id} has ${items.length} of its ${ref.parts} parts`);
    items.sort((a, b) => String(a.sk).localeCompare(String(b.sk)));
    const sealed = Buffer.concat(items.map((i) => i.data as Uint8Array));
    return cipher.open(tenant, 'vector-page', sealed);
  },

  deleteSegment: (tenant, botId, ref) => deleteByPrefix(db, table, keys.bot(tenant, botId), `SEG#${ref.id}#`),

  async commit(tenant, botId, expected, next, change) {
    const head = {
      Put: {
        TableName: table,
        Item: { pk: keys.bot(tenant, botId), sk: HEAD_SK, generation: next.generation, segments: next.segments, live: packLive(next.live) },
        ConditionExpression: expected === 0 ? 'attribute_not_exists(pk)' : 'generation = :expected',
        ...(expected === 0 ? {} : { ExpressionAttributeValues: { ':expected': expected } }),
      },
    };
    const doc = !change
      ? undefined
      : 'delete' in change
        ? { Delete: { TableName: table, Key: documentKey(tenant, botId, change.docId) } }
        : {
          Update: {
            TableName: table,
            Key: documentKey(tenant, botId, change.docId),
            ...conditionalUpdate(storedPatch(change.patch), { attribute: 'indexedRun', value: change.ifIndexedRun }),
          },
        };
    try {
      await db.send(new TransactWriteCommand({ TransactItems: doc ? [head, doc] : [head] }));
      return 'ok';
    } catch (err) {
      const name = (err as { name?: string }).name;
      if (name !== 'TransactionCanceledException') throw err;
      const reasons = (err as { CancellationReasons?: Array<{ Code?: string }> }).CancellationReasons ?? [];
      if (reasons[0]?.Code === 'ConditionalCheckFailed') return 'stale';
      if (reasons[1]?.Code === 'ConditionalCheckFailed') return 'document';
      // A conflict with a concurrent transaction on the same items: try again as if stale.
      if (reasons.some((r) => r.Code === 'TransactionConflict')) return 'stale';
      throw err;
    }
  },

  async deleteForBot(tenant, botId) {
    const pk = keys.bot(tenant, botId);
    await batchWrite(db, table, [{ DeleteRequest: { Key: { pk, sk: HEAD_SK } } }]);
    await deleteByPrefix(db, table, pk, 'SEG#');
  },
});
