/**
 * Chunks with their full-precision vectors under the bot partition `A#<acc>#B#<bot>`,
 * keyed `CHUNK#<doc>#<run>#<seq>`: a re-ingest writes a new run beside the one that
 * answers, and the old run is deleted once the document has switched.
 */
import type { Chunk } from '../../core/records.ts';
import type { ChunkRepository, ContentCipher } from '../../core/ports.ts';
import type { TenantContext } from '../../core/tenancy.ts';
import { batchGet, batchWrite, deleteByPrefix, queryAll, type Item } from './items.ts';
import { botItems } from './key-layout.ts';
import type { Tables } from './tables.ts';

/**
 * Chunk text, section and vector are tenant content: sealed together under the
 * account's key. Ids, order and offsets stay clear so chunks can be listed and deleted.
 * Sealed layout: u32 length of the JSON, the JSON {text, section}, the float32 vector.
 */
const pack = (c: Chunk): Uint8Array => {
  const json = Buffer.from(JSON.stringify({ text: c.text, section: c.section, ...(c.url ? { url: c.url } : {}) }));
  const out = Buffer.alloc(4 + json.length + c.vector.byteLength);
  out.writeUInt32LE(json.length, 0);
  json.copy(out, 4);
  Buffer.from(c.vector.buffer, c.vector.byteOffset, c.vector.byteLength).copy(out, 4 + json.length);
  return out;
};

const unpack = (bytes: Uint8Array): { text: string; section: string; url?: string; vector: Float32Array } => {
  const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const length = buf.readUInt32LE(0);
  const { text, section, url } = JSON.parse(buf.subarray(4, 4 + length).toString('utf8')) as { text: string; section: string; url?: string };
  // Copy into an aligned buffer: a Float32Array needs a 4-byte aligned offset.
  const vector = new Float32Array(new Uint8Array(buf.subarray(4 + length)).buffer);
  return { text, section, ...(url ? { url } : {}), vector };
};

export const createChunkRepository = (tables: Tables, table: string, cipher: ContentCipher): ChunkRepository => {
  const chunkOf = async (tenant: TenantContext, i: Item): Promise<Chunk> => ({
    docId: String(i.docId),
    run: String(i.run),
    seq: Number(i.seq),
    ...(typeof i.page === 'number' ? { page: i.page } : {}),
    start: Number(i.start),
    end: Number(i.end),
    ...unpack(await cipher.open(tenant, 'chunk', i.sealed as Uint8Array)),
  });
  return {
    async put(tenant, botId, chunks) {
      const pk = botItems.pk(tenant, botId);
      const items: Item[] = await Promise.all(chunks.map(async (c) => ({
        pk,
        sk: botItems.chunk(c),
        docId: c.docId,
        run: c.run,
        seq: c.seq,
        page: c.page,
        start: c.start,
        end: c.end,
        sealed: await cipher.seal(tenant, 'chunk', pack(c)),
      })));
      await batchWrite(tables.tenant(tenant), table, items.map((Item) => ({ PutRequest: { Item } })));
    },

    async listForBot(tenant, botId) {
      const items = await queryAll(tables.tenant(tenant), {
        TableName: table,
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :p)',
        ExpressionAttributeValues: { ':pk': botItems.pk(tenant, botId), ':p': botItems.chunks },
      });
      return Promise.all(items.map((i) => chunkOf(tenant, i)));
    },

    async getMany(tenant, botId, wanted) {
      const pk = botItems.pk(tenant, botId);
      const items = await batchGet(tables.tenant(tenant), table, wanted.map((k) => ({ pk, sk: botItems.chunk(k) })));
      const bySk = new Map(items.map((i) => [String(i.sk), i]));
      const found = wanted.map((k) => bySk.get(botItems.chunk(k))).filter((i): i is Item => i !== undefined);
      return Promise.all(found.map((i) => chunkOf(tenant, i)));
    },

    async deleteForDocument(tenant, botId, docId, run) {
      await deleteByPrefix(tables.tenant(tenant), table, botItems.pk(tenant, botId), botItems.chunksOf(docId, run));
    },

    async deleteForBot(tenant, botId) {
      await deleteByPrefix(tables.tenant(tenant), table, botItems.pk(tenant, botId), botItems.chunks);
    },
  };
};
