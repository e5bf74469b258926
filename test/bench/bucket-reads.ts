/**
 * Where the term-bucket bytes a cold query reads go (issue 25): for queries like the
 * retrieval benchmark's (the first 8 words of a random chunk) over a synthetic bot
 * segmented as compaction leaves it, the bytes of the buckets read, split into the
 * query terms' own entries (dictionary row and postings) and the rest; for several
 * bucket sizes, and the bucket count `bucketCountFor` chooses now. Only the lexical
 * part of the segments is built (in memory, no vectors, no storage).
 *
 * Besides the plain bucket bytes: as layout 3 fetches them (segment-file.ts: each section
 * sealed, 29 bytes more; ranges within 16 KB read as one), the segment directory a cold
 * query reads first (it grows with the bucket count) and the meta header's term counts;
 * and what a warm open spends on the buckets (medians of several runs): the time `composeLexical`
 * takes over every bucket (of the largest segment, and of all) and the heap it holds, and the CPU
 * time of unsealing every bucket (AES-GCM, as content-cipher.ts: some µs a section besides the bytes).
 *
 * Run: node test/bench/bucket-reads.ts   (BENCH_SIZE=100000 BENCH_QUERIES=200 by default)
 * Prints JSON; nothing is written.
 */
import { createCipheriv, createDecipheriv, createSecretKey, randomBytes } from 'node:crypto';
import v8 from 'node:v8';
import vm from 'node:vm';
import os from 'node:os';
import { deflateSync } from 'node:zlib';
import { readRanges } from '../../lambdas/adapters/s3/segment-file.ts';
import { embeddingText } from '../../lambdas/core/ingestion.ts';
import { bucketCountFor, bucketOf, composeLexical, splitLexical } from '../../lambdas/core/lexical-buckets.ts';
import { buildLexicalSegment, lexicalColumns, mergeLexical, openLexicalSegment, termHash } from '../../lambdas/core/lexical-index.ts';
import { MERGE_FACTOR } from '../../lambdas/core/limits.ts';
import { terms } from '../../lambdas/core/text.ts';
import { CHUNKS_PER_DOC, passage, rng } from './synthetic-bot.ts';

const SIZE = Number(process.env.BENCH_SIZE ?? 100_000);
const QUERIES = Number(process.env.BENCH_QUERIES ?? 200);
/** Seal overhead of a section (content-cipher.ts: version, IV, tag). */
const SEAL = 1 + 12 + 16;

const random = rng(SIZE + 'gaussian'.length);
const t0 = performance.now();
// Segments as memory-bot.ts makes them: a segment a document, merged in tiers of MERGE_FACTOR.
const tiers: Uint8Array[][] = [];
const texts: string[] = [];
const add = (level: number, blob: Uint8Array) => {
  const list = (tiers[level] ??= []);
  list.push(blob);
  if (list.length < MERGE_FACTOR) return;
  const opened = list.map(openLexicalSegment);
  tiers[level] = [];
  add(level + 1, mergeLexical(opened.flatMap((lexical) => Array.from({ length: lexical.chunkCount }, (_, chunk) => ({ lexical, chunk })))));
};
for (let d = 0; d * CHUNKS_PER_DOC < SIZE; d++) {
  const count = Math.min(CHUNKS_PER_DOC, SIZE - d * CHUNKS_PER_DOC);
  const own = Array.from({ length: count }, () => passage(random));
  texts.push(...own);
  add(0, buildLexicalSegment(own.map((t) => embeddingText(`doc-${d}`, '', t))));
}
const segments = tiers.flat().reverse();
const buildSeconds = (performance.now() - t0) / 1000;
const queries = Array.from({ length: QUERIES }, () => texts[Math.floor(random() * texts.length)]!.split(' ').slice(0, 8).join(' '));
const queryHashes = queries.map((q) => [...new Set(terms(q).map(termHash))]);

/** Bucket counts of a segment of `bytes`, for a target size and a cap (as bucketCountFor, other constants). */
const countFor = (bytes: number, target: number, max: number) => Math.min(max, 2 ** Math.max(0, Math.ceil(Math.log2(bytes / target))));

v8.setFlagsFromString('--expose-gc');
const collectGarbage = vm.runInNewContext('gc') as () => void;

/** CPU time of this thread, ms: less at the mercy of the machine's load than wall time. */
const cpuMs = () => {
  const used = process.threadCpuUsage();
  return (used.user + used.system) / 1000;
};

