/**
 * Where the time of reading a large bot's index segments from DynamoDB Local goes:
 * the same segment items read in BatchGets of several sizes and at several
 * concurrencies, through the document client (as the repository reads), the plain
 * client (no unmarshalling) and raw HTTP (the server's time to the first byte, the
 * body, JSON parsing and base64 decoding apart), and by Query.
 * Run: BENCH_DATA_DIR=<folder of a bench:retrieval run> node test/bench/segment-reads.ts
 * (the first bot it lists). Prints JSON; nothing is written.
 */
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { BatchGetItemCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { BatchGetCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { createDocumentClient } from '../../lambdas/adapters/dynamo/client.ts';
import type { SegmentRef } from '../../lambdas/core/records.ts';
import { entryOf } from '../../lambdas/core/index-segment.ts';
import { bucketsForQuery, openMeta, SECTION } from '../../lambdas/core/segment-sections.ts';
import { tenantForMember } from '../../lambdas/core/tenancy.ts';
import { startPlatform } from '../../infra/local/platform.ts';

const DATA_DIR = process.env.BENCH_DATA_DIR;
if (!DATA_DIR) throw new Error('BENCH_DATA_DIR: the folder of a bench:retrieval run');
const bots = JSON.parse(await fs.readFile(path.join(DATA_DIR, 'bench-bots.json'), 'utf8')) as Record<string, { accountId: string; userId: string; botId: string }>;
const [name, bot] = Object.entries(bots)[0]!;
const platform = await startPlatform({ logLevel: 'error', dataDir: DATA_DIR });
const load = () => Math.round(os.loadavg()[0]! * 100) / 100;
const out: Record<string, unknown> = { bot: name, cpus: os.cpus().length };
try {
  const tenant = tenantForMember({ accountId: bot.accountId, userId: bot.userId, role: 'owner' });
  const head = await platform.deps.index.getHead(tenant, bot.botId);
  const pk = `A#${bot.accountId}#B#${bot.botId}`;
  const sks = head.segments.flatMap((ref) => ref.sections
    ? Object.entries(ref.sections).flatMap(([section, parts]) => Array.from({ length: parts }, (_, p) => `SEG#${ref.id}#${section}#${String(p).padStart(4, '0')}`))
    : Array.from({ length: ref.parts }, (_, p) => `SEG#${ref.id}#${String(p).padStart(4, '0')}`));
  out.items = sks.length;
  const doc = createDocumentClient({ region: 'eu-west-1', endpoint: platform.dynamodbUrl });
  const plain = new DynamoDBClient({ region: 'eu-west-1', endpoint: platform.dynamodbUrl, credentials: { accessKeyId: 'local', secretAccessKey: 'local' } });
  const table = platform.table;

  /** Reads every item in BatchGets of `group` keys, `concurrency` at a time; ms and bytes. */
  const timeReads = async (group: number, concurrency: number, read: (keys: string[]) => Promise<number>) => {
    const groups = Array.from({ length: Math.ceil(sks.length / group) }, (_, g) => sks.slice(g * group, (g + 1) * group));
    const t = performance.now();
    let next = 0, bytes = 0;
    await Promise.all(Array.from({ length: Math.min(concurrency, groups.length) }, async () => {
      while (next < groups.length) {
        const got = await read(groups[next++]!);
        bytes += got;
      }
    }));
    const ms = performance.now() - t;
    return { ms: Math.round(ms), mbPerS: Math.round((bytes / 1e6 / (ms / 1000)) * 10) / 10, load: load() };
  };
  const viaDocument = async (keys: string[]) => {
    const res = await doc.send(new BatchGetCommand({ RequestItems: { [table]: { Keys: keys.map((sk) => ({ pk, sk })), ConsistentRead: true } } }));
    if (Object.keys(res.UnprocessedKeys ?? {}).length) throw new Error('unprocessed keys: make groups smaller');
    return (res.Responses?.[table] ?? []).reduce((sum, i) => sum + (i.data as Uint8Array).byteLength, 0);
  };
  const viaPlain = async (keys: string[]) => {
    const res = await plain.send(new BatchGetItemCommand({ RequestItems: { [table]: { Keys: keys.map((sk) => ({ pk: { S: pk }, sk: { S: sk } })), ConsistentRead: true } } }));
    return (res.Responses?.[table] ?? []).reduce((sum, i) => sum + (i.data?.B?.byteLength ?? 0), 0);
  };
  // Raw HTTP: DynamoDB Local checks no signature. Phases summed over requests.
  const phases = { firstByteMs: 0, bodyMs: 0, jsonMs: 0, base64Ms: 0 };
  const viaHttp = async (keys: string[]) => {
    const body = JSON.stringify({ RequestItems: { [table]: { Keys: keys.map((sk) => ({ pk: { S: pk }, sk: { S: sk } })), ConsistentRead: true } } });
    let t = performance.now();
    const res = await fetch(platform.dynamodbUrl, {
      method: 'POST',
      body,
      headers: {
        'content-type': 'application/x-amz-json-1.0',
        'x-amz-target': 'DynamoDB_20120810.BatchGetItem',
        authorization: 'AWS4-HMAC-SHA256 Credential=local/20261206/eu-west-1/dynamodb/aws4_request, SignedHeaders=host, Signature=00',
      },
    });
    phases.firstByteMs += performance.now() - t;
    t = performance.now();
    const text = await res.text();
    phases.bodyMs += performance.now() - t;
    t = performance.now();
    const json = JSON.parse(text) as { Responses: Record<string, Array<{ data: { B: string } }>> };
    phases.jsonMs += performance.now() - t;
    t = performance.now();
    let bytes = 0;
    for (const i of json.Responses[table] ?? []) bytes += Buffer.from(i.data.B, 'base64').byteLength;
    phases.base64Ms += performance.now() - t;
    return bytes;
  };
  await timeReads(8, 100, viaDocument); // warm-up: JIT, connections, DynamoDB Local's caches
  const runs: Record<string, unknown> = {};
  const settings: Array<[number, number]> = process.env.PROFILE_COLD_ONLY ? [] : [[8, 100], [8, 1], [8, 2], [8, 4], [1, 100], [1, 16], [4, 100], [16, 100]];
  for (const [group, concurrency] of settings) {
    runs[`document group ${group} x${concurrency}`] = await timeReads(group, concurrency, viaDocument);
  }
  runs['plain group 8 x100'] = await timeReads(8, 100, viaPlain);
  runs['http group 8 x100'] = await timeReads(8, 100, viaHttp);
  const phaseAll = Object.fromEntries(Object.entries(phases).map(([k, v]) => [k, Math.round(v)]));
  for (const k of Object.keys(phases) as Array<keyof typeof phases>) phases[k] = 0;
  runs['http group 8 x1'] = { ...(await timeReads(8, 1, viaHttp)), phases: Object.fromEntries(Object.entries(phases).map(([k, v]) => [k, Math.round(v)])) };
  runs['http group 8 x100 phases (summed over requests in parallel)'] = phaseAll;
  // Query: one segment's items a query, pages of 1 MB, the segments in parallel.
  const t = performance.now();
  await Promise.all(head.segments.map(async (ref) => {
    let start: Record<string, unknown> | undefined;
    do {
      const page = await doc.send(new QueryCommand({ TableName: table, KeyConditionExpression: 'pk = :pk AND begins_with(sk, :p)', ExpressionAttributeValues: { ':pk': pk, ':p': `SEG#${ref.id}#` }, ConsistentRead: true, ExclusiveStartKey: start }));
      start = page.LastEvaluatedKey;
    } while (start);
  }));
  runs['query by segment, in parallel'] = { ms: Math.round(performance.now() - t), load: load() };
  // Layout 2: what a cold query reads (meta, sign bits, a query's term buckets) through the repository,
  // then 500 chunk items as its exact rescoring reads them; each timed alone and together.
  if (head.segments.every((ref) => ref.sections)) {
    const query = 'w1 w2 w3 w5 w8 w13 w21 w34';
    const coldNames = (ref: SegmentRef) => [SECTION.meta, SECTION.signs, ...bucketsForQuery(query, ref.buckets ?? 0).map(SECTION.bucket)];
    const timed = async (work: () => Promise<unknown>) => {
      const t0 = performance.now();
      await work();
      return Math.round(performance.now() - t0);
    };
    const sections = (names: (ref: SegmentRef) => string[]) => () => Promise.all(head.segments.map((ref) => platform.deps.index.getSections(tenant, bot.botId, ref, names(ref))));
    // 500 entries spread over the bot, as a sign pool is.
    const [first] = head.segments;
    const meta = openMeta(first!, (await platform.deps.index.getSections(tenant, bot.botId, first!, [SECTION.meta])).get(SECTION.meta)!);
    const keys = Array.from({ length: 500 }, (_, i) => entryOf(meta, Math.floor((i * meta.seqs.length) / 500)));
    runs['layout 2, cold'] = {
      metaMs: await timed(sections(() => [SECTION.meta])),
      signsMs: await timed(sections(() => [SECTION.signs])),
      bucketsMs: await timed(sections((ref) => coldNames(ref).slice(2))),
      allColdSectionsMs: await timed(sections(coldNames)),
      chunks500Ms: await timed(() => platform.deps.chunks.getMany(tenant, bot.botId, keys)),
      load: load(),
    };
  }
  out.runs = runs;
  doc.destroy();
  plain.destroy();
  console.log(JSON.stringify(out, null, 2));
} finally {
  await platform.stop();
}
