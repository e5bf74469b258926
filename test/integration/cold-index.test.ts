// A cold query against an index stored in sections (layout 3: one S3 object a segment, on
// the S3 emulator): it reads only the small sections (meta, sign bits, its terms' buckets),
// answers as the warm path does, and leaves the rest to load in the background; no account
// reads another's sections, in objects or in DynamoDB items (layout 2).
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { GetCommand, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { createDocumentClient } from '../../lambdas/adapters/dynamo/client.ts';
import { createIndexRepository } from '../../lambdas/adapters/dynamo/index-repo.ts';
import { createTables } from '../../lambdas/adapters/dynamo/tables.ts';
import { createS3Client } from '../../lambdas/adapters/s3/client.ts';
import { ContentKeyUnavailable } from '../../lambdas/core/errors.ts';
import { openIndex } from '../../lambdas/core/bot-index.ts';
import { segmentCache } from '../../lambdas/core/index-cache.ts';
import type { Deps } from '../../lambdas/core/ports.ts';
import { COLD_POOL, COLD_WHOLE_CHUNKS, retrieve } from '../../lambdas/core/retrieval.ts';
import { tenantForSystem } from '../../lambdas/core/tenancy.ts';
import { rng, writeSyntheticBot } from '../bench/synthetic-bot.ts';
import { denseVectors, queryNear } from '../bench/synthetic-vectors.ts';
import { newOwner, segmentObjects, usePlatform } from './fixtures/platform.ts';

const segmentKeys = async (db: ReturnType<typeof createDocumentClient>, table: string, account: string, bot: string) => {
  const out = await db.send(new QueryCommand({
    TableName: table,
    KeyConditionExpression: 'pk = :pk AND begins_with(sk, :seg)',
    ExpressionAttributeValues: { ':pk': `A#${account}#B#${bot}`, ':seg': 'SEG#' },
  }));
  return (out.Items ?? []).map((i) => String(i.sk));
};

describe('a cold query', () => {
  const platform = usePlatform();
  /** A new owner's bot of `chunks` dense vectors with the statistics of real embeddings. */
  const denseBot = async (seed: number, chunks: number) => {
    const owner = await newOwner(platform());
    const tenant = tenantForSystem(owner.accountId);
    const base = platform().deps;
    const random = rng(seed);
    const { texts, vectors } = await writeSyntheticBot(base, tenant, owner.botId, chunks, random, undefined, denseVectors('anisotropic', random, 512));
    return { owner, tenant, base, random, texts, vectors };
  };

  it('reads only meta, sign bits and its terms’ buckets, answers as the warm path does, and warms up in the background', async () => {
    // Two segments (1,000 and 100 chunks).
    const { owner, tenant, base, random, texts, vectors } = await denseBot(11, 1_100);
    const head = await base.index.getHead(tenant, owner.botId);
    expect(head.segments).toHaveLength(2);
    expect(head.segments.every((ref) => ref.sections && ref.buckets)).toBe(true);

    const reads: Array<{ names: string[]; bytes: number }> = [];
    const question = (n: number) => ({ text: texts[n]!.split(' ').slice(0, 8).join(' '), vector: queryNear(vectors[n]!, random) });
    let asked = question(0);
    const deps: Deps = {
      ...base,
      index: {
        ...base.index,
        getSections: async (t, b, ref, names) => {
          const got = await base.index.getSections(t, b, ref, names);
          reads.push({ names: [...names], bytes: [...got.values()].reduce((sum, x) => sum + x.byteLength, 0) });
          return got;
        },
        getSegment: () => Promise.reject(new Error('a segment in sections is never read whole')),
      },
      embedders: { ...base.embedders, local: { ...base.embedders.local, sparse: false, embed: async (ts) => ts.map(() => asked.vector) } },
    };
    const key = (p: { docId: string; start: number; end: number; text: string }) => `${p.docId}#${p.start}#${p.end}#${p.text}`;

    for (const n of [3, 1_050]) {
      asked = question(n);
      segmentCache.clear();
      reads.length = 0;
      const cold = await retrieve(deps, tenant, owner.botId, asked.text, 5, { coldWholeChunks: 0 });
      const coldReads = reads.splice(0);
      expect(coldReads).toHaveLength(2);
      for (const read of coldReads) {
        expect(read.names.slice(0, 2)).toEqual(['meta', 'signs']);
        expect(read.names.slice(2).every((name) => /^terms-\d+$/.test(name))).toBe(true);
        expect(read.names.length - 2).toBeLessThanOrEqual(8); // at most one bucket a query term
      }
      // The warm-up the cold query started: everything else, codes included.
      await openIndex(deps, tenant, owner.botId);
      const warmUp = reads.splice(0);
      expect(warmUp.every((read) => read.names.includes('codes'))).toBe(true);
      const coldBytes = coldReads.reduce((sum, r) => sum + r.bytes, 0);
      // A bot this small has few term buckets (a query's terms fall in most): the codes make the difference.
      expect(coldBytes).toBeLessThan(warmUp.reduce((sum, r) => sum + r.bytes, 0));

      const warm = await retrieve(deps, tenant, owner.botId, asked.text, 5);
      expect(reads).toEqual([]);
      expect(cold.length).toBeGreaterThan(0);
      expect(cold.map(key)).toEqual(warm.map(key));
      expect(cold[0]!.text).toBe(texts[n]);
    }
  });

  it('reads a sparse query’s segments (the local embedder’s) whole at once, never cold first', async () => {
    const owner = await newOwner(platform());
    const tenant = tenantForSystem(owner.accountId);
    const base = platform().deps;
    // The local embedder's own vectors: most components zero, so sign bits say nothing of its queries.
    const { texts } = await writeSyntheticBot(base, tenant, owner.botId, 300, rng(21));
    const [ref] = (await base.index.getHead(tenant, owner.botId)).segments;
    expect(ref!.sections).toBeTruthy();
    const reads: string[][] = [];
    const deps: Deps = {
      ...base,
      index: {
        ...base.index,
        getSections: async (t, b, r, names) => {
          reads.push([...names]);
          return base.index.getSections(t, b, r, names);
        },
      },
    };
    segmentCache.clear();
    const question = texts[7]!.split(' ').slice(0, 8).join(' ');
    const passages = await retrieve(deps, tenant, owner.botId, question, 5);
    expect(passages[0]!.text).toBe(texts[7]);
    // One read of the segment, codes included: no cold read of meta and sign bits to be thrown away.
    expect(reads).toHaveLength(1);
    expect(reads[0]).toContain('codes');
  });

  it('reads a small bot whole at once: its first answer after idle is the warm one', async () => {
    const { owner, tenant, base, random, texts, vectors } = await denseBot(41, 1_100);
    const head = await base.index.getHead(tenant, owner.botId);
    expect(head.segments).toHaveLength(2);
    expect(head.segments.reduce((sum, ref) => sum + ref.chunks, 0)).toBeLessThanOrEqual(COLD_WHOLE_CHUNKS);
    const reads: string[][] = [];
    let chunkReads = 0;
    const asked = queryNear(vectors[500]!, random);
    const deps: Deps = {
      ...base,
      index: { ...base.index, getSections: async (t, b, r, names) => { reads.push([...names]); return base.index.getSections(t, b, r, names); } },
      chunks: { ...base.chunks, getMany: async (t, b, keys) => { chunkReads += keys.length; return base.chunks.getMany(t, b, keys); } },
      embedders: { ...base.embedders, local: { ...base.embedders.local, sparse: false, embed: async (ts) => ts.map(() => asked) } },
    };
    segmentCache.clear();
    const question = texts[500]!.split(' ').slice(0, 8).join(' ');
    const first = await retrieve(deps, tenant, owner.botId, question, 5);
    // One read a segment, codes included, and the candidates' chunks only (not a sign pool of 500).
    expect(reads).toHaveLength(2);
    expect(reads.every((names) => names.includes('codes'))).toBe(true);
    expect(chunkReads).toBeLessThan(COLD_POOL);
    expect(first[0]!.text).toBe(texts[500]);
    // Nothing left to warm up: the next query reads no section.
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(await retrieve(deps, tenant, owner.botId, question, 5)).toEqual(first);
    expect(reads).toHaveLength(2);
  });

  it('reads the index while the question is being embedded, and a sparse vector from a model said dense still answers', async () => {
    const { owner, tenant, base, random, texts, vectors } = await denseBot(31, 300);
    const events: string[] = [];
    let sectionsAsked!: () => void;
    const sectionsStarted = new Promise<void>((resolve) => (sectionsAsked = resolve));
    const question = texts[9]!.split(' ').slice(0, 8).join(' ');
    const deps = (embed: (ts: readonly string[]) => Promise<Float32Array[]>): Deps => ({
      ...base,
      index: {
        ...base.index,
        getSections: (t, b, ref, names) => {
          events.push(names.includes('codes') ? 'whole' : 'cold');
          sectionsAsked();
          return base.index.getSections(t, b, ref, names);
        },
      },
      embedders: { ...base.embedders, local: { ...base.embedders.local, sparse: false, embed } },
    });
    segmentCache.clear();
    const passages = await retrieve(deps(async (ts) => {
      events.push('embedding');
      // A provider's round trip: the answer comes once the index read has begun (or, were it never to, after a while).
      await Promise.race([sectionsStarted, new Promise((resolve) => setTimeout(resolve, 5_000))]);
      events.push('embedded');
      return ts.map(() => queryNear(vectors[9]!, random));
    }), tenant, owner.botId, question, 5, { coldWholeChunks: 0 });
    expect(events).toEqual(['embedding', 'cold', 'embedded']);
    expect(passages[0]!.text).toBe(texts[9]);

    // The local embedder's own (sparse) vectors from an embedder not said to be sparse: read cold, then whole.
    await openIndex(base, tenant, owner.botId);
    segmentCache.clear();
    events.length = 0;
    const sparseDeps = deps(async (ts) => base.embedders.local.embed(ts));
    const sparse = await retrieve(sparseDeps, tenant, owner.botId, question, 5, { coldWholeChunks: 0 });
    expect(events).toEqual(['cold', 'whole']);
    // …and answers as the warm path (codes in the cache) does.
    events.length = 0;
    expect(await retrieve(sparseDeps, tenant, owner.botId, question, 5)).toEqual(sparse);
    expect(events).toEqual([]);
  });

  it('never opens another account’s segment object, nor one section as another', async () => {
    const alice = await newOwner(platform());
    const bob = await newOwner(platform());
    const base = platform().deps;
    const aliceTenant = tenantForSystem(alice.accountId), bobTenant = tenantForSystem(bob.accountId);
    await writeSyntheticBot(base, aliceTenant, alice.botId, 20, rng(5), undefined, denseVectors('gaussian', rng(6), 512));
    const [ref] = (await base.index.getHead(aliceTenant, alice.botId)).segments;
    expect(ref!.object).toBeDefined();
    expect((await base.index.getSections(aliceTenant, alice.botId, ref!, ['meta'])).get('meta')!.byteLength).toBeGreaterThan(0);
    // Keys are prefixed by account: Bob's reads look under his prefix and find nothing.
    await expect(base.index.getSections(bobTenant, alice.botId, ref!, ['meta'])).rejects.toThrow(/is missing/);

    const s3 = createS3Client({ region: 'eu-west-1', endpoint: platform().s3Url });
    const key = (account: string) => `accounts/${account}/bots/${alice.botId}/index/${ref!.id}.seg`;
    const object = (await segmentObjects(platform(), alice)).get(ref!.id)!;
    // Alice's object copied under Bob's prefix: sealed under Alice's key and account, so it does not open.
    await s3.send(new PutObjectCommand({ Bucket: platform().bucket, Key: key(bob.accountId), Body: object }));
    await expect(base.index.getSections(bobTenant, alice.botId, ref!, ['meta'])).rejects.toThrow(ContentKeyUnavailable);
    // One section's sealed bytes read where another belongs: bound to its name, so it does not open either.
    await expect(base.index.getSections(aliceTenant, alice.botId, { ...ref!, object: { ...ref!.object!, meta: ref!.object!.signs! } }, ['meta'])).rejects.toThrow(ContentKeyUnavailable);
    s3.destroy();

    // Deleting the bot (as erasure does) leaves none of its segments behind.
    expect((await segmentObjects(platform(), alice)).size).toBe(1);
    await base.index.deleteForBot(aliceTenant, alice.botId);
    expect((await segmentObjects(platform(), alice)).size).toBe(0);
  });

  it('never opens another account’s sections stored in DynamoDB items (layout 2), nor one section as another', async () => {
    const alice = await newOwner(platform());
    const bob = await newOwner(platform());
    const base = platform().deps;
    const aliceTenant = tenantForSystem(alice.accountId), bobTenant = tenantForSystem(bob.accountId);
    const db = createDocumentClient({ region: 'eu-west-1', endpoint: platform().dynamodbUrl });
    const items = createIndexRepository(createTables({ base: db }), platform().table, base.cipher);
    const stored = await items.putSections(aliceTenant, alice.botId, 'SEGMENTID', new Map([['meta', new Uint8Array([1, 2, 3])], ['terms-0', new Uint8Array([4, 5])]]));
    const ref = { id: 'SEGMENTID', parts: 0, chunks: 1, embeddedWith: 'x@1', sections: stored.sections };
    expect([...(await base.index.getSections(aliceTenant, alice.botId, ref, ['meta'])).get('meta')!]).toEqual([1, 2, 3]);
    // Keys are partitioned by account: Bob's reads look in his partition and find nothing.
    await expect(base.index.getSections(bobTenant, alice.botId, ref, ['meta'])).rejects.toThrow(/has 0 of the 1 items of its section meta/);

    const item = async (account: string, bot: string, sk: string) =>
      (await db.send(new GetCommand({ TableName: platform().table, Key: { pk: `A#${account}#B#${bot}`, sk } }))).Item!;
    // Alice's sealed meta copied into Bob's partition: sealed under Alice's key and account, so it does not open.
    const meta = await item(alice.accountId, alice.botId, `SEG#${ref.id}#meta#0000`);
    await db.send(new PutCommand({ TableName: platform().table, Item: { ...meta, pk: `A#${bob.accountId}#B#${alice.botId}` } }));
    await expect(base.index.getSections(bobTenant, alice.botId, ref, ['meta'])).rejects.toThrow(ContentKeyUnavailable);
    // A section's blob put where another section belongs: bound to its name, so it does not open either.
    const bucket = await item(alice.accountId, alice.botId, `SEG#${ref.id}#terms-0#0000`);
    await db.send(new PutCommand({ TableName: platform().table, Item: { ...bucket, sk: `SEG#${ref.id}#meta#0000` } }));
    await expect(base.index.getSections(aliceTenant, alice.botId, ref, ['meta'])).rejects.toThrow(ContentKeyUnavailable);

    // Deleting the bot (as erasure does) leaves none of its sections behind.
    expect((await segmentKeys(db, platform().table, alice.accountId, alice.botId)).length).toBe(2);
    await base.index.deleteForBot(aliceTenant, alice.botId);
    expect(await segmentKeys(db, platform().table, alice.accountId, alice.botId)).toEqual([]);
    db.destroy();
  });
});