const mean = (xs: readonly number[]) => Math.round(xs.reduce((a, b) => a + b, 0) / xs.length);
const median = (xs: readonly number[]) => [...xs].sort((a, b) => a - b)[xs.length >> 1]!;

/** Per segment: each term's own bytes (dictionary row, 12 bytes, and postings). */
const own = segments.map((blob) => {
  const { hashes, offsets } = lexicalColumns(blob);
  const map = new Map<number, number>();
  hashes.forEach((h, s) => map.set(h, 12 + offsets[s + 1]! - offsets[s]!));
  return map;
});

const measure = (label: string, counts: readonly number[]) => {
  const split = segments.map((blob, i) => splitLexical(blob, counts[i]!));
  const sizes = split.map((s) => s.buckets.map((b) => b.byteLength));
  // Layout 3: sections sealed one after another (meta and signs before the buckets; their
  // sizes do not matter here, only the buckets' offsets relative to each other).
  const starts = sizes.map((list) => {
    const at: number[] = [];
    let next = 0;
    for (const n of list) {
      at.push(next);
      next += n + SEAL;
    }
    return at;
  });
  const directory = sizes.map((list, i) => {
    const dir: Record<string, [number, number]> = { meta: [0, 30_000], signs: [30_000, 4_000_000] };
    list.forEach((n, b) => (dir[`terms-${b}`] = [4_030_000 + starts[i]![b]!, n + SEAL]));
    dir.codes = [99_000_000, 25_000_000];
    return JSON.stringify(dir).length + SEAL;
  });
  const metaTerms = split.map((s) => s.buckets.map((b) => lexicalColumns(b).hashes.length));
  const perQuery = { bucketBytes: [] as number[], ownBytes: [] as number[], buckets: [] as number[], fetchedBytes: [] as number[], gets: [] as number[] };
  return (async () => {
    for (const hashes of queryHashes) {
      let bucketBytes = 0, ownBytes = 0, buckets = 0, fetched = 0, gets = 0;
      for (let i = 0; i < segments.length; i++) {
        const wanted = [...new Set(hashes.map((h) => bucketOf(h, counts[i]!)))].sort((a, b) => a - b);
        buckets += wanted.length;
        for (const b of wanted) bucketBytes += sizes[i]![b]!;
        for (const h of hashes) ownBytes += own[i]!.get(h) ?? 0;
        await readRanges(async (_offset, length) => {
          gets++;
          fetched += length;
          return new Uint8Array(length);
        }, wanted.map((b) => [starts[i]![b]!, sizes[i]![b]! + SEAL] as const));
      }
      perQuery.bucketBytes.push(bucketBytes);
      perQuery.ownBytes.push(ownBytes);
      perQuery.buckets.push(buckets);
      perQuery.fetchedBytes.push(fetched);
      perQuery.gets.push(gets);
    }
    // A warm open: every bucket of every segment through composeLexical (and of the largest alone).
    const compose = (i: number) => composeLexical(split[i]!.lengths, split[i]!.total, metaTerms[i]!, split[i]!.buckets);
    /** Opened, then one slot of each bucket read: every bucket opened (composeLexical opens them on first use). */
    const composeAndUse = (i: number) => {
      const seg = compose(i);
      let at = 0;
      for (const n of metaTerms[i]!) {
        if (n > 0) seg.hashOf(at);
        at += n;
      }
    };
    const times: number[] = [], allTimes: number[] = [], usedTimes: number[] = [];
    // Wall time (an open takes about a ms, finer than the CPU clock's grain), each sample 20 opens.
    for (let r = 0; r < 9; r++) {
      let t = performance.now();
      for (let k = 0; k < 20; k++) compose(0);
      times.push((performance.now() - t) / 20);
      t = performance.now();
      for (let k = 0; k < 20; k++) segments.forEach((_, i) => compose(i));
      allTimes.push((performance.now() - t) / 20);
      t = performance.now();
      for (let k = 0; k < 20; k++) segments.forEach((_, i) => composeAndUse(i));
      usedTimes.push((performance.now() - t) / 20);
    }
    collectGarbage();
    const heapBefore = process.memoryUsage().heapUsed;
    const held = segments.map((_, i) => compose(i));
    // Queries open the buckets of their terms: here one of the benchmark's, on every segment.
    for (const seg of held) for (const h of queryHashes[0]!) seg.df(h);
    collectGarbage();
    const heapHeld = process.memoryUsage().heapUsed - heapBefore;
    // Every bucket sealed apart (AES-256-GCM under one KeyObject, as content-cipher.ts), opened again: what many sections cost a warm open.
    const key = createSecretKey(randomBytes(32)), aad = Buffer.from('account purpose segment section');
    const sealed = split.flatMap((s) => s.buckets).map((b) => {
      const iv = randomBytes(12);
      const c = createCipheriv('aes-256-gcm', key, iv).setAAD(aad);
      return { iv, body: Buffer.concat([c.update(b), c.final()]), tag: c.getAuthTag() };
    });
    const opens: number[] = [];
    for (let r = 0; r < 9; r++) {
      const t = cpuMs();
      for (const { iv, body, tag } of sealed) {
        const d = createDecipheriv('aes-256-gcm', key, iv).setAAD(aad);
        d.setAuthTag(tag);
        d.update(body);
        d.final();
      }
      opens.push(cpuMs() - t);
    }
    const bucketBytes = mean(perQuery.bucketBytes), ownBytes = mean(perQuery.ownBytes);
    return {
      label,
      bucketsPerSegment: counts.join(' '),
      largestBucketOfLargestSegment: Math.max(...sizes[0]!),
      medianBucketOfLargestSegment: median(sizes[0]!),
      // Means over the queries, summed over segments.
      bucketBytes,
      ownBytes,
      restBytes: bucketBytes - ownBytes,
      bucketsRead: mean(perQuery.buckets),
      // As layout 3 reads them: sealed, nearby ranges merged.
      fetchedBytes: mean(perQuery.fetchedBytes),
      rangeGets: mean(perQuery.gets),
      // Read by a cold query besides: every segment's directory (sealed JSON), and the meta header's term counts (deflated).
      directoryBytes: directory.reduce((a, b) => a + b, 0),
      // What a cold query reads for its terms in all: buckets as fetched, directories, term counts.
      coldTermBytes: mean(perQuery.fetchedBytes) + directory.reduce((a, b) => a + b, 0) + metaTerms.reduce((sum, t) => sum + deflateSync(JSON.stringify(t)).byteLength, 0),
      metaTermCountsDeflated: metaTerms.reduce((sum, t) => sum + deflateSync(JSON.stringify(t)).byteLength, 0),
      composeLexicalLargestMs: Math.round(median(times) * 100) / 100,
      composeLexicalAllMs: Math.round(median(allTimes) * 100) / 100,
      composeLexicalAllEveryBucketUsedMs: Math.round(median(usedTimes) * 100) / 100,
      // Heap the opened lexical segments hold besides the bucket bytes.
      composeLexicalAllHeapBytes: held.length > 0 ? heapHeld : 0,
      unsealAllBucketsCpuMs: Math.round(median(opens) * 100) / 100,
      bucketsInAll: sealed.length,
    };
  })();
};

