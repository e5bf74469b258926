/**
 * A bot's search index under its partition `A#<acc>#B#<bot>`:
 * - `INDEX`: the pointer — the generation in force and a few counts, about a
 *   hundred bytes, so the one read a warm query makes is small.
 * - `GEN#<generation>`: that generation's head, immutable once written: the
 *   segment list and the dead runs packed as binary (17-byte ids), a few KB at
 *   most whatever the number of documents. Ids and counts only, no content. The
 *   previous generation's head is kept for readers in flight; older ones go.
 * - `SEG#<id>#<part>`: a segment sealed under the account's content key (codes
 *   and term postings are derived from the documents), split into parts (layout 1);
 *   `SEG#<id>#<section>#<part>`: layout 2, each section sealed on its own, bound to its
 *   segment and name, so that a cold query reads only the sections it needs.
 * A commit writes the next head, moves the pointer and changes the document
 * record in one transaction, conditional on the generation it read.
 */
import { DeleteCommand, GetCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import type { DeadRun, IndexHead, SegmentRef } from '../../core/records.ts';
import type { ContentCipher, IndexRepository } from '../../core/ports.ts';
import type { TenantContext } from '../../core/tenancy.ts';
import { documentKey, storedPatch } from './document-repo.ts';
import { batchGet, deleteByPrefix, batchWrite } from './items.ts';
import { botItems } from './key-layout.ts';
import { conditionalUpdate } from './update-expression.ts';
import { indexPath, readSegmentFile, sectionContext, segmentPath, writeSegmentFile } from '../s3/segment-file.ts';
import type { SegmentObjects } from '../s3/segment-objects.ts';
import type { DocClient, Tables } from './tables.ts';

/** Sealed bytes per segment item, leaving room for keys and attribute names. */
export const SEGMENT_PART_BYTES = 350 * 1024;
/** Segment parts a BatchGet asks for. */
const PARTS_A_READ = 8;


/**
 * Segment items by key, in groups of `PARTS_A_READ` (about 2.8 MB) read in parallel: one
 * BatchGet of a large segment passes DynamoDB's 16 MB a response, and its unprocessed keys
 * then wait for a retry.
 *
 * Read eventually consistent first: a segment's items never change once written (a new
 * segment has a new id), so whatever such a read finds is right, for half the read units,
 * and a bot's items share one partition, whose reads a second are what a cold query waits
 * on. An item written so recently that the read missed it is read again, strongly.
 */
const readParts = async (db: DocClient, table: string, keys: ReadonlyArray<Record<string, unknown>>) => {
  const read = async (wanted: ReadonlyArray<Record<string, unknown>>, consistent: boolean) => {
    const groups = Array.from({ length: Math.ceil(wanted.length / PARTS_A_READ) }, (_, g) => wanted.slice(g * PARTS_A_READ, (g + 1) * PARTS_A_READ));
    return (await Promise.all(groups.map((group) => batchGet(db, table, group, consistent)))).flat();
  };
  const items = await read(keys, false);
  if (items.length === keys.length) return items;
  const found = new Set(items.map((i) => String(i.sk)));
  return [...items, ...(await read(keys.filter((k) => !found.has(String(k.sk))), true))];
};

const ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
const ID_BYTES = 17;
const DEAD_BYTES = ID_BYTES + 6;

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

/** Dead runs as binary: 17-byte run id, u32 chunks, u16 index into `models`. */
export const packDead = (dead: ReadonlyMap<string, DeadRun>): { bytes: Buffer; models: string[] } => {
  const models = [...new Set([...dead.values()].map((d) => d.embeddedWith))];
  const out = Buffer.alloc(dead.size * DEAD_BYTES);
  let at = 0;
  for (const [run, { chunks, embeddedWith }] of dead) {
    writeId(run, out, at);
    out.writeUInt32LE(chunks, at + ID_BYTES);
    out.writeUInt16LE(models.indexOf(embeddedWith), at + ID_BYTES + 4);
    at += DEAD_BYTES;
  }
  return { bytes: out, models };
};

export const unpackDead = (bytes: Uint8Array | undefined, models: readonly string[]): Map<string, DeadRun> => {
  const dead = new Map<string, DeadRun>();
  if (!bytes) return dead;
  const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  for (let at = 0; at + DEAD_BYTES <= buf.length; at += DEAD_BYTES) {
    dead.set(readId(buf, at), { chunks: buf.readUInt32LE(at + ID_BYTES), embeddedWith: models[buf.readUInt16LE(at + ID_BYTES + 4)] ?? '' });
  }
  return dead;
};

const EMPTY: IndexHead = { generation: 0, segments: [], dead: new Map(), documents: 0, chunks: 0 };

const headOf = (item: Record<string, unknown>): IndexHead => ({
  generation: Number(item.generation),
  segments: item.segments as SegmentRef[],
  dead: unpackDead(item.dead as Uint8Array | undefined, (item.deadModels as string[] | undefined) ?? []),
  documents: Number(item.documents ?? 0),
  chunks: Number(item.chunks ?? 0),
});

/** Reads of pointer and head before a missing head is treated as damage; each retry follows a concurrent commit. */
const HEAD_READ_ATTEMPTS = 8;

/**
 * `objects`: where segments are stored whole (layout 3, S3 on AWS); without it (tests of
 * the DynamoDB layouts alone), in DynamoDB items. Segments of every layout are read.
 */
export const createIndexRepository = (tables: Tables, table: string, cipher: ContentCipher, objects?: SegmentObjects): IndexRepository => {
  const getGeneration = async (tenant: TenantContext, botId: string): Promise<number> => {
    const out = await tables.tenant(tenant).send(new GetCommand({
      TableName: table,
      Key: { pk: botItems.pk(tenant, botId), sk: botItems.pointer },
      ConsistentRead: true,
      ProjectionExpression: 'generation',
    }));
    return out.Item ? Number(out.Item.generation) : 0;
  };
  const getHeadAt = async (tenant: TenantContext, botId: string, generation: number): Promise<IndexHead | null> => {
    if (generation === 0) return EMPTY;
    const out = await tables.tenant(tenant).send(new GetCommand({ TableName: table, Key: { pk: botItems.pk(tenant, botId), sk: botItems.head(generation) }, ConsistentRead: true }));
    return out.Item ? headOf(out.Item) : null;
  };
  return {
  getGeneration,
  getHeadAt,

  async getHead(tenant, botId) {
    // The pointer and the head it names are read apart: a commit between the two reads deletes
    // heads two generations back at most, so a retry on the fresh pointer finds its head. A
    // pointer whose head stays missing is damage, not a race: say so instead of looping.
    for (let attempt = 0; attempt < HEAD_READ_ATTEMPTS; attempt++) {
      const generation = await getGeneration(tenant, botId);
      const head = await getHeadAt(tenant, botId, generation);
      if (head) return head;
    }
    throw new Error(`The index of bot ${botId} names a generation whose head is missing after ${HEAD_READ_ATTEMPTS} reads`);
  },

  async putSections(tenant, botId, id, sections) {
    if (objects) {
      const object = await writeSegmentFile(objects, cipher, tenant, botId, id, sections);
      return { sections: Object.fromEntries([...sections.keys()].map((name) => [name, 1])), object };
    }
    const pk = botItems.pk(tenant, botId);
    const parts: Record<string, number> = {};
    const items: Array<Record<string, unknown>> = [];
    for (const [name, bytes] of sections) {
      const sealed = await cipher.seal(tenant, 'vector-page', bytes, sectionContext(id, name));
      const count = Math.max(1, Math.ceil(sealed.byteLength / SEGMENT_PART_BYTES));
      parts[name] = count;
      for (let part = 0; part < count; part++) {
        items.push({ pk, sk: botItems.segmentSectionPart(id, name, part), parts: count, data: sealed.subarray(part * SEGMENT_PART_BYTES, (part + 1) * SEGMENT_PART_BYTES) });
      }
    }
    await batchWrite(tables.tenant(tenant), table, items.map((Item) => ({ PutRequest: { Item } })));
    return { sections: parts };
  },

  async getSections(tenant, botId, ref, names) {
    if (ref.object) {
      if (!objects) throw new Error(`Segment ${ref.id} is stored as an object, and this repository has no object store`);
      return readSegmentFile(objects, cipher, tenant, botId, ref, names);
    }
    const db = tables.tenant(tenant);
    const pk = botItems.pk(tenant, botId);
    const got = new Map<string, Array<Record<string, unknown>>>(names.map((name) => [name, []]));
    const read = async (wanted: ReadonlyArray<[string, number]>) => {
      const keys = wanted.map(([name, part]) => ({ pk, sk: botItems.segmentSectionPart(ref.id, name, part) }));
      for (const item of await readParts(db, table, keys)) got.get(String(item.sk).slice(botItems.segmentPartsOf(ref.id).length, -5))!.push(item);
    };
    // Sections whose item count the index keeps are read whole at once; the others' first
    // item says how many it has, and the rest (rare: a term bucket past one item) follow.
    await read(names.flatMap((name) => Array.from({ length: ref.sections?.[name] ?? 1 }, (_, part): [string, number] => [name, part])));
    const rest = names.flatMap((name) => {
      const count = Number(got.get(name)![0]?.parts ?? 1);
      return Array.from({ length: Math.max(0, count - got.get(name)!.length) }, (_, k): [string, number] => [name, got.get(name)!.length + k]);
    });
    if (rest.length > 0) await read(rest);
    const out = new Map<string, Uint8Array>();
    await Promise.all(names.map(async (name) => {
      const items = got.get(name)!.sort((a, b) => String(a.sk).localeCompare(String(b.sk)));
      const count = Number(items[0]?.parts ?? ref.sections?.[name] ?? 1);
      if (items.length === 0 || items.length !== count) throw new Error(`Segment ${ref.id} has ${items.length} of the ${count} items of its section ${name}`);
      out.set(name, await cipher.open(tenant, 'vector-page', Buffer.concat(items.map((i) => i.data as Uint8Array)), sectionContext(ref.id, name)));
    }));
    return out;
  },

  async getSegment(tenant, botId, ref) {
    const pk = botItems.pk(tenant, botId);
    const keys = Array.from({ length: ref.parts }, (_, part) => ({ pk, sk: botItems.segmentPart(ref.id, part) }));
    const items = await readParts(tables.tenant(tenant), table, keys);
    if (items.length !== ref.parts) throw new Error(`Segment ${ref.id} has ${items.length} of its ${ref.parts} parts`);
    items.sort((a, b) => String(a.sk).localeCompare(String(b.sk)));
    const sealed = Buffer.concat(items.map((i) => i.data as Uint8Array));
    return cipher.open(tenant, 'vector-page', sealed);
  },

  async deleteSegment(tenant, botId, ref) {
    if (ref.object) {
      await objects?.deletePrefix(tenant, segmentPath(botId, ref.id));
      return;
    }
    await deleteByPrefix(tables.tenant(tenant), table, botItems.pk(tenant, botId), botItems.segmentPartsOf(ref.id));
  },

  async commit(tenant, botId, expected, next, change) {
    const pk = botItems.pk(tenant, botId);
    const dead = packDead(next.dead);
    const pointer = {
      Put: {
        TableName: table,
        Item: { pk, sk: botItems.pointer, generation: next.generation, documents: next.documents, chunks: next.chunks },
        ConditionExpression: expected === 0 ? 'attribute_not_exists(pk)' : 'generation = :expected',
        ...(expected === 0 ? {} : { ExpressionAttributeValues: { ':expected': expected } }),
      },
    };
    const head = {
      Put: {
        TableName: table,
        Item: {
          pk, sk: botItems.head(next.generation), generation: next.generation, segments: next.segments,
          dead: dead.bytes, deadModels: dead.models, documents: next.documents, chunks: next.chunks,
        },
      },
    };
    const doc = !change
      ? undefined
      : 'delete' in change
        ? { Delete: { TableName: table, Key: documentKey(tenant, botId, change.docId), ...runCondition(change.ifIndexedRun) } }
        : {
          Update: {
            TableName: table,
            Key: documentKey(tenant, botId, change.docId),
            ...conditionalUpdate(storedPatch(change.patch), { attribute: 'indexedRun', value: change.ifIndexedRun }),
          },
        };
    try {
      await tables.tenant(tenant).send(new TransactWriteCommand({ TransactItems: doc ? [pointer, doc, head] : [pointer, head] }));
    } catch (err) {
      return outcomeOf(err);
    }
    // Readers in flight may still hold the pointer to `expected`; the head before it can go.
    if (expected > 1) await tables.tenant(tenant).send(new DeleteCommand({ TableName: table, Key: { pk, sk: botItems.head(expected - 1) } }));
    return 'ok';
  },
  async deleteForBot(tenant, botId) {
    const pk = botItems.pk(tenant, botId);
    await batchWrite(tables.tenant(tenant), table, [{ DeleteRequest: { Key: { pk, sk: botItems.pointer } } }]);
    await deleteByPrefix(tables.tenant(tenant), table, pk, botItems.heads);
    await deleteByPrefix(tables.tenant(tenant), table, pk, botItems.segments);
    await objects?.deletePrefix(tenant, indexPath(botId));
  },
  };
};

const outcomeOf = (err: unknown): 'stale' | 'document' => {
  const name = (err as { name?: string }).name;
  if (name !== 'TransactionCanceledException') throw err;
  const reasons = (err as { CancellationReasons?: Array<{ Code?: string }> }).CancellationReasons ?? [];
  if (reasons[0]?.Code === 'ConditionalCheckFailed') return 'stale';
  if (reasons[1]?.Code === 'ConditionalCheckFailed') return 'document';
  // A conflict with a concurrent transaction on the same items: try again as if stale.
  if (reasons.some((r) => r.Code === 'TransactionConflict')) return 'stale';
  throw err;
};

/** The document record must still name this run (or none). */
const runCondition = (run: string | null) =>
  run === null
    ? { ConditionExpression: 'attribute_exists(pk) AND attribute_not_exists(indexedRun)' }
    : { ConditionExpression: 'indexedRun = :run', ExpressionAttributeValues: { ':run': run } };