const results: Record<string, unknown> = {
  chunks: SIZE,
  queries: QUERIES,
  buildSeconds: Math.round(buildSeconds),
  segments: segments.map((b) => lexicalColumns(b).lengths.length).join(' '),
  lexicalBytes: segments.map((b) => b.byteLength).join(' '),
};
/** As bucketCountFor, with another cost a bucket: the power of two nearest √(8 · bytes / cost), buckets of 2 KB or more. */
const balanced = (bytes: number, cost: number) =>
  2 ** Math.max(0, Math.min(Math.round(Math.log2(Math.sqrt((8 * bytes) / cost))), Math.floor(Math.log2(bytes / 2048))));
const only = process.env.BENCH_ONLY === 'built';
const configs: Array<[string, number[]]> = [
  ['bucketCountFor (as built)', segments.map((b) => bucketCountFor(b.byteLength))],
  ...(only ? [] : [
    ...[64, 32, 16, 8, 4].map((kb): [string, number[]] => [`${kb} KB, at most 1024 (the rule before, other sizes)`, segments.map((b) => countFor(b.byteLength, kb * 1024, 1024))]),
    ...[32, 64, 128, 256, 512, 1024].map((cost): [string, number[]] => [`balanced, ${cost} bytes a bucket`, segments.map((b) => balanced(b.byteLength, cost))]),
  ]),
];
const rows = [];
const seen = new Set<string>();
for (const [label, counts] of configs) {
  if (seen.has(counts.join())) continue;
  seen.add(counts.join());
  rows.push(await measure(label, counts));
  process.stderr.write(`${JSON.stringify(rows[rows.length - 1])}\n`);
}
results.rows = rows;
results.loadAverage = os.loadavg()[0];
results.cpus = os.cpus().length;
console.log(JSON.stringify(results, null, 2));
